"""Pages showing ratings and the vote request cost a fixed number of queries."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.urls import reverse

from ratings.models import RatingRule
from tests.factories import CategoryFactory, PostFactory
from tests.ratings.conftest import cast, criteria_set, rule_for, vote_url

pytestmark = pytest.mark.django_db
JSON = {"HTTP_ACCEPT": "application/json"}


# Budgets: counted once (on SQLite and PostgreSQL alike) with a cold cache, as a first visit
# after a deploy sees it; each test checks the same literal number with few and with many votes
# or posts, so a query per vote or per post would fail it. Every request reads the content
# generation its cached pages and fragments are keyed by once (core.pagecache): 1 in each.

# The post page: 10 queries are the blog's (the post, its categories, the previous and next
# posts, its tags, site identity, and the sidebar's archive months, categories, tags and recent
# posts), 1 the related posts', 1 the author box's (the profile with its avatar and post count),
# and 6 the ratings app's: the overrides, the criteria and the aggregates (the widget and the
# JSON-LD share them), and the top-rated sidebar block (3 with a cold cache: its candidates,
# their vote figures, which key its cached copy, and the block's items; 1 once it is cached).
POST_PAGE = 19
# The home page: 8 are the blog's (the post count for pagination, site identity, the page's
# categories and tags, and the sidebar's archive months, categories, tags and recent posts) and
# 2 carry the ratings: the page's posts, whose rating figures and access come as subqueries of
# that one query (ratings.selectors.with_ratings), and the top-rated sidebar block (3, as above).
HOME_PAGE = 14
# /top-rated/: the best-rated and the most-rated lists (2), site identity and the sidebar's
# archive months, categories, tags and recent posts (5), and the top-rated sidebar block (3).
TOP_RATED_PAGE = 11
# A vote: resolve the post (1), its overrides and criteria (2), then one transaction (inside
# the test's own, a savepoint and its release: 2) holding whether the reader is new (1), the
# rate limits (the address's and the address's on this post: each counter created if missing
# and counted, 4), the locked aggregate (1), the reader's earlier score (1), the vote inserted
# in its own savepoint (3) and the aggregate incremented (1); then the new figures and the
# reader's scores for the answer (2) and the site identity for the widget's HTML (1); the
# content generation moves (the next scheduled post's time and the update: 2, core.pagecache);
# the post's card stamp is updated (1, blog.versions) and, told that the figures changed
# (ratings.signals.rating_changed), the generation is asked to move again (2: inside a test's
# transaction it moves at once each time; after a real commit both asks share one move).
VOTE = 25


def cold(client):
    """Warm only what every process keeps warm (the content-type cache); empty the cache."""
    ContentType.objects.get_for_model(PostFactory._meta.model)
    cache.clear()
    return client


def test_post_page_costs_the_same_with_1_or_40_votes(client, django_assert_num_queries):
    few, many = PostFactory.create_batch(2)
    cast(few, 4)
    for i in range(40):
        cast(many, i % 5 + 1)
    for post in (few, many):
        with django_assert_num_queries(POST_PAGE):
            assert cold(client).get(post.get_absolute_url()).status_code == 200


def test_list_pages_cost_the_same_with_2_or_8_rated_posts(client, django_assert_num_queries):
    for post in PostFactory.create_batch(2):
        cast(post, 5)
    with django_assert_num_queries(HOME_PAGE):
        cold(client).get("/")
    for post in PostFactory.create_batch(6):
        for score in (3, 4, 5):
            cast(post, score)
    with django_assert_num_queries(HOME_PAGE):
        response = cold(client).get("/")
    assert response.content.decode().count('class="rating-summary"') == 8


def test_vote_request_costs_the_same_with_1_or_40_earlier_votes(client, django_assert_num_queries):
    few, many = PostFactory.create_batch(2)
    cast(few, 4)
    for i in range(40):
        cast(many, i % 5 + 1)
    for post in (few, many):
        with django_assert_num_queries(VOTE):
            response = cold(type(client)()).post(vote_url(post), {"score": "2"}, **JSON)
        assert response.status_code == 200


def test_top_rated_page_costs_the_same_with_2_or_8_rated_posts(client, django_assert_num_queries):
    for post in PostFactory.create_batch(2):
        cast(post, 5)
    with django_assert_num_queries(TOP_RATED_PAGE):
        cold(client).get("/top-rated/")
    for post in PostFactory.create_batch(6):
        cast(post, 4)
    with django_assert_num_queries(TOP_RATED_PAGE):
        response = cold(client).get("/top-rated/")
    assert response.content.decode().count('class="rating-summary"') == 16


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
# their permissions (user, groups) and the content generation = 5, the filters' choices, two
# counts (filtered and total), the page's rows with their content type, criterion, rating set
# and user joined in, then the objects the rows are about in one query per content type
# (ratings.admin.TargetChangeList).
CHANGELIST_BUDGETS = {
    # 5 + "rated object" filter and the titles of its posts (2) + rating-set filter (1)
    # + counts (2) + votes (1) + their posts (1) + date hierarchy: first/last date and days (2)
    "vote": 14,
    # 5 + content-type, rating-set and criterion filters (3) + counts (2) + statistics (1)
    # + their posts (1)
    "ratingaggregate": 12,
    # 5 + content-type and rating-set filters (2) + counts (2) + overrides (1) + the posts and
    # the categories they apply to (2)
    "ratingrule": 12,
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
