"""Every page costs a fixed number of queries, whatever the amount of content.

Each page is requested at two content sizes with a cold cache and must run exactly the same,
budgeted number of queries both times (pytest-django's ``django_assert_num_queries``).
"""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.utils import timezone

from blog.models import Category, Post
from tests.factories import AuthorProfileFactory, CategoryFactory, PostFactory

# Layout shared by every page: site identity (1), the sidebar (recent, categories, tags: 3) and
# its top-rated block (1).
FRAME = 5
# A list of posts: count and page (2), then categories and tags of the page's posts (2); rating
# summaries are annotated on the page's query.
LIST = 4


def grow_content(n_posts: int, n_authors: int) -> None:
    authors = [AuthorProfileFactory().user for _ in range(n_authors)]
    categories = [CategoryFactory(name=f"Cat {i}") for i in range(3)]
    start = timezone.make_aware(datetime.datetime(2020, 3, 10, 12))
    for i in range(n_posts):
        PostFactory(
            author=authors[i % n_authors],
            published_at=start + datetime.timedelta(hours=i),
            categories=categories[: 1 + i % 3],
            tags=[f"tag{i % 7}", f"tag{i % 5}x", "common"],
        )


def assert_fixed_cost(client, django_assert_num_queries, url: str, expected: int) -> None:
    cache.clear()
    # Content types are cached for the life of a process: measure the steady state.
    ContentType.objects.get_for_models(Post, Category)
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200, url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/", FRAME + LIST),
        ("/?page=2", FRAME + LIST),
        ("/2020/", FRAME + LIST + 1),  # allow_empty=False checks for posts first
        ("/2020/03/", FRAME + LIST + 1),
        ("/category/cat-0/", FRAME + LIST + 1),  # the category
        ("/tag/common/", FRAME + LIST + 1),  # the tag
        ("/authors/", FRAME + 1),  # profiles with their counts in one query
        ("/feed/", 4),  # identity, posts, categories, tags; no layout
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


def test_author_page_costs_the_same_with_more_content(client, db, django_assert_num_queries):
    grow_content(n_posts=12, n_authors=2)
    username = Post.objects.published().first().author.username
    expected = FRAME + LIST + 1  # the profile with its count
    assert_fixed_cost(client, django_assert_num_queries, f"/author/{username}/", expected)
    grow_content(n_posts=30, n_authors=6)
    assert_fixed_cost(client, django_assert_num_queries, f"/author/{username}/", expected)
