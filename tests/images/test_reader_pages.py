"""Reader pages serve library pictures through their renditions, at a fixed query cost."""

import re

import pytest
from django.urls import reverse

from blog.models import Post
from images.markdown import figure_markdown
from related.models import RelatedPost
from tests.query_budget import FRAME, LIST, assert_fixed_cost, grow_content


@pytest.fixture
def pictured(make_image):
    """Every post gets a featured picture and a figure in its body, from a small pool."""

    def dress(pool_size=2):
        pool = [make_image(size=(1200, 800), alt_text=f"Picture {i}") for i in range(pool_size)]
        for i, post in enumerate(Post.objects.order_by("pk")):
            post.featured = pool[i % pool_size]
            post.body = f"Opening.\n\n{figure_markdown(pool[(i + 1) % pool_size])}\n\nMore."
            post.save()
        return pool

    return dress


@pytest.mark.parametrize(
    ("url", "expected"),
    # The feed: its posts, pictures, categories and tags, site identity, content generation (6).
    [("/", FRAME + LIST), ("/category/cat-0/", FRAME + LIST + 1), ("/feed/", 6)],
)
def test_lists_with_pictures_cost_the_same_with_more_content(
    client, db, django_assert_num_queries, pictured, url, expected
):
    grow_content(n_posts=1, n_authors=1)
    pictured(pool_size=1)
    assert_fixed_cost(client, django_assert_num_queries, url, expected)
    grow_content(n_posts=25, n_authors=3)
    pictured(pool_size=4)
    assert_fixed_cost(client, django_assert_num_queries, url, expected)


def test_post_page_with_pictures_costs_the_same(client, db, django_assert_num_queries, pictured):
    grow_content(n_posts=3, n_authors=1)
    pictured(pool_size=1)
    post = Post.objects.published().order_by("pk")[1]
    # as tests/blog/test_query_counts.py: the post page with its author box's own query
    expected = FRAME + 5 + 3 + 2 + 1
    assert_fixed_cost(client, django_assert_num_queries, post.get_absolute_url(), expected)
    grow_content(n_posts=20, n_authors=3)
    pictured(pool_size=5)
    others = Post.objects.published().exclude(pk=post.pk)[:4]
    RelatedPost.objects.bulk_create(
        [RelatedPost(post=post, related=other, rank=i, score=1) for i, other in enumerate(others)]
    )
    expected = FRAME + 5 + 3 + 1 + 1  # the stored related posts, with their pictures: no fallback
    assert_fixed_cost(client, django_assert_num_queries, post.get_absolute_url(), expected)


def test_post_page_serves_renditions(client, db, pictured):
    grow_content(n_posts=2, n_authors=1)
    pool = pictured(pool_size=2)
    post = Post.objects.published().order_by("pk")[0]
    html = client.get(post.get_absolute_url()).content.decode()
    header = html.split('<div class="post__body">')[0]
    lead = re.search(r'<figure class="post__figure">.*?</figure>', header, re.S).group(0)
    assert '<source type="image/webp" srcset="' in lead and "480w" in lead and "1200w" in lead
    img = re.search(r"<img [^>]*>", lead).group(0)
    assert 'width="1200" height="800"' in img and 'fetchpriority="high"' in img
    assert "loading=" not in img  # above the fold
    assert f'alt="{pool[0].alt_text}"' in img
    body = html.split('<div class="post__body">')[1].split("</div>")[0]
    assert "<figure>" in body and 'loading="lazy"' in body and "srcset=" in body
    og = re.search(r'<meta property="og:image" content="([^"]+)"', html).group(1)
    assert og.startswith("http://testserver/media/images/renditions/") and og.endswith("-w1200.jpg")
    assert '<meta property="og:image:width" content="1200">' in html


def test_list_cards_use_renditions_lazy_below_the_first_two(client, db, pictured):
    grow_content(n_posts=3, n_authors=1)
    pictured(pool_size=1)
    html = client.get(reverse("blog:post_list")).content.decode()
    thumbs = re.findall(r'<a class="post-card__thumb".*?</a>', html, re.S)
    assert len(thumbs) == 3
    for thumb in thumbs:
        assert "srcset=" in thumb and 'width="220"' in thumb
        assert 'type="image/webp"' in thumb
    assert ['loading="lazy"' in thumb for thumb in thumbs] == [False, False, True]


def test_author_box_and_author_pages_serve_square_avatar_renditions(
    client, db, make_image, django_assert_num_queries
):
    from authors.models import AuthorProfile

    grow_content(n_posts=2, n_authors=1)
    post = Post.objects.published().order_by("pk")[0]
    profile = AuthorProfile.objects.get(user=post.author)
    profile.avatar_picture = make_image(size=(600, 400), alt_text="Face")
    profile.save()
    html = client.get(post.get_absolute_url()).content.decode()
    box = html.split('<section class="author-box"')[1].split("</section>")[0]
    img = re.search(r"<img [^>]*>", box).group(0)
    assert 'class="author-box__avatar"' in img and 'width="96" height="96"' in img
    assert "-sq96-" in img and "-sq192-" in img and 'loading="lazy"' in img
    assert 'type="image/webp"' in box
    authors = client.get(reverse("authors:list")).content.decode()
    assert "-sq96-" in authors
    detail = client.get(profile.get_absolute_url()).content.decode()
    assert 'class="author-header__avatar"' in detail and "-sq192-" in detail


def test_pages_never_make_renditions(client, db, pictured, monkeypatch, settings):
    grow_content(n_posts=2, n_authors=1)
    pictured(pool_size=2)

    def refuse(**kwargs):
        raise AssertionError("a rendition was made while serving a page")

    monkeypatch.setattr("images.renditions.renditions_render", refuse)
    monkeypatch.setattr("images.services.renditions_render", refuse)
    files_before = sorted(p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file())
    post = Post.objects.published().order_by("pk")[0]
    for url in ("/", post.get_absolute_url(), "/feed/", "/sitemap.xml"):
        assert client.get(url).status_code == 200
    assert sorted(p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()) == files_before
