"""Related lists stay fresh: publishing, editing, unpublishing and deleting update every list
that should change, after the transaction commits."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from blog.models import Post
from related.display import related_block
from related.models import PostTerm, RelatedPost, RelatedPostOverride
from tests.factories import PostFactory

TOPIC = "Passkeys and phishing-resistant logins replace passwords"


def related_ids(post) -> list[int]:
    return list(
        RelatedPost.objects.filter(post=post).order_by("rank").values_list("related_id", flat=True)
    )


@pytest.fixture
def corpus(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        noise = [
            PostFactory(title=f"Garden diary {n}", body="Tomatoes, beans and weather.")
            for n in range(6)
        ]
        a = PostFactory(title="Passkeys arrive", body=TOPIC)
        b = PostFactory(title="Passwords must go", body=TOPIC)
    return a, b, noise


def test_publishing_a_post_puts_it_in_its_neighbours_lists(
    corpus, django_capture_on_commit_callbacks
):
    a, b, _ = corpus
    draft = PostFactory(title="Phishing passkeys", body=TOPIC, status=Post.Status.DRAFT)
    assert draft.pk not in related_ids(a)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        draft.status = Post.Status.PUBLISHED
        draft.save()
    assert callbacks, "the refresh runs only after the transaction commits"
    assert draft.pk in related_ids(a)
    assert draft.pk in related_ids(b)
    assert set(related_ids(draft)) == {a.pk, b.pk}


def test_nothing_changes_before_the_transaction_commits(corpus, django_capture_on_commit_callbacks):
    a, _, _ = corpus
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        new = PostFactory(title="Phishing passkeys", body=TOPIC)
    assert new.pk not in related_ids(a)
    for callback in callbacks:
        callback()
    assert new.pk in related_ids(a)


def test_unpublishing_removes_the_post_from_every_list(corpus, django_capture_on_commit_callbacks):
    a, b, _ = corpus
    with django_capture_on_commit_callbacks(execute=True):
        b.status = Post.Status.DRAFT
        b.save()
    assert b.pk not in related_ids(a)
    assert not RelatedPost.objects.filter(related=b).exists()
    assert not RelatedPost.objects.filter(post=b).exists()
    assert not PostTerm.objects.filter(post=b).exists()


def test_deleting_removes_the_post_everywhere(corpus, django_capture_on_commit_callbacks):
    a, b, _ = corpus
    with django_capture_on_commit_callbacks(execute=True):
        b.delete()
    assert related_ids(a) == []
    with django_capture_on_commit_callbacks(execute=True):
        c = PostFactory(title="Passkeys explained", body=TOPIC)
    assert related_ids(a) == [c.pk]


def test_editing_the_text_moves_the_post_out_of_unrelated_lists(
    corpus, django_capture_on_commit_callbacks
):
    a, b, _ = corpus
    with django_capture_on_commit_callbacks(execute=True):
        b.title = "Tomato blight"
        b.body = "Copper sprays and crop rotation for allotments."
        b.save()
    assert b.pk not in related_ids(a)


def test_adding_a_tag_refreshes_the_lists(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(6):
            PostFactory(title=f"Garden diary {n}", body="Tomatoes and weather.")
        a = PostFactory(title="Budget", body="Numbers.", tags=["sanctions"])
        b = PostFactory(title="Hearing", body="Testimony.")
    assert b.pk not in related_ids(a)
    with django_capture_on_commit_callbacks(execute=True):
        b.tags.add("sanctions")
    assert b.pk in related_ids(a)


def test_drafts_pending_and_future_posts_are_never_shown(
    corpus, django_capture_on_commit_callbacks
):
    a, b, _ = corpus
    with django_capture_on_commit_callbacks(execute=True):
        PostFactory(title="Passkeys draft", body=TOPIC, status=Post.Status.DRAFT)
        PostFactory(title="Passkeys pending", body=TOPIC, status=Post.Status.PENDING)
        future = PostFactory(
            title="Passkeys scheduled",
            body=TOPIC,
            published_at=timezone.now() + datetime.timedelta(days=2),
        )
    # The scheduled post is stored (so it joins when its time comes) but never shown before.
    assert set(RelatedPost.objects.filter(post=a).values_list("related_id", flat=True)) == {
        b.pk,
        future.pk,
    }
    assert [p.pk for p in related_block(a, categories=[]).posts] == [b.pk]
    Post.objects.filter(pk=future.pk).update(
        published_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    assert {p.pk for p in related_block(a, categories=[]).posts} == {b.pk, future.pk}


def test_pins_and_exclusions_survive_a_rebuild(corpus, django_capture_on_commit_callbacks):
    a, b, noise = corpus
    pinned = noise[0]
    with django_capture_on_commit_callbacks(execute=True):
        RelatedPostOverride.objects.create(post=a, other=pinned, kind="pin")
        RelatedPostOverride.objects.create(post=a, other=b, kind="exclude")
    assert related_ids(a) == [pinned.pk]
    call_command("rebuild_related", "--no-progress", stdout=io.StringIO())
    assert related_ids(a) == [pinned.pk]
    assert RelatedPost.objects.get(post=a, related=pinned).pinned
    # An excluded post also stays out when it is edited later.
    with django_capture_on_commit_callbacks(execute=True):
        b.body = TOPIC + " Updated."
        b.save()
    assert b.pk not in related_ids(a)


def test_rebuild_gives_the_same_lists_as_incremental_updates(
    corpus, django_capture_on_commit_callbacks
):
    # Stored scores reflect term frequencies at the time they were computed (the first posts of
    # a young blog meet a tiny corpus), so compare the posts scored against the full corpus.
    a, b, _ = corpus
    before = {p.pk: related_ids(p) for p in (a, b)}
    call_command("rebuild_related", "--no-progress", stdout=io.StringIO())
    assert {p.pk: related_ids(p) for p in (a, b)} == before == {a.pk: [b.pk], b.pk: [a.pk]}
