"""Top rated ranks by a damped (Bayesian) average; most rated by vote count."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from blog.models import Post
from ratings.models import RatingRule
from ratings.selectors import top_rated
from tests.factories import PostFactory
from tests.ratings.conftest import cast, rule_for

pytestmark = pytest.mark.django_db


def test_one_five_star_vote_does_not_beat_two_hundred_4_8s(settings):
    settings.RATINGS_RATE_LIMIT = None
    lucky = PostFactory(title="One lucky vote")
    loved = PostFactory(title="Loved by many")
    cast(lucky, 5)
    for i in range(200):
        cast(loved, 4 if i % 5 == 0 else 5)  # mean 4.8
    ranking = list(top_rated(Post))
    assert [p.title for p in ranking] == ["Loved by many", "One lucky vote"]
    assert ranking[0].rating_average == pytest.approx(4.8)


def test_bayesian_average_uses_the_configured_prior(settings):
    settings.RATINGS_TOP_PRIOR_WEIGHT = 2
    settings.RATINGS_TOP_PRIOR_MEAN = 3
    post = PostFactory()
    cast(post, 5)
    cast(post, 5)
    # (W*M + n*mean) / (W + n) = (2*3 + 2*5) / 4
    assert top_rated(Post).get().rating_score == pytest.approx(4.0)


def test_prior_mean_defaults_to_the_middle_of_the_scale(settings):
    settings.RATINGS_TOP_PRIOR_WEIGHT = 2
    post = PostFactory()
    cast(post, 5)
    cast(post, 5)
    assert top_rated(Post).get().rating_score == pytest.approx((2 * 3 + 2 * 5) / 4)


def test_prior_mean_can_be_the_site_wide_mean(settings):
    settings.RATINGS_TOP_PRIOR_MEAN = "site"
    settings.RATINGS_TOP_PRIOR_WEIGHT = 1
    a, b = PostFactory.create_batch(2)
    cast(a, 5)
    cast(b, 1)
    scores = {p.pk: p.rating_score for p in top_rated(Post)}
    # Site mean is 3: a = (3 + 5) / 2, b = (3 + 1) / 2
    assert scores == {a.pk: pytest.approx(4.0), b.pk: pytest.approx(2.0)}


def test_most_rated_orders_by_count_and_hidden_or_unpublished_posts_are_left_out():
    many, few, hidden = PostFactory.create_batch(3)
    draft = PostFactory()
    for _ in range(3):
        cast(many, 3)
        cast(hidden, 5)
        cast(draft, 5)
    cast(few, 5)
    Post.objects.filter(pk=draft.pk).update(status="draft")
    rule_for(hidden, access=RatingRule.Access.HIDDEN)
    assert [p.pk for p in top_rated(Post, order="count")] == [many.pk, few.pk]


def test_top_rated_page_and_sidebar_block(client):
    post = PostFactory(title="A well-rated post")
    cast(post, 5)
    page = client.get("/top-rated/").content.decode()
    assert "A well-rated post" in page and "Most rated" in page
    request = RequestFactory().get("/")
    html = Template("{% load ratings_tags %}{% top_rated_block %}").render(
        Context({"request": request})
    )
    assert "Top rated" in html and "A well-rated post" in html
    assert 'href="/top-rated/"' in client.get("/").content.decode()


def render_block() -> str:
    return Template("{% load ratings_tags %}{% top_rated_block %}").render(
        Context({"request": RequestFactory().get("/")})
    )


def test_the_cached_sidebar_block_fills_a_withdrawn_posts_place_and_shows_current_titles():
    posts = [PostFactory(title=f"Rated post {n}") for n in range(6)]
    for n, post in enumerate(posts):
        for _ in range(n + 1):
            cast(post, 5)  # the more votes, the higher
    assert "Rated post 0" not in render_block()  # sixth of six: not shown, but cached

    rule_for(posts[5], access=RatingRule.Access.HIDDEN)
    Post.objects.filter(pk=posts[4].pk).update(title="Renamed by its author")
    html = render_block()

    assert "Rated post 5" not in html
    assert "Renamed by its author" in html and "Rated post 0" in html
    assert html.count("<li>") == 5
