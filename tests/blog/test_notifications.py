"""Workflow emails: who is told about which move, only once the move is committed, and a mail
server that fails never fails the save."""

import datetime
import logging

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from blog.models import Post
from blog.workflow import post_transition
from tests.admin_forms import inline_management_data
from tests.factories import PostFactory, UserFactory

pytestmark = pytest.mark.django_db


class FailingBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("[Errno 111] Connection refused")


@pytest.fixture
def editors(db):
    """Two editors with an address and one without."""
    return [
        UserFactory(username="ed1", email="ed1@example.org", is_staff=True, groups=["Editors"]),
        UserFactory(username="ed2", email="ed2@example.org", is_staff=True, groups=["Editors"]),
        UserFactory(username="ed3", email="", is_staff=True, groups=["Editors"]),
    ]


def draft_by(user, status="draft"):
    return PostFactory(author=user, status=status, published_at=None, title="On export controls")


def test_submitting_emails_every_editor_with_an_address(
    contributor, editors, django_capture_on_commit_callbacks
):
    post = draft_by(contributor)
    with django_capture_on_commit_callbacks(execute=True):
        post_transition(post=post, action="submit", user=contributor, site_url="https://b.example")
    assert sorted(m.to[0] for m in mail.outbox) == ["ed1@example.org", "ed2@example.org"]
    assert all(len(m.to) == 1 for m in mail.outbox)  # editors never see each other's address
    message = mail.outbox[0]
    assert message.subject == "Submitted for review: On export controls"
    assert f"https://b.example/admin/blog/post/{post.pk}/change/" in message.body
    assert "https://b.example/admin/blog/post/review/" in message.body


def test_an_editor_submitting_is_not_emailed_about_it(editors, django_capture_on_commit_callbacks):
    post = draft_by(editors[0])
    with django_capture_on_commit_callbacks(execute=True):
        post_transition(post=post, action="submit", user=editors[0])
    assert [m.to for m in mail.outbox] == [["ed2@example.org"]]


def test_publishing_scheduling_and_requesting_changes_email_the_author(
    contributor, editors, django_capture_on_commit_callbacks
):
    editor = editors[0]
    post = draft_by(contributor, "pending")
    with django_capture_on_commit_callbacks(execute=True):
        post_transition(post=post, action="request_changes", user=editor,
                        note="Cite the report.\nShorten the title.")  # fmt: skip
    [message] = mail.outbox
    assert message.to == [contributor.email]
    assert message.subject == "Changes requested: On export controls"
    assert "Cite the report." in message.body and "Shorten the title." in message.body

    post_transition(post=post, action="submit", user=contributor)
    mail.outbox.clear()
    when = timezone.now() + datetime.timedelta(days=2)
    with django_capture_on_commit_callbacks(execute=True):
        post_transition(post=post, action="schedule", user=editor, publish_at=when)
    [message] = mail.outbox
    assert message.to == [contributor.email] and message.subject.startswith("Scheduled:")
    assert f"{timezone.localtime(when):%d %B %Y at %H:%M}" in message.body

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        post_transition(post=post, action="publish", user=editor)
    [message] = mail.outbox
    assert message.to == [contributor.email] and message.subject.startswith("Published:")


def test_authors_publishing_their_own_post_get_no_email(
    author, editors, django_capture_on_commit_callbacks
):
    post = draft_by(author)
    with django_capture_on_commit_callbacks(execute=True):
        post_transition(post=post, action="publish", user=author)
        post_transition(post=post, action="unpublish", user=author)
    assert mail.outbox == []


def test_nothing_is_sent_before_the_commit_nor_for_a_rolled_back_move(
    contributor, editors, django_capture_on_commit_callbacks
):
    post = draft_by(contributor)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post_transition(post=post, action="submit", user=contributor)
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 2
    mail.outbox.clear()

    class Abandon(Exception):
        pass

    other = draft_by(contributor)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(Abandon),
        transaction.atomic(),
    ):
        post_transition(post=other, action="submit", user=contributor)
        raise Abandon
    assert mail.outbox == []
    assert Post.objects.get(pk=other.pk).status == Post.Status.DRAFT


def test_a_mail_server_that_is_down_does_not_break_the_save(
    client, settings, contributor, editors, django_capture_on_commit_callbacks, caplog
):
    settings.EMAIL_BACKEND = "tests.blog.test_notifications.FailingBackend"
    post = draft_by(contributor)
    url = reverse("admin:blog_post_change", args=[post.pk])
    client.force_login(contributor)
    data = {
        "title": "Submitted while mail is down",
        "slug": "",
        "excerpt": "",
        "body": "Body.",
        "tags": "",
        "_transition": "submit",
        **inline_management_data(client, url),
    }
    with (
        caplog.at_level(logging.ERROR, logger="blog.notifications"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(url, data)
    assert response.status_code == 302
    post.refresh_from_db()
    assert (post.title, post.status) == ("Submitted while mail is down", Post.Status.PENDING)
    assert "Could not send the workflow email" in caplog.text
    assert "Connection refused" in caplog.text


def test_the_admin_emails_editors_with_links_to_this_site(
    client, contributor, editors, django_capture_on_commit_callbacks
):
    post = draft_by(contributor)
    url = reverse("admin:blog_post_change", args=[post.pk])
    client.force_login(contributor)
    data = {"title": "T", "slug": "", "excerpt": "", "body": "B", "tags": "",
            "_transition": "submit", **inline_management_data(client, url)}  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, data)
    assert len(mail.outbox) == 2
    assert f"http://testserver/admin/blog/post/{post.pk}/change/" in mail.outbox[0].body
