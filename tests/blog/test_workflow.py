"""The workflow service (blog.workflow): every move, the illegal ones and the unauthorised ones,
and what each leaves in the post's history."""

import datetime

import pytest
from django.utils import timezone

from blog.models import Post, PostTransition
from blog.workflow import (
    MOVES,
    Action,
    State,
    TransitionForbidden,
    TransitionRefused,
    actions_for,
    post_state,
    post_transition,
)
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db

IN_A_DAY = datetime.timedelta(days=1)


def post_in(state: State, author) -> Post:
    """A post by ``author`` in ``state``."""
    now = timezone.now()
    status, published_at = {
        State.DRAFT: ("draft", None),
        State.CHANGES_REQUESTED: ("changes", None),
        State.PENDING: ("pending", None),
        State.SCHEDULED: ("published", now + IN_A_DAY),
        State.PUBLISHED: ("published", now - IN_A_DAY),
    }[state]
    return PostFactory(author=author, status=status, published_at=published_at)


def test_draft_submitted_then_published_by_an_editor(contributor, editor):
    post = post_in(State.DRAFT, contributor)
    post_transition(post=post, action="submit", user=contributor)
    assert post_state(post) == State.PENDING
    post_transition(post=post, action="publish", user=editor, note="Looks good.")
    post.refresh_from_db()
    assert post.status == Post.Status.PUBLISHED and post.is_public
    assert post.published_at <= timezone.now()
    steps = list(post.transitions.order_by("created_at", "pk"))
    assert [(s.actor, s.action, s.from_state, s.to_state, s.note) for s in steps] == [
        (contributor, "submit", "draft", "pending", ""),
        (editor, "publish", "pending", "published", "Looks good."),
    ]


def test_scheduled_post_stays_hidden_until_its_time(author):
    post = post_in(State.DRAFT, author)
    when = timezone.now() + IN_A_DAY
    step = post_transition(post=post, action="schedule", user=author, publish_at=when)
    assert (step.from_state, step.to_state, step.publish_at) == ("draft", "scheduled", when)
    post.refresh_from_db()
    assert post.status == Post.Status.PUBLISHED and post.published_at == when
    assert post_state(post) == State.SCHEDULED
    assert not Post.objects.published().filter(pk=post.pk).exists()
    assert post_state(post, now=when + datetime.timedelta(seconds=1)) == State.PUBLISHED
    assert Post.objects.in_state("scheduled").filter(pk=post.pk).exists()


def test_request_changes_sends_the_post_back_with_the_note(author, editor):
    post = post_in(State.PENDING, author)
    post_transition(post=post, action="request_changes", user=editor, note="  Cite the report.  ")
    post.refresh_from_db()
    assert post.status == Post.Status.CHANGES_REQUESTED
    assert post.transitions.get().note == "Cite the report."
    post_transition(post=post, action="submit", user=author)
    assert Post.objects.get(pk=post.pk).status == Post.Status.PENDING


@pytest.mark.parametrize("state", [State.PUBLISHED, State.SCHEDULED])
def test_unpublish_takes_the_post_off_the_site_back_to_a_draft(editor, author, state):
    post = post_in(state, author)
    step = post_transition(post=post, action="unpublish", user=editor)
    post.refresh_from_db()
    assert (post.status, post.published_at) == (Post.Status.DRAFT, None)
    assert (step.from_state, step.to_state) == (state, "draft")
    assert not Post.objects.published().filter(pk=post.pk).exists()


def test_scheduled_post_can_be_published_now_or_rescheduled(editor, author):
    post = post_in(State.SCHEDULED, author)
    later = timezone.now() + 3 * IN_A_DAY
    post_transition(post=post, action="schedule", user=editor, publish_at=later)
    assert Post.objects.get(pk=post.pk).published_at == later
    post_transition(post=post, action="publish", user=editor)
    assert Post.objects.get(pk=post.pk).is_public


def test_author_withdraws_own_post_from_review(contributor):
    post = post_in(State.PENDING, contributor)
    post_transition(post=post, action="withdraw", user=contributor)
    assert Post.objects.get(pk=post.pk).status == Post.Status.DRAFT


ILLEGAL = [
    (state, action)
    for action, move in MOVES.items()
    for state in State
    if state not in move.sources
]


