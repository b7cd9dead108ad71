"""Featured images and avatars: raster only, bounded, stored re-encoded without metadata."""

import io
import struct
import zlib

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from blog.images import reencode_image
from blog.models import Post
from tests.admin_forms import inline_management_data


def encoded(fmt: str, size=(40, 30), **save_options) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(buffer, fmt, **save_options)
    return buffer.getvalue()


def noisy_jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.effect_noise((400, 300), 80).convert("RGB").save(buffer, "JPEG")
    return buffer.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims a huge size, with almost no data (a decompression bomb)."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        body = kind + payload
        return struct.pack(">I", len(payload)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def test_polyglot_png_with_html_is_stored_as_a_clean_png():
    polyglot = encoded("PNG") + b"<html><script>alert(1)</script></html>"
    content, extension, content_type, _ = reencode_image(polyglot)
    assert extension == "png" and content_type == "image/png"
    assert b"<script" not in content


def test_camera_exif_is_dropped_and_orientation_applied():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° when shown
    exif[0x010F] = "PhoneMaker"  # camera make
    exif[0x0131] = "Camera app 1.0"  # software
    content, _, _, size = reencode_image(encoded("JPEG", size=(40, 30), exif=exif.tobytes()))
    with Image.open(io.BytesIO(content)) as image:
        assert image.size == size == (30, 40)
        assert not image.getexif()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<?php system($_GET['c']); ?>", "not an image"),
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "not an image"),
        (b"", "not an image"),
        (encoded("BMP"), "JPEG, PNG, WebP or GIF"),
        (png_header_only(20000, 20000), "too large"),
        (png_header_only(100000, 1), "too large"),
        (noisy_jpeg()[:3000], "damaged"),
    ],
)
def test_unacceptable_files_are_refused_with_a_message(data, message):
    with pytest.raises(forms.ValidationError) as excinfo:
        reencode_image(data)
    assert message in str(excinfo.value)


def test_admin_stores_a_generated_name_and_refuses_svg(client, author):
    client.force_login(author)
    form = {
        "title": "With picture", "slug": "", "excerpt": "", "body": "Body",
        "featured_image_alt": "", "featured_image_caption": "", "featured_image_credit": "",
        "source_name": "", "source_url": "", "tags": "", "status": "draft",
        "published_at_0": "", "published_at_1": "",
    }  # fmt: skip
    form.update(inline_management_data(client, reverse("admin:blog_post_add")))
    svg = SimpleUploadedFile("evil.svg", b"<svg onload=alert(1)/>", "image/svg+xml")
    response = client.post(reverse("admin:blog_post_add"), {**form, "featured_image": svg})
    assert response.status_code == 200
    assert not Post.objects.exists()

    jpeg = SimpleUploadedFile("../../etc/passwd.jpg", encoded("JPEG"), "image/jpeg")
    response = client.post(reverse("admin:blog_post_add"), {**form, "featured_image": jpeg})
    assert response.status_code == 302
    post = Post.objects.get()
    name = post.featured.file.name
    assert name.startswith("images/") and ".." not in name and "passwd" not in name
    assert name.endswith(".jpg")
    assert (post.featured.width, post.featured.height) == (40, 30)
    assert post.featured.original_name == "passwd.jpg"
    assert post.featured.uploaded_by == author
