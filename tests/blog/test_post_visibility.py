"""The published door: drafts, pending and future posts are invisible everywhere readers look."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from authors.models import AuthorProfile
from blog.models import Post
from tests.factories import AuthorProfileFactory, CategoryFactory, PostFactory


@pytest.fixture
def writer(db):
    return AuthorProfileFactory(user__username="writer", display_name="Wendy Writer").user


@pytest.fixture
def hidden_posts(writer):
    category = CategoryFactory(name="Policy")
    future = timezone.now() + datetime.timedelta(days=3)
    return [
        PostFactory(title="Secret draft", author=writer, status=Post.Status.DRAFT,
                    published_at=None, tags=["hidden"], categories=[category]),
        PostFactory(title="Awaiting review", author=writer, status=Post.Status.PENDING,
                    published_at=None, tags=["hidden"], categories=[category]),
        PostFactory(title="Scheduled for later", author=writer, published_at=future,
                    tags=["hidden"], categories=[category]),
    ]  # fmt: skip


@pytest.fixture
def visible_post(writer):
    return PostFactory(
        title="Out in the open",
        author=writer,
        tags=["hidden"],
        categories=[CategoryFactory(name="Policy")],
    )


def test_published_excludes_drafts_pending_and_future(hidden_posts, visible_post):
    assert list(Post.objects.published()) == [visible_post]


def test_scheduled_post_appears_once_its_time_comes(writer):
    post = PostFactory(author=writer, published_at=timezone.now() + datetime.timedelta(hours=1))
    assert not Post.objects.published().filter(pk=post.pk).exists()
    Post.objects.filter(pk=post.pk).update(
        published_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert Post.objects.published().filter(pk=post.pk).exists()


def test_author_post_count_counts_published_only(hidden_posts, visible_post, writer):
    profile = AuthorProfile.objects.with_post_counts().get(user=writer)
    assert profile.post_count == 1


def listed(url: str, content: str) -> list[str]:
    """What an answer lists as its content: post cards of the main column, feed entries, sitemap
    addresses, authors with their counts; never the sidebar, whose recent posts are everywhere."""
    if url.endswith("/feed/"):
        return re.findall(r"<entry><title>([^<]*)</title>", content)
    if url == "/sitemap.xml":
        return re.findall(r"<loc>http://testserver([^<]*)</loc>", content)
    main = content.split("<main", 1)[1].split("</main>", 1)[0]
    if url == "/authors/":
        authors = re.findall(r"<h2><a [^>]*>([^<]*)</a></h2>\s*<p [^>]*>([^<·]*) ·", main)
        return [f"{name}: {count}" for name, count in authors]
    return re.findall(r'class="post-card__title"><a href="[^"]*">([^<]*)</a>', main)


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/category/policy/",
        "/tag/hidden/",
        "/author/writer/",
        "/authors/",
        "/feed/",
        "/category/policy/feed/",
        "/sitemap.xml",
        "/search/?q=paragraph",  # every post's body
        "/search/?q=hidden",  # every post's tag
        "/search/?q=Wendy",  # every post's author
    ],
)
def test_hidden_posts_never_reach_public_pages(client, hidden_posts, visible_post, url):
    content = client.get(url).content.decode()
    expected = {
        "/authors/": ["Wendy Writer: 1 post"],
        "/sitemap.xml": [visible_post.get_absolute_url(), "/category/policy/"],
    }.get(url, ["Out in the open"])
    assert listed(url, content) == expected
    for post in hidden_posts:
        assert post.title not in content
        assert post.slug not in content


def test_hidden_post_pages_are_not_found(client, hidden_posts):
    for post in hidden_posts:
        assert client.get(post.get_absolute_url()).status_code == 404


def test_archive_of_a_month_with_only_hidden_posts_is_not_found(client, hidden_posts):
    when = timezone.localtime(hidden_posts[2].published_at)
    response = client.get(reverse("blog:archive_month", args=[when.year, when.month]))
    assert response.status_code == 404


def test_author_box_count_ignores_hidden_posts(client, hidden_posts, visible_post):
    html = client.get(visible_post.get_absolute_url()).content.decode()
    assert "Wendy Writer has 1 post on" in html


def test_sidebar_lists_only_published_posts(client, hidden_posts, visible_post):
    html = client.get("/authors/").content.decode()
    sidebar = html.split("<aside", 1)[1].split("</aside>", 1)[0]
    assert "Out in the open" in sidebar  # recent posts widget
    assert "Secret draft" not in sidebar
    # the Policy category counts the one published post
    assert 'Policy</a> <span class="count">(1)</span>' in sidebar
