"""Repeated wrong passwords on the admin sign-in are throttled without revealing accounts."""

from django.urls import reverse

from core.admin_site import MAX_FAILURES
from tests.factories import UserFactory


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
