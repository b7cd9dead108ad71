"""Author pages cost a fixed number of queries, whatever the number of authors and posts."""

from blog.models import Post
from tests.query_budget import FRAME, LIST, assert_fixed_cost, grow_content


def test_authors_page_costs_the_same_with_more_authors(client, db, django_assert_num_queries):
    expected = FRAME + 1  # profiles with their counts in one query
    grow_content(n_posts=12, n_authors=2)
    assert_fixed_cost(client, django_assert_num_queries, "/authors/", expected)
    grow_content(n_posts=30, n_authors=6)
    assert_fixed_cost(client, django_assert_num_queries, "/authors/", expected)


def test_author_page_costs_the_same_with_more_content(client, db, django_assert_num_queries):
    grow_content(n_posts=12, n_authors=2)
    username = Post.objects.published().first().author.username
    expected = FRAME + LIST + 1  # the profile with its count
    assert_fixed_cost(client, django_assert_num_queries, f"/author/{username}/", expected)
    grow_content(n_posts=30, n_authors=6)
    assert_fixed_cost(client, django_assert_num_queries, f"/author/{username}/", expected)


def test_author_feeds_cost_the_same_with_more_content(client, db, django_assert_num_queries):
    grow_content(n_posts=12, n_authors=2)
    username = Post.objects.published().first().author.username
    # the content generation, the profile, identity, the newest change (ETag), posts,
    # categories, tags; no layout
    expected = 7
    for url in (f"/author/{username}/feed/", f"/author/{username}/feed/rss/"):
        assert_fixed_cost(client, django_assert_num_queries, url, expected)
    grow_content(n_posts=30, n_authors=6)
    for url in (f"/author/{username}/feed/", f"/author/{username}/feed/rss/"):
        assert_fixed_cost(client, django_assert_num_queries, url, expected)
