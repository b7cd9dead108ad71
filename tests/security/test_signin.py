"""Attacks on the admin sign-in: password floods, lockouts of colleagues, races between worker
processes, and a Redis outage. Each test sends the attack and asserts that it fails."""

import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from django.contrib.auth.signals import user_login_failed
from django.core.cache import caches
from django.db import connections
from django.db.models import F
from django.test import Client
from django.urls import reverse

from core.cache import FaultTolerantRedisCache
from tests.core.test_cache_outage import DOWN_REDIS
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 10  # the documented number of wrong passwords before a pause
PASSWORD = "right password 123"
LOGIN = "/admin/login/"


def sign_in(client, username, password, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def victim(db):
    return UserFactory(username="victim", is_staff=True, password=PASSWORD)


@pytest.fixture
def colleague(db):
    return UserFactory(username="colleague", is_staff=True, password=PASSWORD)


@pytest.fixture
def checked_passwords():
    """The sign-in attempts whose password was checked and found wrong."""
    failures = []

    def receiver(sender, credentials, **kwargs):
        failures.append(credentials.get("username"))

    user_login_failed.connect(receiver, dispatch_uid="tests.security.checked_passwords")
    yield failures
    user_login_failed.disconnect(dispatch_uid="tests.security.checked_passwords")


def test_a_flood_on_one_account_does_not_stop_another_account_signing_in_from_there(
    client, victim, colleague
):
    for _ in range(LIMIT + 5):
        sign_in(client, "victim", "guess")
    assert sign_in(client, "victim", "guess").status_code == 429

    response = sign_in(client, "colleague", PASSWORD)
    assert response.status_code == 302 and signed_in(client)


def test_a_flood_behind_the_reverse_proxy_does_not_lock_out_the_other_staff(
    settings, victim, colleague
):
    # Without DJANGO_TRUSTED_PROXY_COUNT, everyone behind the proxy has the proxy's address.
    settings.TRUSTED_PROXY_COUNT = 0
    attacker, staff = Client(REMOTE_ADDR="10.0.0.1"), Client(REMOTE_ADDR="10.0.0.1")
    for _ in range(LIMIT + 1):
        sign_in(attacker, "victim", "guess", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert sign_in(staff, "colleague", PASSWORD).status_code == 302


def test_the_eleventh_wrong_password_in_a_row_is_refused_without_being_checked(
    client, victim, checked_passwords
):
    for attempt in range(LIMIT):
        response = sign_in(client, "victim", f"guess {attempt}")
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.content.decode()
    response = sign_in(client, "victim", "guess 11")
    assert response.status_code == 429
    assert checked_passwords == ["victim"] * LIMIT  # the eleventh was never looked at
    page = response.content.decode()
    assert "Too many failed sign-in attempts" in page
    assert "Try again in 15 minutes" in page
    assert "Other accounts can sign in as usual" in page
    assert 14 * 60 < int(response["Retry-After"]) <= 15 * 60

    response = sign_in(client, "victim", PASSWORD)  # even the right one, until the pause ends
    assert response.status_code == 429 and not signed_in(client)


def test_the_same_account_from_another_address_is_not_paused(victim):
    for _ in range(LIMIT + 1):
        sign_in(Client(REMOTE_ADDR="203.0.113.9"), "victim", "guess")
    owner = Client(REMOTE_ADDR="192.0.2.44")
    assert sign_in(owner, "victim", PASSWORD).status_code == 302


def test_a_staff_member_signed_in_cannot_guess_another_accounts_password_unthrottled(
    client, victim, colleague, checked_passwords
):
    client.force_login(colleague)
    for _ in range(LIMIT + 5):
        sign_in(client, "victim", "guess")
    assert checked_passwords == ["victim"] * LIMIT
    assert sign_in(client, "victim", PASSWORD).status_code == 429


def test_a_guess_spread_over_many_addresses_stops_at_the_account_limit_but_not_for_the_owner(
    victim, checked_passwords
):
    from core.signin import ACCOUNT_LIMIT

    owner = Client(REMOTE_ADDR="192.0.2.44")
    assert sign_in(owner, "victim", PASSWORD).status_code == 302
    owner.post(reverse("admin:logout"))

    refused = 0
    for address in range(ACCOUNT_LIMIT // (LIMIT - 1) + 2):  # 9 guesses from each address
        attacker = Client(REMOTE_ADDR=f"198.51.100.{address + 1}")
        for _ in range(LIMIT - 1):
            refused += sign_in(attacker, "victim", "guess").status_code == 429
    assert len(checked_passwords) == ACCOUNT_LIMIT and refused > 0

    new_browser = Client(REMOTE_ADDR="192.0.2.200")
    response = sign_in(new_browser, "victim", PASSWORD)
    assert response.status_code == 429 and not signed_in(new_browser)
    assert "from a browser that has signed in to it before" in response.content.decode()

    owner.defaults["REMOTE_ADDR"] = "203.0.113.50"  # the owner's browser, from anywhere
    assert sign_in(owner, "victim", PASSWORD).status_code == 302


def test_a_forged_browser_cookie_does_not_lift_the_pause(victim):
    from core.signin import BROWSER_COOKIE, account_hash

    attacker = Client(REMOTE_ADDR="198.51.100.1")
    for _ in range(LIMIT):
        sign_in(attacker, "victim", "guess")
    attacker.cookies[BROWSER_COOKIE] = f"forged:{account_hash('victim')}"
    assert sign_in(attacker, "victim", PASSWORD).status_code == 429


def test_sign_in_posts_without_a_csrf_token_are_refused_and_count_for_nothing(client, victim):
    forger = Client(enforce_csrf_checks=True)
    for _ in range(LIMIT + 5):
        assert sign_in(forger, "victim", "guess").status_code == 403
    assert sign_in(client, "victim", PASSWORD).status_code == 302


def test_twenty_wrong_passwords_are_throttled_alike_for_real_and_unknown_accounts(victim):
    def flood(username):
        client = Client()
        responses = [sign_in(client, username, "guess") for _ in range(2 * LIMIT)]
        page = re.sub(r"\(at [0-9:]+\)", "", responses[-1].content.decode())
        return [r.status_code for r in responses], page

    real, unknown = flood("victim"), flood("nobody-by-that-name")
    assert real[0] == unknown[0] == [200] * LIMIT + [429] * LIMIT
    assert real[1].replace("victim", "") == unknown[1].replace("nobody-by-that-name", "")


# Redis down: the throttle does not depend on the cache.


@pytest.fixture
def redis_down(settings):
    settings.CACHES = DOWN_REDIS
    cache = caches["default"]
    assert isinstance(cache, FaultTolerantRedisCache)
    yield
    caches["default"].close()


def test_sign_in_works_and_throttles_when_redis_is_down(client, victim, colleague, redis_down):
    for _ in range(LIMIT):
        assert sign_in(client, "victim", "guess").status_code == 200
    assert sign_in(client, "victim", PASSWORD).status_code == 429
    assert sign_in(client, "colleague", PASSWORD).status_code == 302
    assert signed_in(client)


# Simultaneous attempts, in one process.


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("earlier", ["none", "a full window that has ended"])
def test_simultaneous_wrong_passwords_are_counted_exactly(earlier):
    from core.models import SignInCounter
    from core.signin import WINDOW

    UserFactory(username="victim", is_staff=True, password=PASSWORD)
    if earlier != "none":
        for _ in range(LIMIT):
            sign_in(Client(), "victim", "guess")
        SignInCounter.objects.update(window_start=F("window_start") - WINDOW)
    threads = 30 if connections["default"].vendor == "postgresql" else 16
    barrier = threading.Barrier(threads)
    statuses, errors = [], []

    def attempt():
        try:
            client = Client()
            barrier.wait(timeout=30)
            statuses.append(sign_in(client, "victim", "guess").status_code)
        except Exception as exc:  # collected and asserted on below
            errors.append(exc)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=attempt) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert errors == []
    assert sorted(statuses) == [200] * LIMIT + [429] * (threads - LIMIT)


# Separate worker processes: gunicorn with production settings, no Redis, SQLite in a temporary
# folder, as the default install runs.


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A browser with its own cookies, posting the admin's sign-in form like a person would."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()), NoRedirects
        )

    def request(self, path: str, data: dict | None = None) -> tuple[int, dict, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, body, timeout=60) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()

    def sign_in(self, username: str, password: str) -> tuple[int, dict, str]:
        status, _, page = self.request(LOGIN)
        assert status == 200, page[:500]
        hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
        assert "csrfmiddlewaretoken" in hidden and hidden.get("next") == "/admin/", hidden
        form = {**hidden, "username": username, "password": password}
        return self.request(LOGIN, form)


@pytest.fixture(scope="module")
def installed_site(tmp_path_factory):
    """A migrated production site in a temporary folder, with staff accounts, and its env."""
    folder = tmp_path_factory.mktemp("signin-site")
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key not in {"DATABASE_URL", "REDIS_URL"}
    }
    env = {
        **clean,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "signin-test-" + "k3" * 30,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_HTTPS": "0",
        "DJANGO_DATA_DIR": str(folder),
    }
    names = [f"{role}{case}" for role in ("victim", "spread", "colleague") for case in range(3)]
    create = (
        "from django.contrib.auth.models import User\n"
        f"for name in {names!r}:\n"
        f"    User.objects.create_user(name, password={PASSWORD!r}, is_staff=True)\n"
    )
    for command in (
        ["migrate", "-v0"],
        ["collectstatic", "--noinput", "-v0"],
        ["shell", "-c", create],
    ):
        result = subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
    yield env
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def serve(installed_site, tmp_path):
    """Starts gunicorn with the given workers and environment; stops it afterwards."""
    servers = []

    def start(workers: int, **env) -> tuple[str, Path]:
        port, log = free_port(), tmp_path / "access.log"
        server = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", "config.wsgi",
                "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
                "--access-logfile", str(log), "--access-logformat", "%(p)s %(m)s %(U)s %(s)s",
            ],
            cwd=ROOT, env={**installed_site, **env},
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        servers.append(server)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            try:
                # A loaded machine may take its time with a fresh worker's first answer.
                urllib.request.urlopen(base + LOGIN, timeout=30).close()
                return base, log
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                assert server.poll() is None, server.stderr.read().decode()
                assert time.monotonic() < deadline, "gunicorn did not answer"
                time.sleep(0.2)

    yield start
    for server in servers:
        server.terminate()
        server.wait(timeout=30)
        server.stderr.close()


