"""Pages showing ratings and the vote request cost a fixed number of queries."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import PostFactory
from tests.ratings.conftest import cast, vote_url

pytestmark = pytest.mark.django_db
JSON = {"HTTP_ACCEPT": "application/json"}


def queries(client, method, url, **kwargs) -> int:
    ContentType.objects.get_for_model(PostFactory._meta.model)  # warm the content-type cache
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = getattr(client, method)(url, **kwargs)
    assert response.status_code in (200, 302)
    return len(ctx.captured_queries)


def test_post_page_costs_the_same_with_1_or_40_votes(client, django_assert_num_queries):
    few, many = PostFactory.create_batch(2)
    cast(few, 4)
    for i in range(40):
        cast(many, i % 5 + 1)
    baseline = queries(client, "get", few.get_absolute_url())
    cache.clear()
    with django_assert_num_queries(baseline):
        client.get(many.get_absolute_url())


def test_list_pages_cost_the_same_with_2_or_8_rated_posts(client, django_assert_num_queries):
    for post in PostFactory.create_batch(2):
        cast(post, 5)
    baseline = queries(client, "get", "/")
    for post in PostFactory.create_batch(6):
        for score in (3, 4, 5):
            cast(post, score)
    cache.clear()
    with django_assert_num_queries(baseline):
        response = client.get("/")
    assert response.content.decode().count('class="rating-summary"') == 8


def test_vote_request_costs_the_same_with_1_or_40_earlier_votes(client, django_assert_num_queries):
    few, many = PostFactory.create_batch(2)
    cast(few, 4)
    for i in range(40):
        cast(many, i % 5 + 1)
    baseline = queries(type(client)(), "post", vote_url(few), data={"score": "2"}, **JSON)
    cache.clear()
    with django_assert_num_queries(baseline):
        type(client)().post(vote_url(many), {"score": "2"}, **JSON)


def test_top_rated_page_costs_the_same_with_2_or_8_rated_posts(client, django_assert_num_queries):
    for post in PostFactory.create_batch(2):
        cast(post, 5)
    baseline = queries(client, "get", "/top-rated/")
    for post in PostFactory.create_batch(6):
        cast(post, 4)
    cache.clear()
    with django_assert_num_queries(baseline):
        client.get("/top-rated/")
