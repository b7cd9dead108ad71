"""Query budgets shared by the page tests of every app: a page costs a fixed, literal number of
queries, whatever the amount of content (pytest-django's ``django_assert_num_queries``)."""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.utils import timezone

from blog.models import Category, Post
from tests.factories import AuthorProfileFactory, CategoryFactory, PostFactory

# Layout shared by every page: the content generation its caches are keyed by (1, read once per
# request: core.pagecache), site identity (1), the sidebar (recent, archive months, categories,
# tags: 4, cached together) and its top-rated block (1).
FRAME = 7
# A list of posts: count and the page's posts (2); with their cards not cached (blog.views
# post_cards), the posts in full (1), then their categories and tags (2); rating summaries are
# annotated on that query.
LIST = 5


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
