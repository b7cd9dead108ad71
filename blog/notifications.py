"""Emails about the editorial workflow: a post submitted for review goes to the Editors; a post
published, scheduled or sent back with changes requested goes to its author. Nobody is emailed
about their own move.

Mail is sent after the transaction commits (a rolled-back move sends nothing) and never fails
or blocks the save that caused it: a mail server that is down or refuses costs a logged error."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from blog.models import PostTransition
from blog.roles import EDITORS_GROUP

logger = logging.getLogger(__name__)


def transition_notify_on_commit(*, transition: PostTransition, site_url: str = "") -> None:
    """Email the people concerned by the move once the transaction commits."""
    transaction.on_commit(lambda: transition_notify(transition=transition, site_url=site_url))


def editors_to_notify(*, exclude_pk: int | None):
    """Active staff in the Editors group who have an email address."""
    return (
        get_user_model()
        .objects.filter(groups__name=EDITORS_GROUP, is_active=True, is_staff=True)
        .exclude(email="")
        .exclude(pk=exclude_pk)
        .order_by("pk")
        .distinct()
    )


def display_name(user) -> str:
    if user is None:
        return "Someone"
    profile = getattr(user, "profile", None)
    return (profile and profile.display_name) or user.get_full_name() or user.get_username()


def message_for(transition: PostTransition, site_url: str) -> tuple[list[str], str, str] | None:
    """(recipients, subject, body) for the move, or None when nobody is to be told."""
    post = transition.post
    actor = transition.actor
    link = site_url.rstrip("/") + reverse("admin:blog_post_change", args=[post.pk])
    who = display_name(actor)
    if transition.action == "submit":
        recipients = [
            user.email for user in editors_to_notify(exclude_pk=actor.pk if actor else None)
        ]
        subject = f"Submitted for review: {post.title}"
        lines = [
            f"{who} submitted “{post.title}” for review.",
            "",
            f"Review it: {link}",
            f"The review queue: {site_url.rstrip('/')}{reverse('admin:blog_post_review')}",
        ]
    elif transition.action in {"publish", "schedule", "request_changes"}:
        author = post.author
        if not author.email or (actor is not None and actor.pk == author.pk):
            return None
        recipients = [author.email]
        if transition.action == "publish":
            subject = f"Published: {post.title}"
            lines = [f"{who} published your post “{post.title}”.", "", f"It is live: {link}"]
        elif transition.action == "schedule":
            when = timezone.localtime(transition.publish_at)
            subject = f"Scheduled: {post.title}"
            lines = [
                f"{who} scheduled your post “{post.title}” for "
                f"{when:%A %d %B %Y at %H:%M} ({settings.TIME_ZONE}).",
                "",
                f"The post: {link}",
            ]
        else:
            subject = f"Changes requested: {post.title}"
            lines = [
                f"{who} reviewed your post “{post.title}” and asks for changes:",
                "",
                *(f"    {line}" for line in transition.note.splitlines()),
                "",
                f"Make them and submit the post again: {link}",
            ]
    else:
        return None
    if not recipients:
        return None
    return recipients, subject, "\n".join(lines) + "\n"


def transition_notify(*, transition: PostTransition, site_url: str = "") -> int:
    """Send the email about one move; returns the number of messages sent (0 when nobody is to
    be told or the mail server failed, which is logged)."""
    try:
        transition = PostTransition.objects.select_related(
            "post__author__profile", "actor__profile"
        ).get(pk=transition.pk)
        message = message_for(transition, site_url)
        if message is None:
            return 0
        recipients, subject, body = message
        # One message per recipient: editors do not see each other's addresses.
        sent = 0
        for recipient in recipients:
            sent += send_mail(subject, body, None, [recipient])
        return sent
    except Exception:
        # The move is committed; a mail outage must not turn it into an error page.
        logger.exception(
            "Could not send the workflow email for post %s (%s)",
            transition.post_id,
            transition.action,
        )
        return 0
