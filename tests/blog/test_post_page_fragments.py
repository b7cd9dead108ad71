"""The post page's cached blocks (the rating widget, the JSON-LD snippet, and the sections after
the body: the author box and the related posts) are kept under versions of what they show
(blog.views.post_fragment_keys): a vote, an edit or a profile change elsewhere leaves them
cached, and every change to what they show is on the next view."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from authors.models import AuthorProfile
from blog.models import Post
from blog.views import post_fragment_keys
from core import pagecache
from related.models import RelatedPostOverride
from tests.factories import CategoryFactory, PostFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def pages_rendered(settings):
    settings.PAGE_CACHE = False  # the pages themselves rendered each time: blocks are measured


def keys(post) -> dict[str, str]:
    pagecache._current.set(None)  # the generation as the next request reads it
    post = Post.objects.get(pk=post.pk)
    canonical = f"http://testserver{post.get_absolute_url()}"
    return post_fragment_keys(post, is_preview=False, canonical_url=canonical)


def page(post) -> str:
    response = Client().get(post.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def queries_of(post) -> int:
    with CaptureQueriesContext(connection) as captured:
        page(post)
    return len(captured)


def section(html: str, css_class: str) -> str:
    return html.split(f'class="{css_class}', 1)[1].split("</section>", 1)[0]


def vote(post, score="5"):
    response = Client().post(
        reverse("ratings:vote", args=["blog.post", post.pk]),
        {"score": score},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 200


def test_a_vote_on_one_post_leaves_the_other_post_pages_blocks_cached():
    voted = PostFactory(title="Spyware markets")
    other = PostFactory(title="Export rules")
    page(voted), page(other)
    warm = queries_of(other)
    before = keys(other)
    assert all(cache.get(key) for key in before.values())
    cache.clear()
    cold = queries_of(other)
    assert cold > warm  # the blocks cost queries when they are rendered
    page(voted)

    vote(voted)

    assert keys(other) == before  # the same blocks, still stored
    assert queries_of(other) == warm  # none of them rendered again
    changed = keys(voted)
    assert changed["rating"] != before["rating"] and changed["json_ld"] != before["json_ld"]
    html = page(voted)
    assert '"ratingCount": 1' in html
    assert "Spyware markets" in html
    assert all(cache.get(key) for key in keys(voted).values())


def test_an_edit_elsewhere_keeps_the_rating_block():
    post = PostFactory()
    other = PostFactory()
    page(post)
    before = keys(post)
    other.title = "Export rules, revised"
    other.save()
    after = keys(post)
    assert after["rating"] == before["rating"] and after["json_ld"] == before["json_ld"]
    # The sections after the body list posts (related posts, the author's count): rendered.
    assert after["after_body"] != before["after_body"]


def test_an_edit_of_the_post_is_in_its_json_ld():
    post = PostFactory(title="Spyware markets")
    page(post)
    post.title = "Spyware markets, revised"
    post.save()
    assert '"headline": "Spyware markets, revised"' in page(post)


def test_editing_the_authors_profile_changes_the_author_box_on_all_their_posts():
    first = PostFactory()
    second = PostFactory(author=first.author)
    stranger = PostFactory()
    for post in (first, second, stranger):
        page(post)
    untouched = keys(stranger)
    profile = AuthorProfile.objects.get(user=first.author)
    profile.display_name = "Grace Hopper"
    profile.bio = "Wrote the first *compiler*."
    profile.save()
    for post in (first, second):
        box = section(page(post), "author-box")
        assert "Grace Hopper has 2 posts on" in box
        assert "Wrote the first <em>compiler</em>." in box
    assert keys(stranger) == untouched  # another author's posts keep theirs


@pytest.mark.parametrize("change", ["publish", "unpublish", "delete"])
def test_the_authors_published_posts_change_has_n_posts(change):
    post = PostFactory()
    name = AuthorProfile.objects.get(user=post.author).display_name
    second = PostFactory(author=post.author, status=Post.Status.DRAFT, published_at=None)
    assert f"{name} has 1 post on" in section(page(post), "author-box")
    second.status = Post.Status.PUBLISHED
    second.save()
    assert f"{name} has 2 posts on" in section(page(post), "author-box")
    if change == "unpublish":
        second.status = Post.Status.DRAFT
        second.save()
    elif change == "delete":
        second.delete()
    if change != "publish":
        assert f"{name} has 1 post on" in section(page(post), "author-box")


def test_a_related_list_refresh_changes_the_related_block(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post = PostFactory(title="Spyware markets", categories=[CategoryFactory()])
        suggested = PostFactory(title="Lighthouse keepers of Brittany")
    assert "Lighthouse keepers of Brittany" in section(page(post), "related-posts")
    with django_capture_on_commit_callbacks(execute=True):
        RelatedPostOverride.objects.create(
            post=post, other=suggested, kind=RelatedPostOverride.Kind.EXCLUDE
        )
    html = page(post)
    related = section(html, "related-posts") if 'class="related-posts' in html else ""
    assert "Lighthouse keepers of Brittany" not in related


def test_a_listed_posts_new_title_is_in_the_related_block(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post = PostFactory(title="Spyware markets")
        listed = PostFactory(title="Export rules")
        RelatedPostOverride.objects.create(post=post, other=listed)
    assert "Export rules" in section(page(post), "related-posts")
    with django_capture_on_commit_callbacks(execute=True):
        listed.title = "Export rules for spyware"
        listed.save()
    assert "Export rules for spyware" in section(page(post), "related-posts")


def test_the_site_name_moves_the_author_box():
    from core.models import SiteIdentity

    post = PostFactory()
    page(post)
    identity = SiteIdentity.current()
    identity.name = "The Harbour Gazette"
    identity.save()
    assert "post on The Harbour Gazette." in section(page(post), "author-box")


def test_the_rating_block_changes_when_the_time_limit_closes_voting(settings):
    post = PostFactory(published_at=timezone.now() - datetime.timedelta(days=3))
    settings.RATINGS_CLOSE_AFTER_DAYS = 5
    page(post)
    open_keys = keys(post)
    # What five days of waiting do to a post published three days ago: the limit passes.
    settings.RATINGS_CLOSE_AFTER_DAYS = 2
    closed_keys = keys(post)
    assert closed_keys["rating"] != open_keys["rating"]
    assert closed_keys["json_ld"] != open_keys["json_ld"]
    assert "closed 2 days after publication" in page(post)


@pytest.mark.parametrize("role", ["listed post's thumbnail", "author's avatar"])
def test_a_picture_rebuilt_or_described_renders_the_sections_showing_it(
    role, django_capture_on_commit_callbacks
):
    from images.services import image_create, image_update, renditions_rebuild
    from tests.images.conftest import picture_bytes

    picture = image_create(data=picture_bytes(size=(800, 600)), name="harbour.jpg")
    with django_capture_on_commit_callbacks(execute=True):
        post = PostFactory(title="Spyware markets")
        listed = PostFactory(title="Export rules")
        RelatedPostOverride.objects.create(post=post, other=listed)
    if role == "author's avatar":
        AuthorProfile.objects.filter(user=post.author).update(avatar_picture=picture)
    else:
        Post.objects.filter(pk=listed.pk).update(featured=picture)
    pagecache.content_changed()  # the bulk updates above
    page(post)
    before = keys(post)
    with django_capture_on_commit_callbacks(execute=True):
        renditions_rebuild(image=picture)  # updates the row: no save, no post_save
    rebuilt = keys(post)
    assert rebuilt["after_body"] != before["after_body"]
    assert rebuilt["rating"] == before["rating"]  # the post's own picture is another one
    page(post)
    with django_capture_on_commit_callbacks(execute=True):
        image_update(image=picture, alt_text="A harbour at dawn")
    assert keys(post)["after_body"] != rebuilt["after_body"]
