"""Every blog page costs a fixed number of queries, whatever the amount of content.

Each page is requested at two content sizes with a cold cache and must run exactly the same,
budgeted number of queries both times (pytest-django's ``django_assert_num_queries``).
"""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from blog.models import Post, PostTransition
from blog.workflow import post_transition
from tests.factories import AuthorProfileFactory, PostFactory
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
        # Feeds have no layout: the content generation, identity, the newest change (ETag),
        # posts, categories, tags
        ("/feed/", 6),
        ("/feed/rss/", 6),
        ("/category/cat-0/feed/", 6 + 1),  # the category
        ("/category/cat-0/feed/rss/", 6 + 1),
        ("/tag/common/feed/", 6 + 1),  # the tag
        ("/tag/common/feed/rss/", 6 + 1),
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
    # post with author and profile (1), previous and next (2), categories and tags (2), the
    # rating widget: rules, criteria and aggregates (3), the stored related posts (1) and, as
    # none were computed here, the "More in <category>" fallback (1), the author box's profile
    # with its avatar and post count (1: authors' post_author_box, read only when it renders)
    expected = FRAME + 5 + 3 + 2 + 1
    assert_fixed_cost(client, django_assert_num_queries, post.get_absolute_url(), expected)
    grow_content(n_posts=30, n_authors=6)
    post.tags.add(*[f"extra{i}" for i in range(10)])
    assert_fixed_cost(client, django_assert_num_queries, post.get_absolute_url(), expected)


def review_content(n: int) -> None:
    """``n`` posts in each queue (pending, changes requested, scheduled), by ``n`` authors, each
    with its workflow history."""
    now = timezone.now()
    for i in range(n):
        author = AuthorProfileFactory().user
        for status, published_at in (
            ("pending", None),
            ("changes", None),
            ("published", now + datetime.timedelta(days=1 + i)),
        ):
            post = PostFactory(author=author, status=status, published_at=published_at)
            PostTransition.objects.create(
                post=post, actor=author, action="submit", from_state="draft", to_state="pending"
            )
            if status == "changes":
                PostTransition.objects.create(
                    post=post,
                    actor=author,
                    action="request_changes",
                    from_state="pending",
                    to_state="changes",
                    note="Shorter.",
                )


def test_review_queue_costs_the_same_with_more_posts_in_review(
    client, editor, django_assert_num_queries
):
    client.force_login(editor)
    url = reverse("admin:blog_post_review")
    # session and user (2), the user's own and groups' permissions (2), the counts (1), the
    # three queues with their authors and profiles (3; the latest submission and request are
    # subqueries), the site identity and the content generation it is keyed by (2).
    for n in (2, 7):
        review_content(n)
        cache.clear()
        with django_assert_num_queries(10):
            response = client.get(url)
        assert response.status_code == 200
        assert len(response.context["pending"]) == len(response.context["changes"])


def test_index_summary_costs_one_query(client, editor, django_assert_num_queries):
    client.force_login(editor)
    total = 0
    for n in (1, 4):
        review_content(n)
        total += n
        cache.clear()
        # session and user (2), permissions (2), the counts (1), the site identity and the
        # content generation it is keyed by (2), the recent actions (1)
        with django_assert_num_queries(8):
            html = client.get(reverse("admin:index")).content.decode()
        assert f'<span class="count">{total}</span> pending review' in html


def test_post_change_page_costs_the_same_with_a_longer_history(client, editor, contributor):
    author = AuthorProfileFactory(user=contributor).user
    post = PostFactory(author=author, status="draft", published_at=None)
    client.force_login(editor)
    url = reverse("admin:blog_post_change", args=[post.pk])

    def count_queries() -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    post_transition(post=post, action="submit", user=author)
    count_queries()  # content types are cached for the life of a process: the steady state
    short = count_queries()
    for _ in range(4):
        post_transition(post=post, action="request_changes", user=editor, note="Again.")
        post_transition(post=post, action="submit", user=author)
    assert PostTransition.objects.filter(post=post).count() == 9
    assert count_queries() == short


def test_post_page_with_its_parts_cached_costs_two_queries(
    client, db, settings, django_assert_num_queries
):
    """Between changes (page cache off, fragments warm) a post page reads the content generation
    and the post; everything else comes from fragments keyed by them."""
    settings.PAGE_CACHE = False
    grow_content(n_posts=12, n_authors=2)
    post = Post.objects.published().order_by("pk")[5]
    assert_fixed_cost(client, django_assert_num_queries, post.get_absolute_url(), FRAME + 11)
    with django_assert_num_queries(2):
        assert client.get(post.get_absolute_url()).status_code == 200
