"""Request size limits: a request announcing a body bigger than any legitimate one is answered 413
before a byte of it is read (so a lying Content-Length cannot hold a worker), readers and anonymous
clients never get to send more than a small form, and a file part past the upload limit is no
longer stored and is refused by the form with a message."""

import io
import os
import random
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.urls import reverse
from PIL import Image

from blog.models import Post
from tests.admin_forms import inline_management_data

ROOT = Path(__file__).resolve().parents[2]
MB = 1024 * 1024
MULTIPART = "multipart/form-data; boundary=BOUNDARY"


class SlowClientBody(io.RawIOBase):
    """The socket of a client that announced a big body and sent only its first bytes: on a real
    server the next read would wait for the rest. Here every byte taken is counted."""

    def __init__(self, sent: bytes = b"--BOUNDARY\r\n"):
        self.sent = io.BytesIO(sent)
        self.bytes_read = 0

    def readable(self):
        return True

    def read(self, size=-1):
        data = self.sent.read(size)
        self.bytes_read += len(data)
        return data

    def readline(self, size=-1):
        data = self.sent.readline(size)
        self.bytes_read += len(data)
        return data


def wsgi_post(path: str, content_length: str, body: SlowClientBody, **headers) -> str:
    """POST straight to the WSGI application, as gunicorn does; returns the status line."""
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "HTTP_HOST": "localhost",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": body,
        "wsgi.errors": io.StringIO(),
        "CONTENT_TYPE": MULTIPART,
        "CONTENT_LENGTH": content_length,
        **headers,
    }
    status = []
    # As Django's test client does: the test's database connection stays open across the request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        response = WSGIHandler()(environ, lambda line, headers, exc_info=None: status.append(line))
        b"".join(response)
        response.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return status[0]


@pytest.mark.parametrize("path", ["/admin/login/", "/ratings/vote/post/1/", "/"])
def test_a_huge_declared_body_is_answered_413_before_a_byte_is_read(path):
    body = SlowClientBody()
    status = wsgi_post(path, str(10 * 1024 * MB), body)
    assert status.startswith("413")
    assert body.bytes_read == 0


@pytest.mark.parametrize("path", ["/admin/login/", "/ratings/vote/post/1/"])
def test_anonymous_body_larger_than_a_small_form_is_refused_unread(path):
    """Before signing in, file parts had no cap: a megabyte upload to the sign-in page was parsed
    and spooled. Nobody but signed-in staff needs more than a small form."""
    body = SlowClientBody(b"--BOUNDARY\r\n" + b"x" * MB)
    status = wsgi_post(path, str(MB + 12), body)
    assert status.startswith("413")
    assert body.bytes_read == 0


@pytest.mark.parametrize("length", ["abc", "-5", "", "1e9"])
def test_malformed_content_length_is_not_a_server_error(length):
    status = wsgi_post("/admin/login/", length, SlowClientBody())
    assert int(status[:3]) < 500


class StoringHandlerSpy(FileUploadHandler):
    """Placed just before the handler that spools uploads to disk: counts what reaches it."""

    received = 0

    def receive_data_chunk(self, raw_data, start):
        StoringHandlerSpy.received += len(raw_data)
        return raw_data

    def file_complete(self, file_size):
        return None


def post_form(client) -> dict:
    form = {
        "title": "With picture", "slug": "", "excerpt": "", "body": "Body",
        "featured_image_alt": "", "featured_image_caption": "", "featured_image_credit": "",
        "source_name": "", "source_url": "", "tags": "", "status": "draft",
        "published_at_0": "", "published_at_1": "",
    }  # fmt: skip
    form.update(inline_management_data(client, reverse("admin:blog_post_add")))
    return form


def test_file_part_past_the_upload_limit_is_not_stored_and_the_form_says_so(
    client, editor, settings
):
    handlers = list(settings.FILE_UPLOAD_HANDLERS)
    temporary = "django.core.files.uploadhandler.TemporaryFileUploadHandler"
    handlers.insert(handlers.index(temporary), f"{__name__}.StoringHandlerSpy")
    settings.FILE_UPLOAD_HANDLERS = handlers
    StoringHandlerSpy.received = 0
    client.force_login(editor)
    limit = settings.UPLOAD_FILE_MAX_BYTES
    huge = SimpleUploadedFile("huge.jpg", b"\xff\xd8" + b"\x00" * (limit + MB), "image/jpeg")

    form = {**post_form(client), "author": editor.pk, "featured_image": huge}

    response = client.post(reverse("admin:blog_post_add"), form)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["featured_image"]
    assert "larger than 10 MB" in errors[0]
    assert StoringHandlerSpy.received <= limit
    assert not Post.objects.exists()
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not any(path.is_file() for path in media.rglob("*"))


def test_staff_can_still_upload_an_image_of_several_megabytes(client, editor, settings):
    rng = random.Random(7)
    noise = Image.frombytes("RGB", (2000, 1500), rng.randbytes(2000 * 1500 * 3))
    buffer = io.BytesIO()
    noise.save(buffer, "JPEG", quality=100)
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE < len(buffer.getvalue()) < 10 * MB
    client.force_login(editor)
    photo = SimpleUploadedFile("holiday.jpg", buffer.getvalue(), "image/jpeg")

    form = {**post_form(client), "author": editor.pk, "featured_image": photo}

    response = client.post(reverse("admin:blog_post_add"), form)

    assert response.status_code == 302
    assert Post.objects.get().featured.width == 2000


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def gunicorn_server():
    """The site under gunicorn with the project's gunicorn settings, one worker."""
    port = free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "PYTHONPATH": str(ROOT)}
    env.pop("GUNICORN_CMD_ARGS", None)
    command = [sys.executable, "-m", "gunicorn", "-c", "python:config.gunicorn"]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", "1"]
    server = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"gunicorn did not start: {server.stderr.read().decode()}")
                time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_gunicorn_answers_a_lying_content_length_at_once(gunicorn_server):
    """The attack as sent: headers announcing a gigabyte, then a few bytes and silence. Before,
    the worker waited for the body until gunicorn's timeout (30 s) killed it."""
    with socket.create_connection(("127.0.0.1", gunicorn_server), timeout=10) as connection:
        started = time.monotonic()
        connection.sendall(
            b"POST /admin/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: " + MULTIPART.encode() + b"\r\n"
            b"Content-Length: 1000000000\r\n\r\n--BOUNDARY\r\n"
        )
        reply = connection.recv(200)
    assert reply.startswith(b"HTTP/1.1 413")
    assert time.monotonic() - started < 5
