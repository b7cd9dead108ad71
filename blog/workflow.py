"""The editorial workflow: the one place a post's status changes.

A post is in one of five states. Four are its stored ``status``; *scheduled* is a published post
whose publication time has not come, so readers' queries (``Post.objects.published()``) need no
job to make it appear::

    draft ──submit──▶ pending ──publish──▶ published ──unpublish──▶ draft
      ▲                │   │                   ▲
      │           withdraw  ├──schedule──▶ scheduled ──(its time comes)
      │                │   │
      └────────────────┘   └──request changes (with a note)──▶ changes requested ──submit──▶ …

Everything that changes a status — the post form's buttons, the admin's bulk actions, the demo —
calls ``post_transition()``, which checks that the move exists from the post's current state
and that the user may make it, records it (``PostTransition``) and, once the transaction
commits, emails the people concerned (``blog.notifications``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from blog import revisions, roles
from blog.models import Post, PostTransition

MAX_NOTE_LENGTH = 5000


class State(models.TextChoices):
    DRAFT = "draft", "Draft"
    CHANGES_REQUESTED = "changes", "Changes requested"
    PENDING = "pending", "Pending review"
    SCHEDULED = "scheduled", "Scheduled"
    PUBLISHED = "published", "Published"


class Action(models.TextChoices):
    SUBMIT = "submit", "Submit for review"
    WITHDRAW = "withdraw", "Withdraw from review"
    PUBLISH = "publish", "Publish now"
    SCHEDULE = "schedule", "Schedule"
    REQUEST_CHANGES = "request_changes", "Request changes"
    UNPUBLISH = "unpublish", "Unpublish"


@dataclass(frozen=True)
class Move:
    sources: frozenset[str]
    done: str  # past tense, for messages and the history
    refused: str  # what the action is called in "… cannot be …"


MOVES = {
    Action.SUBMIT: Move(
        frozenset({State.DRAFT, State.CHANGES_REQUESTED}),
        "submitted for review",
        "submitted for review",
    ),
    Action.WITHDRAW: Move(frozenset({State.PENDING}), "withdrawn from review", "withdrawn"),
    Action.PUBLISH: Move(
        frozenset({State.DRAFT, State.CHANGES_REQUESTED, State.PENDING, State.SCHEDULED}),
        "published",
        "published",
    ),
    Action.SCHEDULE: Move(
        frozenset({State.DRAFT, State.CHANGES_REQUESTED, State.PENDING, State.SCHEDULED}),
        "scheduled",
        "scheduled",
    ),
    Action.REQUEST_CHANGES: Move(
        frozenset({State.PENDING}), "sent back with changes requested", "sent back for changes"
    ),
    Action.UNPUBLISH: Move(
        frozenset({State.PUBLISHED, State.SCHEDULED}), "unpublished", "unpublished"
    ),
}


class TransitionRefused(ValidationError):
    """The move does not exist from the post's state, or its details are wrong (no note, a time
    in the past)."""


class TransitionForbidden(PermissionDenied):
    """The user may not make this move on this post."""


def post_state(post: Post, *, now: datetime.datetime | None = None) -> State:
    """The post's workflow state: its status, with *scheduled* for a published post whose
    publication time has not come."""
    if post.status == Post.Status.PUBLISHED:
        now = now or timezone.now()
        if post.published_at is not None and post.published_at > now:
            return State.SCHEDULED
        return State.PUBLISHED
    return State(post.status)


def may_change_post(user, post: Post) -> bool:
    """May open and save this post's form: their own post (or anyone's, for Editors), and once it
    is published or scheduled only with the permission to edit published posts."""
    if not user.has_perm("blog.change_post"):
        return False
    if post.pk and post.author_id != user.pk and not roles.can_edit_others(user):
        return False
    return post.status != Post.Status.PUBLISHED or roles.can_edit_published(user)


def may_delete_post(user, post: Post) -> bool:
    """May delete this post: their own (or anyone's, for Editors); a published or scheduled one
    only with the permission to edit published posts."""
    if not user.has_perm("blog.delete_post"):
        return False
    if post.author_id != user.pk and not roles.can_edit_others(user):
        return False
    return post.status != Post.Status.PUBLISHED or roles.can_edit_published(user)


def _forbidden_reason(action: Action, user, post: Post) -> str | None:
    own = post.author_id == user.pk or not post.pk
    if not own and not roles.can_edit_others(user):
        return "You may only change the status of your own posts."
    if action in (Action.SUBMIT, Action.WITHDRAW):
        if not user.has_perm("blog.change_post"):
            return "You may not edit posts."
        if action == Action.WITHDRAW and not own:
            return "Only its author can withdraw a post from review; editors request changes."
        return None
    if action == Action.REQUEST_CHANGES:
        if not roles.can_review(user):
            return "Only editors can send a post back with changes requested."
        return None
    if not roles.can_publish(user):
        return (
            "Contributors cannot publish, schedule or unpublish posts: submit the post for "
            "review and an editor will publish it."
        )
    return None


def transition_check(
    *,
    post: Post,
    action: str,
    user,
    note: str = "",
    publish_at: datetime.datetime | None = None,
    now: datetime.datetime | None = None,
) -> State:
    """Refuse a move that does not exist from the post's state (``TransitionRefused``) or that the
    user may not make (``TransitionForbidden``); return the state the post would reach."""
    now = now or timezone.now()
    try:
        action = Action(action)
    except ValueError:
        raise TransitionRefused(f"There is no “{action}” step in the workflow.") from None
    reason = _forbidden_reason(action, user, post)
    if reason:
        raise TransitionForbidden(reason)
    state = post_state(post, now=now)
    move = MOVES[action]
    if state not in move.sources:
        raise TransitionRefused(
            f"“{post}” is {state.label.lower()}: it cannot be {move.refused}.",
            code="illegal",
        )
    if action == Action.REQUEST_CHANGES and not note.strip():
        raise TransitionRefused(
            "Say what should change: the note is what the author reads.", code="note"
        )
    if len(note) > MAX_NOTE_LENGTH:
        raise TransitionRefused(
            f"Keep the note under {MAX_NOTE_LENGTH} characters.", code="note_length"
        )
    if action == Action.SCHEDULE:
        if publish_at is None:
            raise TransitionRefused("Choose the date and time to publish at.", code="no_time")
        if publish_at <= now:
            raise TransitionRefused(
                "The publication time has passed: choose a later time, or publish now.",
                code="past_time",
            )
        return State.SCHEDULED
    return {
        Action.SUBMIT: State.PENDING,
        Action.WITHDRAW: State.DRAFT,
        Action.PUBLISH: State.PUBLISHED,
        Action.REQUEST_CHANGES: State.CHANGES_REQUESTED,
        Action.UNPUBLISH: State.DRAFT,
    }[action]


def actions_for(*, post: Post, user, now: datetime.datetime | None = None) -> list[Action]:
    """The moves the user may make on the post now, in the order the form offers them (time and
    note aside: scheduling and requesting changes still need theirs)."""
    offered = []
    for action in Action:
        try:
            transition_check(
                post=post,
                action=action,
                user=user,
                note="-",
                publish_at=datetime.datetime.max.replace(tzinfo=datetime.UTC),
                now=now,
            )
        except (TransitionRefused, TransitionForbidden):
            continue
        offered.append(action)
    return offered


def post_transition(
    *,
    post: Post,
    action: str,
    user,
    note: str = "",
    publish_at: datetime.datetime | None = None,
    site_url: str = "",
) -> PostTransition:
    """Move the post to another workflow state, if that move exists from its current state (read
    locked from the database) and the user may make it; record the move and, after the commit,
    email the people concerned (links in the emails start with ``site_url``). Updates ``post``
    in place. Raises ``TransitionRefused`` or ``TransitionForbidden`` and changes nothing when
    refused."""
    from blog.notifications import transition_notify_on_commit

    note = note.strip()
    # One revision for the move; saved with the form, it joins the form's revision.
    with revisions.recording(user=user), transaction.atomic():
        current = Post.objects.select_for_update().get(pk=post.pk)
        now = timezone.now()
        before = post_state(current, now=now)
        after = transition_check(
            post=current, action=action, user=user, note=note, publish_at=publish_at, now=now
        )
        if after == State.PUBLISHED:
            status, published_at = Post.Status.PUBLISHED, now
        elif after == State.SCHEDULED:
            status, published_at = Post.Status.PUBLISHED, publish_at
        else:
            status, published_at = Post.Status(after.value), None
        post.status, post.published_at = status, published_at
        post.save(update_fields=["status", "published_at", "updated_at"])
        transition = PostTransition.objects.create(
            post=post,
            actor=user,
            action=Action(action).value,
            from_state=before.value,
            to_state=after.value,
            note=note,
            publish_at=published_at if after in (State.PUBLISHED, State.SCHEDULED) else None,
            created_at=now,
        )
        revisions.add_comment(
            f"{MOVES[Action(action)].done.capitalize()}." + (f" Note: {note}" if note else "")
        )
        transition_notify_on_commit(transition=transition, site_url=site_url)
    return transition


def transition_done(transition: PostTransition) -> str:
    """What happened, for messages: "submitted for review", "scheduled", …"""
    return MOVES[Action(transition.action)].done
