"""Attacks on reader ratings, sent as they were reported, fail.

- Ballot stuffing one post: one address POSTs ``score=1`` to ``/ratings/vote/blog.post/<id>/``
  again and again without the reader cookie, so each request is a new reader.
- The same, 150 requests at once: the per-address limit must hold exactly, not let 62 of 60 in.
- A withdrawn post lingering in the cached "Top rated" sidebar block after its page went 404.
"""

import threading
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from blog.models import Post
from ratings.models import RatingAggregate, Vote
from ratings.services import aggregates_recount
from tests.factories import PostFactory
from tests.ratings.conftest import cast
from tests.ratings.test_concurrency import run_together

JSON = {"HTTP_ACCEPT": "application/json"}
ATTACKER = "198.51.100.66"


def vote_url(post) -> str:
    return reverse("ratings:vote", args=["blog.post", post.pk])


def figures(post) -> tuple[int, int]:
    """The post's stored vote count and sum of scores."""
    stored = RatingAggregate.objects.filter(
        content_type=ContentType.objects.get_for_model(Post), object_id=post.pk
    ).first()
    return (stored.count, stored.total) if stored else (0, 0)


def stuff(post, times: int) -> list:
    """POST score=1 ``times`` times from one address, never sending the reader cookie back."""
    return [
        Client(REMOTE_ADDR=ATTACKER).post(vote_url(post), {"score": "1"}, **JSON)
        for _ in range(times)
    ]


def post_with_29_votes():
    post = PostFactory(title="A post worth stuffing")
    for i in range(29):
        cast(post, 5, ip=f"192.0.2.{i + 1}")
    return post


@pytest.mark.django_db
def test_new_readers_from_one_address_are_limited_on_the_post_they_stuff(settings):
    settings.RATINGS_RATE_LIMIT = (60, 600)
    settings.RATINGS_RATE_LIMIT_PER_OBJECT = None  # the per-address limit alone
    post = post_with_29_votes()

    answers = stuff(post, 150)

    assert [r.status_code for r in answers] == [200] * 60 + [429] * 90
    refusal = answers[-1].json()["error"]
    assert refusal.startswith("Too many votes from your network: at most 60 in 10 minutes.")
    assert figures(post) == (29 + 60, 29 * 5 + 60)
    assert Vote.objects.filter(object_id=post.pk).count() == 29 + 60


@pytest.mark.django_db
def test_by_default_one_address_adds_at_most_20_new_readers_to_one_post_per_hour():
    post = post_with_29_votes()

    answers = stuff(post, 150)

    assert [r.status_code for r in answers] == [200] * 20 + [429] * 130
    refused = answers[-1]
    assert refused.json()["error"].startswith(
        "Too many readers have rated this post from your network: at most 20 in 1 hour."
    )
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert figures(post) == (29 + 20, 29 * 5 + 20)
    # The address may still rate other posts, within the per-address limit.
    assert stuff(PostFactory(), 1)[0].status_code == 200


@pytest.mark.django_db
def test_a_refused_vote_writes_nothing(settings):
    from ratings.models import RateCounter

    settings.RATINGS_RATE_LIMIT = (3, 600)
    post = post_with_29_votes()
    stuff(post, 3)
    before = (figures(post), Vote.objects.count(), list(RateCounter.objects.values()))

    assert [r.status_code for r in stuff(post, 5)] == [429] * 5

    assert (figures(post), Vote.objects.count(), list(RateCounter.objects.values())) == before


@pytest.mark.django_db
def test_the_refusal_is_a_429_page_without_javascript(settings):
    settings.RATINGS_RATE_LIMIT = (1, 600)
    post = PostFactory()
    assert Client(REMOTE_ADDR=ATTACKER).post(vote_url(post), {"score": "1"}).status_code == 302

    page = Client(REMOTE_ADDR=ATTACKER).post(vote_url(post), {"score": "1"})

    assert page.status_code == 429
    assert "Too many votes from your network" in page.content.decode()
    assert Vote.objects.count() == 1


@pytest.mark.django_db
def test_rotating_x_forwarded_for_does_not_make_a_new_address(settings):
    settings.RATINGS_RATE_LIMIT = (5, 600)
    post = PostFactory()
    answers = [
        Client(REMOTE_ADDR=ATTACKER).post(
            vote_url(post), {"score": "1"}, HTTP_X_FORWARDED_FOR=f"10.9.0.{i}", **JSON
        )
        for i in range(1, 21)
    ]
    assert [r.status_code for r in answers] == [200] * 5 + [429] * 15

    # Behind one trusted proxy, the entries a client prepends change nothing either.
    settings.TRUSTED_PROXY_COUNT = 1
    other = PostFactory()
    answers = [
        Client(REMOTE_ADDR="10.0.0.1").post(
            vote_url(other),
            {"score": "1"},
            HTTP_X_FORWARDED_FOR=f"10.9.1.{i}, 203.0.113.77",
            **JSON,
        )
        for i in range(1, 21)
    ]
    assert [r.status_code for r in answers] == [200] * 5 + [429] * 15


