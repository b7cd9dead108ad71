"""When the lists are refreshed: once per affected post after the transaction commits, never
for a transaction that rolls back; term statistics refreshed when the blog has drifted."""

import logging

import pytest
from django.db import transaction

from related import index, services
from related.models import CorpusStatistics, RelatedPost
from tests.factories import CategoryFactory, PostFactory

pytestmark = pytest.mark.django_db(transaction=True)

TOPIC = "Passkeys and phishing-resistant logins replace passwords"


@pytest.fixture
def calls(monkeypatch):
    """Records every refresh and every time a post's text is read."""
    seen = {"refresh": [], "documents": []}
    refresh, documents = services.related_refresh_for_post, index.documents

    def counted_refresh(*, post_id):
        seen["refresh"].append(post_id)
        return refresh(post_id=post_id)

    def counted_documents(post_ids):
        seen["documents"].append(list(post_ids))
        return documents(post_ids)

    monkeypatch.setattr(services, "related_refresh_for_post", counted_refresh)
    monkeypatch.setattr(services, "documents", counted_documents)
    return seen


def test_one_save_with_its_tags_and_categories_refreshes_the_post_once(calls):
    policy = CategoryFactory(name="Policy")
    calls["refresh"].clear()
    with transaction.atomic():
        post = PostFactory(title="Passkeys", body=TOPIC)  # save: one change
        post.tags.add("passkeys", "phishing")  # another
        post.categories.add(policy)  # and another
        post.title = "Passkeys, again"
        post.save()
        assert calls["refresh"] == [], "nothing runs before the commit"
    assert calls["refresh"] == [post.pk]
    assert calls["documents"].count([post.pk]) == 1, "the text is read once"


def test_a_transaction_that_rolls_back_refreshes_nothing(calls):
    post = PostFactory(title="Passkeys", body=TOPIC)
    calls["refresh"].clear()
    with pytest.raises(RuntimeError), transaction.atomic():
        post.title = "Never saved"
        post.save()
        post.tags.add("ghost")
        raise RuntimeError("the editor's save failed")
    with transaction.atomic():
        other = PostFactory(title="Unrelated", body="Tomatoes.")
    assert calls["refresh"] == [other.pk]


def test_a_deletion_undone_by_a_savepoint_keeps_the_post_listed(settings):
    a = PostFactory(title="Passkeys arrive", body=TOPIC)
    b = PostFactory(title="Passkeys explained", body=TOPIC)
    settings.RELATED_POSTS_AUTO_REBUILD_MAX_POSTS = 0  # no rebuild to paper over a mistake
    assert RelatedPost.objects.filter(post=a, related=b).exists()
    b_pk = b.pk
    with transaction.atomic():
        a.title = "Passkeys have arrived"
        a.save()  # the transaction's changes are collected from here on
        try:
            with transaction.atomic():
                b.delete()
                raise RuntimeError("changed my mind")
        except RuntimeError:
            pass
        a.body = TOPIC + " Updated."
        a.save()
    assert RelatedPost.objects.filter(post=a, related_id=b_pk).exists()
    assert RelatedPost.objects.filter(post_id=b_pk, related=a).exists()


def test_a_small_blog_takes_fresh_statistics_when_posts_come_and_go():
    for n in range(3):
        PostFactory(title=f"Garden diary {n}", body="Tomatoes, beans and weather.")
    row = CorpusStatistics.objects.get()
    assert row.posts == row.indexed_posts == 3
    PostFactory(title="Passkeys", body=TOPIC)
    row.refresh_from_db()
    assert row.posts == row.indexed_posts == 4


def test_a_large_blog_keeps_its_statistics_and_says_a_rebuild_is_due(settings, caplog):
    settings.RELATED_POSTS_AUTO_REBUILD_MAX_POSTS = 2
    for n in range(2):
        PostFactory(title=f"Garden diary {n}", body="Tomatoes, beans and weather.")
    taken = CorpusStatistics.objects.get().taken_at
    with caplog.at_level(logging.INFO, logger="related.services"):
        PostFactory(title="Passkeys", body=TOPIC)
    row = CorpusStatistics.objects.get()
    assert (row.posts, row.indexed_posts, row.taken_at) == (2, 3, taken)
    assert "run `manage.py rebuild_related`" in caplog.text


@pytest.mark.concurrency
def test_posts_published_at_once_are_indexed_one_at_a_time_without_errors(caplog):
    from related.rebuild import related_rebuild
    from tests.ratings.test_concurrency import run_together

    for n in range(3):
        PostFactory(title=f"Garden diary {n}", body="Tomatoes, beans and weather.")

    def publish(i):
        PostFactory(title=f"Passkeys part {i}", body=TOPIC, tags=["passkeys"])

    with caplog.at_level(logging.ERROR):
        assert run_together(6, publish) == []
    assert not [r for r in caplog.records if "on_commit" in r.getMessage()]
    row = CorpusStatistics.objects.get()
    assert row.indexed_posts == 9
    stored = sorted(RelatedPost.objects.values_list("post_id", "rank", "related_id", "score"))
    related_rebuild(keep_statistics=True)
    assert sorted(RelatedPost.objects.values_list("post_id", "rank", "related_id", "score")) == (
        stored
    )
