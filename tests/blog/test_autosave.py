"""Autosave: what a user types is kept on the server apart from the post, offered back when they
return, and cleared when they save. The endpoint takes only what the form sends, from people who
may edit the post, with a CSRF token."""

import json
import re
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from blog import autosave
from blog.models import Post, PostAutosave
from tests.admin_forms import post_change_data
from tests.factories import PostFactory, UserFactory


@pytest.fixture
def post(author):
    return PostFactory(author=author, title="Spyware exports", body="Original body.")


def autosave_url(post=None):
    if post is None:
        return reverse("admin:blog_post_autosave_new")
    return reverse("admin:blog_post_autosave", args=[post.pk])


def change_url(post):
    return reverse("admin:blog_post_change", args=[post.pk])


def kept_data(html: str) -> dict | None:
    match = re.search(
        r'<script id="post-autosave-data" type="application/json">(.*?)</script>', html
    )
    return json.loads(unescape(match.group(1))) if match else None


def test_autosave_keeps_the_text_without_touching_the_post(client, author, post):
    client.force_login(author)
    response = client.post(
        autosave_url(post),
        {"title": "Spyware exports, drafted", "body": "Typed.", "base_version": "1"},
    )
    assert response.status_code == 200
    assert "not saved to the post yet" in response.json()["message"]
    post.refresh_from_db()
    assert (post.title, post.body) == ("Spyware exports", "Original body.")
    kept = PostAutosave.objects.get(user=author, post=post)
    assert kept.data == {"title": "Spyware exports, drafted", "body": "Typed."}
    assert kept.base_version == 1


def test_coming_back_offers_the_autosave_to_its_author_only(client, author, editor, post):
    client.force_login(author)
    client.post(autosave_url(post), {"body": "Typed </script><script>alert(1)</script>"})
    html = client.get(change_url(post)).content.decode()
    assert "You have unsaved changes from" in html
    assert "Restore my changes" in html and "Discard them" in html
    assert kept_data(html) == {"body": "Typed </script><script>alert(1)</script>"}
    assert "<script>alert(1)" not in html
    client.force_login(editor)
    assert "You have unsaved changes" not in client.get(change_url(post)).content.decode()


def test_a_newer_autosave_replaces_the_older_one(client, author, post):
    client.force_login(author)
    client.post(autosave_url(post), {"body": "First."})
    client.post(autosave_url(post), {"body": "Second."})
    assert list(PostAutosave.objects.values_list("data", flat=True)) == [{"body": "Second."}]


def test_saving_the_form_clears_the_autosave(client, author, post):
    client.force_login(author)
    client.post(autosave_url(post), {"body": "Typed."})
    form = client.get(change_url(post))
    data = post_change_data(form, body="Typed.", status="published")
    assert client.post(change_url(post), data).status_code == 302
    assert not PostAutosave.objects.exists()
    assert "You have unsaved changes" not in client.get(change_url(post)).content.decode()


def test_a_failed_save_keeps_the_autosave_and_the_form_counts_as_unsaved(client, author, post):
    client.force_login(author)
    client.post(autosave_url(post), {"body": "Typed."})
    form = client.get(change_url(post))
    assert 'data-unsaved="1"' not in form.content.decode()
    response = client.post(change_url(post), post_change_data(form, title=""))
    assert response.status_code == 200
    # Leaving warns and the next autosave keeps what was sent, as nothing of it is saved.
    assert 'data-unsaved="1"' in response.content.decode()
    assert PostAutosave.objects.filter(user=author, post=post).exists()


def test_a_new_post_has_its_own_autosave_cleared_when_added(client, author):
    client.force_login(author)
    assert client.post(autosave_url(), {"title": "Not yet a post"}).status_code == 200
    add = reverse("admin:blog_post_add")
    response = client.get(add)
    assert kept_data(response.content.decode()) == {"title": "Not yet a post"}
    data = post_change_data(response, title="Now a post", body="Body.")
    assert client.post(add, data).status_code == 302
    assert not PostAutosave.objects.exists()


def test_discard_forgets_the_autosave(client, author, post):
    client.force_login(author)
    client.post(autosave_url(post), {"body": "Typed."})
    assert client.post(autosave_url(post), {"discard": "1"}).json() == {"discarded": True}
    assert not PostAutosave.objects.exists()


def test_only_people_who_may_edit_the_post_autosave_it(client, author, editor):
    someone_elses = PostFactory(author=editor, status=Post.Status.DRAFT, published_at=None)
    client.force_login(author)
    response = client.post(autosave_url(someone_elses), {"body": "Mine now"})
    assert response.status_code == 404
    assert "error" in response.json()
    viewer = UserFactory(username="viewer", is_staff=True)
    client.force_login(viewer)
    assert client.post(autosave_url(), {"title": "x"}).status_code == 403
    client.logout()
    assert client.post(autosave_url(someone_elses), {"body": "x"}).status_code == 302  # sign in
    assert not PostAutosave.objects.exists()


def test_autosave_needs_the_csrf_token(author, post):
    client = Client(enforce_csrf_checks=True)
    client.force_login(author)
    assert client.post(autosave_url(post), {"body": "Forged"}).status_code == 403
    client.get(change_url(post))
    token = client.cookies["csrftoken"].value
    response = client.post(autosave_url(post), {"body": "Mine", "csrfmiddlewaretoken": token})
    assert response.status_code == 200
    assert list(PostAutosave.objects.values_list("data", flat=True)) == [{"body": "Mine"}]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "x" * 201}, "The field title is longer than 200 characters."),
        ({"body": "x", "author": "1"}, "Unknown fields: author."),
        ({"body": "x", "status": "published"}, "Unknown fields: status."),
        ({"body": ["one", "two"]}, "The field body was sent more than once."),
        ({"body": "nul \x00 here"}, "The field body holds a NUL character."),
        ({}, "Nothing to autosave: no field of the post form was sent."),
        (
            {"body": "x", "base_version": "v2"},
            "The version the form was opened at is not a number.",
        ),
    ],
)
def test_autosave_refuses_what_the_form_never_sends(client, author, post, data, message):
    client.force_login(author)
    response = client.post(autosave_url(post), data)
    assert response.status_code == 400
    assert response.json() == {"error": message}
    assert not PostAutosave.objects.exists()


def test_autosave_refuses_a_body_too_large_before_reading_it(client, author, post):
    client.force_login(author)
    body = "x" * (autosave.MAX_REQUEST_BYTES + 10)
    response = client.post(autosave_url(post), {"body": body})
    assert response.status_code == 413
    assert not PostAutosave.objects.exists()


def test_autosave_is_post_only(client, author, post):
    client.force_login(author)
    assert client.get(autosave_url(post)).status_code == 405
