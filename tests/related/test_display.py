"""The "Related posts:" block on the post page and in the admin."""

import datetime

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from blog.models import Post
from blog.views import post_fragment_keys
from related.display import related_block
from related.models import RelatedPostOverride
from tests.factories import CategoryFactory, PostFactory

TOPIC = "Passkeys and phishing-resistant logins replace passwords"
GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)


def make_topic_posts(count: int, *, capture) -> list:
    with capture(execute=True):
        for n in range(4):
            PostFactory(title=f"Garden diary {n}", body="Tomatoes, beans and weather.")
        return [
            PostFactory(title=f"Passkeys part {n}", body=TOPIC, tags=["passkeys"])
            for n in range(count)
        ]


@pytest.mark.django_db
def test_related_posts_are_read_in_one_query(
    django_assert_num_queries, django_capture_on_commit_callbacks
):
    post, *others = make_topic_posts(8, capture=django_capture_on_commit_callbacks)
    with django_assert_num_queries(1):
        block = related_block(post, categories=[])
        titles = [(p.title, p.get_absolute_url(), p.published_at) for p in block.posts]
    assert block.heading == "Related posts:"
    assert len(titles) == 5


@pytest.mark.django_db
@pytest.mark.parametrize("count", [2, 12])
def test_post_page_costs_the_same_queries_whatever_the_number_of_related_posts(
    client, settings, django_assert_num_queries, django_capture_on_commit_callbacks, count
):
    post, *_ = make_topic_posts(count, capture=django_capture_on_commit_callbacks)
    settings.PAGE_CACHE = False  # render it every time
    client.get(post.get_absolute_url())  # warm the layout (sidebar, identity)
    post.refresh_from_db()
    keys = post_fragment_keys(post, is_preview=False, canonical_url="")
    cache.delete(keys["after_body"])
    # The content generation, the post, and the sections after the body rendered afresh: the
    # related block (1) and the author box (1); the rest of the page (surroundings, rating
    # widget, sidebar) comes from the fragment cache.
    with django_assert_num_queries(4):
        response = client.get(post.get_absolute_url())
    assert response.status_code == 200


@pytest.mark.django_db
def test_post_page_shows_title_date_and_thumbnail_of_related_posts(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(4):
            PostFactory(title=f"Garden diary {n}", body="Tomatoes, beans and weather.")
        post = PostFactory(title="Passkeys arrive", body=TOPIC)
        other = PostFactory(
            title="Passwords must go",
            body=TOPIC,
            featured_image=SimpleUploadedFile("lock.gif", GIF, content_type="image/gif"),
        )
        PostFactory(title="Passkeys draft", body=TOPIC, status=Post.Status.DRAFT)
    html = client.get(post.get_absolute_url()).content.decode()
    block = html.split('class="related-posts"', 1)[1].split("</section>", 1)[0]
    assert "Related posts:" in block
    assert "Passwords must go" in block
    assert other.get_absolute_url() in block
    assert timezone.localtime(other.published_at).strftime("%B") in block
    assert other.featured_image.url in block
    assert "Passkeys draft" not in block


@pytest.mark.django_db
def test_without_related_posts_the_newest_in_the_category_are_shown_labelled_as_such(
    client, django_capture_on_commit_callbacks
):
    policy = CategoryFactory(name="Policy")
    with django_capture_on_commit_callbacks(execute=True):
        older = PostFactory(title="Budget hearing", body="Appropriations.", categories=[policy])
        PostFactory(
            title="Scheduled memo",
            body="Later.",
            categories=[policy],
            published_at=timezone.now() + datetime.timedelta(days=1),
        )
        post = PostFactory(title="Zebra crossings", body="Stripes.", categories=[policy])
    html = client.get(post.get_absolute_url()).content.decode()
    assert "More in Policy:" in html
    assert "Related posts:" not in html
    assert older.title in html.split("More in Policy:", 1)[1]
    assert "Scheduled memo" not in html


@pytest.mark.django_db
def test_nothing_is_shown_when_there_is_neither_a_related_post_nor_a_category_neighbour(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        # Their own excerpts: the factory's shared default excerpt is text they share.
        PostFactory(title="Garden diary", excerpt="Beds.", body="Tomatoes.")
        post = PostFactory(title="Zebra crossings", excerpt="Roads.", body="Stripes.")
    html = client.get(post.get_absolute_url()).content.decode()
    assert "related-posts" not in html.replace("related/related.css", "")


@pytest.mark.django_db
def test_editor_sees_pins_exclusions_and_reasons_in_the_post_admin(
    client, editor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(4):
            PostFactory(title=f"Garden diary {n}", body="Tomatoes, beans and weather.")
        post, other, pinned = (
            PostFactory(title="Passkeys arrive", body=TOPIC, tags=["passkeys"]),
            PostFactory(title="Passwords must go", body=TOPIC, tags=["passkeys"]),
            PostFactory(title="Garden diary", body="Tomatoes."),
        )
        RelatedPostOverride.objects.create(post=post, other=pinned, kind="pin")
    client.force_login(editor)
    html = client.get(f"/admin/blog/post/{post.pk}/change/").content.decode()
    assert "Related posts: pins and exclusions" in html
    assert "Related posts: current suggestions (computed)" in html
    assert "tags: passkeys" in html
    assert "pinned by an editor" in html
    assert related_block(post, categories=[]).posts[:2] == [pinned, other]


def test_the_add_form_shows_no_empty_suggestions_table(admin_client, db):
    from django.urls import reverse

    html = admin_client.get(reverse("admin:blog_post_add")).content.decode()
    assert "current suggestions" not in html
