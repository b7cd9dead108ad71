"""Pictures seen without scrolling load at once, the others lazily: a body's first figure near
its top when the post has no featured picture, and the first cards of a list."""

import re

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from blog.models import Post
from blog.rendering import bodies_rerender, render_markdown
from images.services import image_create
from tests.factories import PostFactory
from tests.images.conftest import picture_bytes


@pytest.fixture
def picture(db):
    return image_create(data=picture_bytes(size=(800, 500)), name="harbour.jpg", alt_text="Boats")


def img_tags(html: str) -> list[str]:
    return re.findall(r"<img [^>]*>", html)


def lazy(tag: str) -> bool:
    return 'loading="lazy"' in tag


def test_a_first_figure_at_the_top_loads_at_once_without_a_featured_picture(picture):
    body = f"Intro.\n\n![](image:{picture.pk})\n\nMore.\n\n![](image:{picture.pk})"
    post = PostFactory(body=body)
    first, second = img_tags(post.body_html)
    assert not lazy(first)
    assert lazy(second)
    assert "fetchpriority" not in first


def test_with_a_featured_picture_every_figure_is_lazy(client, picture):
    post = PostFactory(body=f"![](image:{picture.pk})", featured=picture)
    assert all(lazy(tag) for tag in img_tags(post.body_html))
    # The featured picture itself loads at once, above the body.
    tags = img_tags(client.get(post.get_absolute_url()).content.decode())
    assert not lazy(tags[0]) and 'fetchpriority="high"' in tags[0]
    assert all(lazy(tag) for tag in tags[1:])


def test_a_first_figure_far_down_the_text_is_lazy(picture):
    body = "One.\n\n## Two\n\nThree.\n\n" + f"![](image:{picture.pk})"
    assert all(lazy(tag) for tag in img_tags(PostFactory(body=body).body_html))
    body = "One.\n\n## Two\n\n" + f"![](image:{picture.pk})"
    assert not lazy(img_tags(PostFactory(body=body).body_html)[0])


def test_a_figure_in_a_quote_is_lazy(picture):
    body = f"> ![](image:{picture.pk})\n> -- Jane Doe"
    tags = img_tags(PostFactory(body=body).body_html)
    assert tags and all(lazy(tag) for tag in tags)


def test_choosing_a_featured_picture_later_makes_the_body_figure_lazy(picture):
    post = PostFactory(body=f"![](image:{picture.pk})")
    assert not lazy(img_tags(post.body_html)[0])
    post.featured = picture
    post.save(update_fields=["featured"])
    post.refresh_from_db()
    assert lazy(img_tags(post.body_html)[0])
    post.featured = None
    post.save()
    post.refresh_from_db()
    assert not lazy(img_tags(post.body_html)[0])


def test_the_preview_and_other_texts_keep_every_figure_lazy(picture):
    html = render_markdown(f"![](image:{picture.pk})")
    assert lazy(img_tags(html)[0])


def test_stored_bodies_are_rendered_again_with_the_rule(picture):
    eager = PostFactory(body=f"![](image:{picture.pk})")
    featured = PostFactory(body=f"![](image:{picture.pk})", featured=picture)
    lazy_html = render_markdown(f"![](image:{picture.pk})")
    Post.objects.filter(pk__in=[eager.pk, featured.pk]).update(body_html=lazy_html)
    from django.apps import apps

    assert bodies_rerender(apps.get_model("blog", "Post"), using=connection.alias) == (2, 1)
    assert not lazy(img_tags(Post.objects.get(pk=eager.pk).body_html)[0])
    assert Post.objects.get(pk=featured.pk).body_html == lazy_html


def card_images(html: str) -> list[str]:
    cards = html.split('<article class="post-card">')[1:]
    return [img_tags(card)[0] for card in cards]


def test_the_first_two_cards_of_a_list_load_their_pictures_at_once(client, picture):
    for _ in range(4):
        PostFactory(featured=picture)
    for attempt in ("rendered", "cached"):
        tags = card_images(client.get(reverse("blog:post_list")).content.decode())
        assert [lazy(tag) for tag in tags] == [False, False, True, True], attempt

    # Two newer posts push the first ones down: their cached cards at the top are not used.
    for _ in range(2):
        PostFactory(featured=picture, published_at=timezone.now())
    html = client.get(reverse("blog:post_list")).content.decode()
    assert [lazy(tag) for tag in card_images(html)] == [False, False, True, True, True, True]


def test_the_first_two_search_results_load_their_pictures_at_once(client, picture):
    for n in range(3):
        PostFactory(title=f"Harbour {n}", featured=picture)
    html = client.get(reverse("blog:search"), {"q": "harbour"}).content.decode()
    assert [lazy(tag) for tag in card_images(html)] == [False, False, True]
