"""Many readers voting on the same post at the same moment are all counted, exactly."""

import threading

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db import connection, connections

from blog.models import Post
from ratings.models import RateCounter, RatingAggregate, Vote
from ratings.readers import ip_hash
from ratings.services import Ballot, aggregates_recount, vote_cast, votes_import
from tests.factories import PostFactory

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


def thread_count() -> int:
    return 50 if connection.vendor == "postgresql" else 12


def run_together(n, work):
    """Start n threads that wait at a barrier, then call work(i); return their exceptions."""
    barrier = threading.Barrier(n)
    errors = []

    def runner(i):
        try:
            barrier.wait(timeout=30)
            work(i)
        except Exception as exc:  # collected and asserted on in the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return errors


def aggregate(post):
    return RatingAggregate.objects.get(
        content_type=ContentType.objects.get_for_model(post), object_id=post.pk
    )


def test_simultaneous_votes_by_different_readers_are_all_counted(settings):
    settings.RATINGS_RATE_LIMIT = settings.RATINGS_RATE_LIMIT_PER_OBJECT = None
    post = PostFactory()
    n = thread_count()

    def vote(i):
        vote_cast(
            target=post,
            user=AnonymousUser(),
            reader_key=f"a:reader-{i}",
            ip_hash=ip_hash(f"10.0.{i // 250}.{i % 250}"),
            scores={"overall": i % 5 + 1},
        )

    assert run_together(n, vote) == []
    expected_total = sum(i % 5 + 1 for i in range(n))
    assert Vote.objects.count() == n
    assert (aggregate(post).count, aggregate(post).total) == (n, expected_total)


def test_simultaneous_revotes_change_the_sum_but_not_the_count(settings):
    settings.RATINGS_RATE_LIMIT = settings.RATINGS_RATE_LIMIT_PER_OBJECT = None
    post = PostFactory()
    n = thread_count()

    def vote(i, score):
        vote_cast(
            target=post,
            user=AnonymousUser(),
            reader_key=f"a:reader-{i}",
            ip_hash=ip_hash("10.1.1.1"),
            scores={"overall": score},
        )

    assert run_together(n, lambda i: vote(i, 1)) == []
    assert run_together(n, lambda i: vote(i, 5 if i % 2 else 4)) == []
    expected = sum(5 if i % 2 else 4 for i in range(n))
    assert (aggregate(post).count, aggregate(post).total) == (n, expected)


def test_one_reader_double_submitting_is_counted_once(settings):
    settings.RATINGS_RATE_LIMIT = settings.RATINGS_RATE_LIMIT_PER_OBJECT = None
    post = PostFactory()
    n = thread_count()

    def vote(i):
        vote_cast(
            target=post,
            user=AnonymousUser(),
            reader_key="a:double-clicker",
            ip_hash=ip_hash("10.2.2.2"),
            scores={"overall": 3},
        )

    assert run_together(n, vote) == []
    assert (aggregate(post).count, aggregate(post).total) == (1, 3)


def test_a_reader_double_submitting_is_one_new_reader_for_the_rate_limits(settings):
    settings.RATINGS_RATE_LIMIT = (1, 600)
    settings.RATINGS_RATE_LIMIT_PER_OBJECT = (1, 600)
    post = PostFactory()
    n = thread_count()

    def vote(i):
        vote_cast(
            target=post,
            user=AnonymousUser(),
            reader_key="a:double-clicker",
            ip_hash=ip_hash("10.2.2.3"),
            scores={"overall": 3},
        )

    assert run_together(n, vote) == []
    assert (aggregate(post).count, aggregate(post).total) == (1, 3)
    assert list(RateCounter.objects.values_list("count", flat=True)) == [1, 1]


def test_votes_imported_while_readers_vote_are_all_counted(settings):
    settings.RATINGS_RATE_LIMIT = settings.RATINGS_RATE_LIMIT_PER_OBJECT = None
    posts = PostFactory.create_batch(3)
    n = thread_count()
    history = [
        Ballot(object_id=p.pk, reader_key=f"a:history-{i}", score=i % 5 + 1)
        for p in posts
        for i in range(200)
    ]

    def work(i):
        if i == 0:
            votes_import(model=Post, ballots=history)
            return
        vote_cast(
            target=posts[i % 3],
            user=AnonymousUser(),
            reader_key=f"a:live-{i}",
            ip_hash=ip_hash(f"10.3.{i // 250}.{i % 250}"),
            scores={"overall": 4},
        )

    assert run_together(n, work) == []
    assert Vote.objects.count() == 600 + n - 1
    assert aggregates_recount() == []
