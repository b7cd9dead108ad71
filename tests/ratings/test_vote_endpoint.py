"""The vote endpoint: POST only, CSRF, strict validation, JSON or redirect."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ratings.models import RatingAggregate, RatingRule, Vote
from tests.factories import CategoryFactory, PostFactory, UserFactory
from tests.ratings.conftest import criteria_set, rule_for, vote_url

pytestmark = pytest.mark.django_db
JSON = {"HTTP_ACCEPT": "application/json"}


def test_get_is_not_allowed(client, post):
    assert client.get(vote_url(post)).status_code == 405


def test_csrf_token_is_required(post):
    client = Client(enforce_csrf_checks=True)
    response = client.post(vote_url(post), {"score": "4"})
    assert response.status_code == 403
    assert not Vote.objects.exists()


def test_form_post_with_csrf_token_votes_and_redirects_back_with_a_message(post):
    client = Client(enforce_csrf_checks=True)
    page = client.get(reverse("ratings:rate", args=["blog.post", post.pk]), {"score": "4"})
    token = page.context["csrf_token"]
    response = client.post(vote_url(post), {"score": "4", "csrfmiddlewaretoken": str(token)})
    assert response.status_code == 302
    assert response["Location"] == post.get_absolute_url() + "#rating"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Thank you — your rating was saved."
    ]
    page = client.get(post.get_absolute_url())
    assert "Rating: <strong>4.0</strong>/5 (1 vote cast)" in page.content.decode()


def test_json_vote_answers_with_the_new_figures(client, post):
    response = client.post(vote_url(post), {"score": "5"}, **JSON)
    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["average"], body["your_score"], body["max_score"]) == (
        1,
        5.0,
        5,
        5,
    )
    assert body["criteria"] == [
        {"key": "overall", "name": "Overall", "count": 1, "average": 5.0, "your_score": 5}
    ]
    assert 'class="rating' in body["html"]


def test_anonymous_reader_gets_a_signed_cookie_and_keeps_one_vote(client, post):
    first = client.post(vote_url(post), {"score": "2"}, **JSON)
    cookie = first.cookies["rating_reader"]
    assert cookie["httponly"] and cookie["max-age"] >= 60 * 60 * 24 * 365
    second = client.post(vote_url(post), {"score": "4"}, **JSON).json()
    assert (second["count"], second["average"], second["your_score"]) == (1, 4.0, 4)


def test_a_tampered_cookie_counts_as_a_new_reader(client, post):
    client.post(vote_url(post), {"score": "2"}, **JSON)
    client.cookies["rating_reader"] = "a" * 32
    assert client.post(vote_url(post), {"score": "4"}, **JSON).json()["count"] == 2


@pytest.mark.parametrize(
    "data",
    [
        {"score": "0"},
        {"score": "6"},
        {"score": "-1"},
        {"score": "abc"},
        {"score": ""},
        {"score": "3.5"},
        {"score": "1e3"},
        {"score": "12345678901234567890"},
        {"score": " 4"},
        {"score": "04"},
        {},
    ],
    ids=lambda d: repr(d.get("score", "missing")),
)
@pytest.mark.parametrize("as_json", [True, False], ids=["json", "form"])
def test_bad_scores_get_400_with_a_clear_message_and_write_nothing(client, post, data, as_json):
    response = client.post(vote_url(post), data, **(JSON if as_json else {}))
    assert response.status_code == 400
    message = "choose a whole number of stars from 1 to 5"
    if as_json:
        assert message in response.json()["error"]
    else:
        assert message in response.content.decode()
    assert not Vote.objects.exists()
    assert not RatingAggregate.objects.exists()


def test_unknown_types_missing_and_unpublished_objects_get_404(client, post):
    draft = PostFactory(status="draft", published_at=None)
    scheduled = PostFactory(published_at=timezone.now() + datetime.timedelta(hours=1))
    urls = [
        vote_url(draft),
        vote_url(scheduled),
        f"/ratings/vote/blog.post/{post.pk + 1000}/",
        f"/ratings/vote/blog.post/{10**20}/",
        f"/ratings/vote/auth.user/{post.author.pk}/",
        f"/ratings/vote/blog.category/{post.pk}/",
        f"/ratings/vote/{post.pk}/{post.pk}/",
        f"/ratings/vote/nonsense/{post.pk}/",
    ]
    for url in urls:
        response = client.post(url, {"score": "4"}, **JSON)
        assert response.status_code == 404, url
        assert response.json()["error"]
    assert client.post(f"/ratings/vote/blog.post/-{post.pk}/", {"score": "4"}).status_code == 404
    assert not Vote.objects.exists()


def test_refusals_map_to_403_409_and_429(client, post, settings):
    own = Client()
    own.force_login(post.author)
    assert own.post(vote_url(post), {"score": "5"}, **JSON).status_code == 403

    settings.RATINGS_ALLOW_REVOTE = False
    assert client.post(vote_url(post), {"score": "5"}, **JSON).status_code == 200
    again = client.post(vote_url(post), {"score": "3"}, **JSON)
    assert again.status_code == 409
    assert "already rated" in again.json()["error"]

    settings.RATINGS_RATE_LIMIT = (1, 600)
    other = PostFactory()
    limited = client.post(vote_url(other), {"score": "5"}, **JSON)
    assert limited.status_code == 429
    assert "Too many votes" in limited.json()["error"]

    rule_for(other, access=RatingRule.Access.LOCKED)
    settings.RATINGS_RATE_LIMIT = None
    assert client.post(vote_url(other), {"score": "5"}, **JSON).status_code == 403
    assert Vote.objects.count() == 1


def test_sign_in_only_is_a_403_for_anonymous_and_fine_for_users(client, post, settings):
    settings.RATINGS_ALLOW_ANONYMOUS = False
    response = client.post(vote_url(post), {"score": "4"}, **JSON)
    assert (response.status_code, response.json()["error"]) == (403, "Sign in to rate this post.")
    client.force_login(UserFactory())
    assert client.post(vote_url(post), {"score": "4"}, **JSON).status_code == 200


def test_multi_criteria_fields_are_named_per_criterion(client):
    category = CategoryFactory()
    post = PostFactory(categories=[category])
    rule_for(category, rating_set=criteria_set())
    page = client.get(post.get_absolute_url()).content.decode()
    for key in ("analysis", "sources", "writing"):
        assert f'name="score-{key}"' in page
    bad = client.post(vote_url(post), {"score-analysis": "5", "score-sources": "4"}, **JSON)
    assert (bad.status_code, bad.json()["error"]) == (
        400,
        "Writing: choose a whole number of stars from 1 to 5.",
    )
    body = client.post(
        vote_url(post),
        {"score-analysis": "5", "score-sources": "4", "score-writing": "3"},
        **JSON,
    ).json()
    assert (body["count"], body["average"]) == (1, 4.0)
    assert [c["average"] for c in body["criteria"]] == [5.0, 4.0, 3.0]


def test_ip_is_stored_only_as_a_keyed_hash(client, post):
    client.post(vote_url(post), {"score": "4"}, REMOTE_ADDR="198.51.100.23", **JSON)
    vote = Vote.objects.get()
    assert "198.51.100.23" not in vote.ip_hash
    assert len(vote.ip_hash) == 64


@pytest.mark.parametrize(
    "trust",
    [
        {"TRUSTED_PROXY_COUNT": 1},  # the site's one rule, which ratings follows here
        {"RATINGS_CLIENT_IP": None, "RATINGS_TRUSTED_PROXY_COUNT": 1},  # ratings on its own
    ],
)
def test_x_forwarded_for_is_ignored_unless_proxies_are_trusted(client, settings, trust):
    settings.RATINGS_RATE_LIMIT = (1, 600)
    first, second, third = PostFactory.create_batch(3)
    client.post(vote_url(first), {"score": "4"}, HTTP_X_FORWARDED_FOR="10.0.0.1", **JSON)
    spoofed = client.post(vote_url(second), {"score": "4"}, HTTP_X_FORWARDED_FOR="10.0.0.2", **JSON)
    assert spoofed.status_code == 429  # the header changed nothing: same REMOTE_ADDR

    for name, value in trust.items():
        setattr(settings, name, value)
    # The proxy appends the real client; anything left of it is client-controlled.
    behind_proxy = client.post(
        vote_url(third), {"score": "4"}, HTTP_X_FORWARDED_FOR="10.0.0.1, 203.0.113.50", **JSON
    )
    assert behind_proxy.status_code == 200