@pytest.mark.parametrize(("state", "action"), ILLEGAL)
def test_a_move_that_does_not_exist_from_the_state_is_refused_and_changes_nothing(
    editor, state, action
):
    post = post_in(state, editor)
    before = Post.objects.values().get(pk=post.pk)
    with pytest.raises(TransitionRefused) as refusal:
        post_transition(
            post=post,
            action=action,
            user=editor,
            note="A note",
            publish_at=timezone.now() + IN_A_DAY,
        )
    assert f"is {state.label.lower()}: it cannot be" in refusal.value.messages[0]
    assert Post.objects.values().get(pk=post.pk) == before
    assert not PostTransition.objects.exists()


@pytest.mark.parametrize(
    ("role", "state", "action"),
    [
        ("contributor", State.DRAFT, Action.PUBLISH),
        ("contributor", State.DRAFT, Action.SCHEDULE),
        ("contributor", State.PENDING, Action.PUBLISH),
        ("contributor", State.PUBLISHED, Action.UNPUBLISH),
        ("contributor", State.SCHEDULED, Action.UNPUBLISH),
        ("contributor", State.PENDING, Action.REQUEST_CHANGES),
        ("author", State.PENDING, Action.REQUEST_CHANGES),
    ],
)
def test_moves_beyond_the_role_are_forbidden_on_own_posts(request, role, state, action):
    user = request.getfixturevalue(role)
    post = post_in(state, user)
    with pytest.raises(TransitionForbidden):
        post_transition(
            post=post, action=action, user=user, note="n", publish_at=timezone.now() + IN_A_DAY
        )
    assert Post.objects.get(pk=post.pk).status == post.status
    assert not PostTransition.objects.exists()


@pytest.mark.parametrize("role", ["contributor", "author"])
@pytest.mark.parametrize("action", list(Action))
def test_nobody_but_editors_moves_anothers_post(request, role, action, editor):
    user = request.getfixturevalue(role)
    post = post_in(next(iter(MOVES[action].sources)), editor)
    with pytest.raises(TransitionForbidden):
        post_transition(
            post=post, action=action, user=user, note="n", publish_at=timezone.now() + IN_A_DAY
        )


def test_editor_cannot_withdraw_anothers_post_but_can_request_changes(editor, author):
    post = post_in(State.PENDING, author)
    with pytest.raises(TransitionForbidden):
        post_transition(post=post, action="withdraw", user=editor)
    post_transition(post=post, action="request_changes", user=editor, note="Shorter, please.")


def test_schedule_needs_a_time_to_come_and_request_changes_a_note(editor, author):
    post = post_in(State.PENDING, author)
    for publish_at in (None, timezone.now() - datetime.timedelta(minutes=1)):
        with pytest.raises(TransitionRefused):
            post_transition(post=post, action="schedule", user=editor, publish_at=publish_at)
    with pytest.raises(TransitionRefused, match="Say what should change"):
        post_transition(post=post, action="request_changes", user=editor, note="   ")
    with pytest.raises(TransitionRefused, match="no “fly” step"):
        post_transition(post=post, action="fly", user=editor)
    assert Post.objects.get(pk=post.pk).status == Post.Status.PENDING


def test_the_move_is_checked_against_the_stored_state_not_the_one_in_hand(editor, author):
    post = post_in(State.PENDING, author)
    stale = Post.objects.get(pk=post.pk)
    post_transition(post=post, action="publish", user=editor)
    with pytest.raises(TransitionRefused):  # another editor's page still says "pending"
        post_transition(post=stale, action="request_changes", user=editor, note="Too late")
    assert Post.objects.get(pk=post.pk).is_public


def test_moves_offered_match_the_role(contributor, author, editor):
    draft = post_in(State.DRAFT, contributor)
    assert actions_for(post=draft, user=contributor) == [Action.SUBMIT]
    own = post_in(State.DRAFT, author)
    assert actions_for(post=own, user=author) == [
        Action.SUBMIT,
        Action.PUBLISH,
        Action.SCHEDULE,
    ]
    pending = post_in(State.PENDING, contributor)
    assert actions_for(post=pending, user=editor) == [
        Action.PUBLISH,
        Action.SCHEDULE,
        Action.REQUEST_CHANGES,
    ]
    assert actions_for(post=post_in(State.PUBLISHED, contributor), user=contributor) == []
