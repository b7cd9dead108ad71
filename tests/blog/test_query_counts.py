"""Every blog page costs a fixed number of queries, whatever the amount of content.

Each page is requested at two content sizes with a cold cache and must run exactly the same,
budgeted number of queries both times (pytest-django's ``django_assert_num_queries``).
"""

import pytest

from blog.models import Post
from tests.query_budget import FRAME, LIST, assert_fixed_cost, grow_content


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/", FRAME + LIST),
        ("/?page=2", FRAME + LIST),
        ("/2020/", FRAME + LIST + 1),  # allow_empty=False checks for posts first
        ("/2020/03/", FRAME + LIST + 1),
        ("/category/cat-0/", FRAME + LIST + 1),  # the category
        ("/tag/common/", FRAME + LIST + 1),  # the tag
        ("/tags/", FRAME + 1),  # every tag with its count
        # Feeds have no layout: identity, the newest change (ETag), posts, categories, tags
        ("/feed/", 5),
        ("/feed/rss/", 5),
        ("/category/cat-0/feed/", 5 + 1),  # the category
        ("/category/cat-0/feed/rss/", 5 + 1),
        ("/tag/common/feed/", 5 + 1),  # the tag
        ("/tag/common/feed/rss/", 5 + 1),
    ],
)
def test_list_pages_cost_the_same_with_more_content(
    client, db, django_assert_num_queries, url, expected
):
    grow_content(n_posts=12, n_authors=2)
    assert_fixed_cost(client, django_assert_num_queries, url, expected)
    grow_content(n_posts=30, n_authors=6)
    assert_fixed_cost(client, django_assert_num_queries, url, expected)


def test_post_page_costs_the_same_with_more_content(client, db, django_assert_num_queries):
    grow_content(n_posts=12, n_authors=2)
    post = Post.objects.published().order_by("pk")[5]
    # post with author, profile and count (1), previous and next (2), categories and tags (2),
    # the rating widget: rules, criteria and aggregates (3), the stored related posts (1) and, as
    # none were computed here, the "More in <category>" fallback (1)
    expected = FRAME + 5 + 3 + 2
    assert_fixed_cost(client, django_assert_num_queries, post.get_absolute_url(), expected)
    grow_content(n_posts=30, n_authors=6)
    post.tags.add(*[f"extra{i}" for i in range(10)])
    assert_fixed_cost(client, django_assert_num_queries, post.get_absolute_url(), expected)
