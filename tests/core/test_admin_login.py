"""Repeated wrong passwords on the admin sign-in are throttled without revealing accounts; the
counters behind it (core.signin) start, end, reset and are cleaned up as documented."""

import io

import pytest
from django.core.management import call_command
from django.db.models import F
from django.urls import reverse

from core.models import SignInCounter
from core.signin import PAIR_LIMIT as MAX_FAILURES
from core.signin import WINDOW
from tests.factories import UserFactory

RIGHT = "right password 123"


def sign_in(client, username, password):
    return client.post(reverse("admin:login"), {"username": username, "password": password})


@pytest.fixture
def ed(db):
    return UserFactory(username="ed", is_staff=True, password=RIGHT)


@pytest.fixture
def ann(db):
    return UserFactory(username="ann", is_staff=True, password=RIGHT)


def test_wrong_passwords_lock_out_then_the_right_one_is_refused_too(client, db):
    UserFactory(username="ed", is_staff=True, password="right password 123")
    url = reverse("admin:login")
    for _ in range(MAX_FAILURES):
        assert client.post(url, {"username": "ed", "password": "wrong"}).status_code == 200
    response = client.post(url, {"username": "ed", "password": "right password 123"})
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_looks_the_same_for_accounts_that_do_not_exist(client, db):
    url = reverse("admin:login")
    for _ in range(MAX_FAILURES):
        client.post(url, {"username": "nobody", "password": "wrong"})
    assert client.post(url, {"username": "nobody", "password": "x"}).status_code == 429


def test_a_few_mistakes_do_not_lock_anyone_out(client, db):
    UserFactory(username="ed", is_staff=True, password="right password 123")
    url = reverse("admin:login")
    for _ in range(3):
        client.post(url, {"username": "ed", "password": "wrong"})
    response = client.post(url, {"username": "ed", "password": "right password 123"})
    assert response.status_code == 302


def test_the_pause_ends_with_its_window(client, ed):
    for _ in range(MAX_FAILURES):
        sign_in(client, "ed", "guess")
    assert sign_in(client, "ed", RIGHT).status_code == 429
    SignInCounter.objects.update(window_start=F("window_start") - WINDOW)
    assert sign_in(client, "ed", RIGHT).status_code == 302


def test_a_right_password_resets_the_count_for_that_address(client, ed):
    for _ in range(MAX_FAILURES - 1):
        sign_in(client, "ed", "typo")
    assert sign_in(client, "ed", RIGHT).status_code == 302
    client.post(reverse("admin:logout"))
    for _ in range(MAX_FAILURES):
        assert sign_in(client, "ed", "typo").status_code == 200
    assert sign_in(client, "ed", "typo").status_code == 429


def test_name_variants_count_as_the_same_account(client, ed):
    for name in ["ed", "Ed", " ED ", "ed\u00a0"] * 3:
        sign_in(client, name, "guess")
    assert sign_in(client, "ed", RIGHT).status_code == 429


def test_the_unlock_command_lifts_every_pause_on_an_account(client, ed):
    for _ in range(MAX_FAILURES):
        sign_in(client, "ed", "guess")
    out = io.StringIO()
    call_command("signin_unlock", " Ed", stdout=out)
    assert "open again (2 counter(s) cleared)" in out.getvalue()
    assert sign_in(client, "ed", RIGHT).status_code == 302


def test_counters_whose_window_ended_are_removed(client, ed, ann):
    for _ in range(3):
        sign_in(client, "ed", "guess")
    SignInCounter.objects.update(window_start=F("window_start") - WINDOW)
    sign_in(client, "ann", "typo")  # a new counter: the expired ones go
    assert SignInCounter.objects.filter(failures=3).count() == 0
    assert SignInCounter.objects.count() == 2  # ann here, ann everywhere