@pytest.mark.django_db
def test_a_reader_changing_their_vote_is_not_counted_again(settings):
    settings.RATINGS_RATE_LIMIT = (2, 600)
    first, second = PostFactory.create_batch(2)
    reader = Client(REMOTE_ADDR=ATTACKER)
    for score in ("1", "2", "3", "4", "5", "4"):
        assert reader.post(vote_url(first), {"score": score}, **JSON).status_code == 200
    assert reader.post(vote_url(second), {"score": "5"}, **JSON).status_code == 200
    assert stuff(second, 1)[0].status_code == 429  # two new ballots: the limit
    assert figures(first) == (1, 4) and figures(second) == (1, 5)


def in_flight() -> int:
    """How many requests the database serves at once: PostgreSQL allows 100 connections for
    every test run on the server, so 50 at a time (as many as a large site's app servers)."""
    return 50 if connection.vendor == "postgresql" else 150


def stuff_concurrently(posts, n: int) -> list[int]:
    """n requests from one address, without the cookie, all released at the same instant."""
    statuses = []
    gate = threading.BoundedSemaphore(in_flight())

    def attack(i):
        with gate:
            response = Client(REMOTE_ADDR=ATTACKER).post(
                vote_url(posts[i % len(posts)]), {"score": "1"}, **JSON
            )
        statuses.append(response.status_code)
        if response.status_code == 429:
            assert response.json()["error"].startswith("Too many")

    assert run_together(n, attack) == []
    return statuses


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_the_per_address_limit_holds_exactly_under_150_simultaneous_votes(settings):
    settings.RATINGS_RATE_LIMIT = (60, 600)
    settings.RATINGS_RATE_LIMIT_PER_OBJECT = None
    post = PostFactory()

    statuses = stuff_concurrently([post], 150)

    assert sorted(statuses) == [200] * 60 + [429] * 90
    assert figures(post) == (60, 60)
    assert Vote.objects.count() == 60
    assert aggregates_recount() == []


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_both_limits_hold_exactly_when_one_address_floods_several_posts_at_once(settings):
    settings.RATINGS_RATE_LIMIT = (60, 600)
    settings.RATINGS_RATE_LIMIT_PER_OBJECT = (20, 3600)
    posts = PostFactory.create_batch(5)

    statuses = stuff_concurrently(posts, 150)

    assert sorted(statuses) == [200] * 60 + [429] * 90
    assert all(figures(post)[0] <= 20 for post in posts)
    assert sum(figures(post)[0] for post in posts) == Vote.objects.count() == 60
    assert aggregates_recount() == []


def render_block() -> str:
    return Template("{% load ratings_tags %}{% top_rated_block %}").render(
        Context({"request": RequestFactory().get("/")})
    )


def unpublish(post):
    post.status = Post.Status.DRAFT
    post.save()


def delete(post):
    post.delete()


def unpublish_in_bulk(post):
    Post.objects.filter(pk=post.pk).update(status=Post.Status.DRAFT)


def reschedule(post):
    Post.objects.filter(pk=post.pk).update(published_at=timezone.now() + timedelta(days=1))


@pytest.mark.django_db
@pytest.mark.parametrize("withdraw", [unpublish, delete, unpublish_in_bulk, reschedule])
def test_a_withdrawn_post_leaves_the_top_rated_block_at_once(withdraw, client):
    kept = PostFactory(title="Stays published")
    withdrawn = PostFactory(title="Withdrawn by its editor")
    for i in range(3):
        cast(kept, 4, ip=f"192.0.2.{i}")
        cast(withdrawn, 5, ip=f"192.0.2.{i}")
    url = withdrawn.get_absolute_url()
    assert "Withdrawn by its editor" in render_block()  # and now cached

    withdraw(withdrawn)

    assert client.get(url).status_code == 404
    html = render_block()
    assert "Withdrawn by its editor" not in html
    assert "Stays published" in html


@pytest.mark.django_db
def test_the_top_rated_block_costs_one_query_cached_or_not(django_assert_num_queries):
    posts = PostFactory.create_batch(8)
    for i, post in enumerate(posts):
        cast(post, i % 5 + 1)
    ContentType.objects.get_for_model(Post)
    with django_assert_num_queries(1):
        cold = render_block()
    with django_assert_num_queries(1):
        warm = render_block()
    assert cold == warm and cold.count("<li>") == 5
