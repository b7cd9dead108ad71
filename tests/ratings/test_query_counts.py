"""Pages showing ratings and the vote request cost a fixed number of queries."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ratings.models import RatingRule
from tests.factories import CategoryFactory, PostFactory
from tests.ratings.conftest import cast, criteria_set, rule_for, vote_url

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


@pytest.fixture
def admin_rows(settings):
    """Make n votes, n statistics and n overrides, on posts and categories, with a second
    (multi-criteria) rating set in use, so each changelist shows n rows about n objects."""
    settings.RATINGS_RATE_LIMIT = None

    def make(n):
        review = criteria_set()
        category = CategoryFactory()
        rule_for(category, rating_set=review)
        multi = PostFactory(categories=[category])
        cast(multi, analysis=5, sources=4, writing=3)
        rule_for(multi, access=RatingRule.Access.OPEN)
        for post in PostFactory.create_batch(n - 3):
            cast(post, 4)
            rule_for(post, access=RatingRule.Access.LOCKED)
        rule_for(CategoryFactory(), access=RatingRule.Access.SIGNED_IN)

    return make


# Each admin changelist page costs the same whatever its row count: the session, the user and
# their permissions (user, groups) = 4, the filters' choices, two counts (filtered and total),
# the page's rows with their content type, criterion, rating set and user joined in, then the
# objects the rows are about in one query per content type (ratings.admin.TargetChangeList).
CHANGELIST_BUDGETS = {
    # 4 + "rated object" and rating-set filters (2) + counts (2) + votes (1) + their posts (1)
    # + date hierarchy: first/last date and the days (2)
    "vote": 12,
    # 4 + content-type, rating-set and criterion filters (3) + counts (2) + statistics (1)
    # + their posts (1)
    "ratingaggregate": 11,
    # 4 + content-type and rating-set filters (2) + counts (2) + overrides (1) + the posts and
    # the categories they apply to (2)
    "ratingrule": 11,
}


@pytest.mark.parametrize("rows", [3, 30])
@pytest.mark.parametrize(("name", "budget"), CHANGELIST_BUDGETS.items())
def test_admin_changelists_cost_a_fixed_number_of_queries(
    client, editor, admin_rows, django_assert_num_queries, name, budget, rows
):
    admin_rows(rows)
    client.force_login(editor)
    url = reverse(f"admin:ratings_{name}_changelist")
    client.get(url)  # warm the caches (content types, site identity)
    with django_assert_num_queries(budget):
        response = client.get(url)
    assert response.context["cl"].result_count == rows