def workers_that_answered(log: Path, status: str) -> set[str]:
    lines = [line.split() for line in log.read_text().splitlines()]
    return {pid for pid, method, path, code in lines if method == "POST" and code == status}


@pytest.mark.parametrize(
    "case, workers, redis_url",
    [(0, 2, None), (1, 4, None), (2, 2, "redis://127.0.0.1:1/0")],
    ids=["2-workers", "4-workers", "2-workers-redis-down"],
)
def test_the_eleventh_wrong_password_is_refused_across_worker_processes(
    serve, case, workers, redis_url
):
    base, log = serve(workers, **({"REDIS_URL": redis_url} if redis_url else {}))

    # Ten wrong passwords in a row, then the eleventh, from one browser.
    attacker = Browser(base)
    for _ in range(LIMIT):
        status, _, page = attacker.sign_in(f"victim{case}", "guess")
        assert status == 200 and "Please enter the correct username" in page
    status, headers, page = attacker.sign_in(f"victim{case}", "guess")
    assert status == 429 and "Too many failed sign-in attempts" in page
    assert status == 429 and int(headers["Retry-After"]) > 0
    status, _, _ = attacker.sign_in(f"victim{case}", PASSWORD)
    assert status == 429

    # Meanwhile, a colleague at the same address signs in.
    status, headers, _ = Browser(base).sign_in(f"colleague{case}", PASSWORD)
    assert status == 302 and headers["Location"] == "/admin/"

    # Many wrong passwords at once, for another account: all the workers are kept busy, and
    # between them they check exactly ten.
    results = []
    browsers = [Browser(base) for _ in range(3 * LIMIT // 2)]

    def guess(browser):
        results.append(browser.sign_in(f"spread{case}", "guess")[0])

    threads = [threading.Thread(target=guess, args=(browser,)) for browser in browsers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(results) == [200] * LIMIT + [429] * (len(browsers) - LIMIT)
    assert len(workers_that_answered(log, "200")) > 1, "a single worker answered every attempt"
    assert not any(
        code.startswith("5") for *_, code in map(str.split, log.read_text().splitlines())
    )
