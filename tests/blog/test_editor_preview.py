"""The editor's live preview: the body rendered by the server exactly as when the post is
published, only for people who may write that post, CSRF-protected and bounded in size."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from blog.editor_admin import PREVIEW_MAX_CHARS
from blog.models import Post
from tests.factories import PostFactory

NEW = reverse("admin:blog_post_preview_new")


def preview_url(post) -> str:
    return reverse("admin:blog_post_body_preview", args=[post.pk])


@pytest.fixture
def own_draft(author):
    return PostFactory(author=author, status=Post.Status.DRAFT, published_at=None)


def test_preview_is_the_html_a_published_post_gets(client, author, own_draft):
    client.force_login(author)
    body = (
        "## Heading\n\n**Bold**, _italic_, [link](https://example.org).\n\n"
        "> Quoted.\n> -- Jane Doe\n\n- one\n- two\n\n1. first\n\n`code`"
    )
    response = client.post(preview_url(own_draft), {"body": body})
    assert response.status_code == 200
    own_draft.body = body
    own_draft.save()
    assert response.json() == {"html": own_draft.body_html, "problems": [], "warning": ""}
    assert '<footer class="attribution">— Jane Doe</footer>' in response.json()["html"]


def test_preview_of_a_new_post(client, contributor):
    client.force_login(contributor)
    response = client.post(NEW, {"body": "Hello *world*"})
    assert response.json() == {"html": "<p>Hello <em>world</em></p>", "problems": [], "warning": ""}


def test_figures_placing_no_picture_are_reported_as_the_save_will(client, author, own_draft):
    """A figure of a picture the library does not have renders nothing: the preview says so,
    in the very words the form refuses the save with."""
    from images.models import Image
    from images.services import image_create
    from tests.images.conftest import picture_bytes

    picture = image_create(data=picture_bytes(size=(400, 300)), name="harbour.jpg")
    Image.objects.filter(pk=99999).delete()
    client.force_login(author)
    body = (
        "Intro.\n\n![x](image:99999)\n\n"
        f"![ok](image:{picture.pk})\n\n![y](image:abc)\n\n![x again](image:99999)"
    )
    answer = client.post(preview_url(own_draft), {"body": body}).json()
    assert answer["problems"] == ["image:99999", "image:abc"]
    assert answer["warning"] == (
        "These figures place no picture of the media library: image:99999, image:abc. "
        "Choose the picture again with “Insert image”, or remove the line."
    )
    assert answer["html"].count("<figure>") == 1  # the known picture only

    from blog.forms import PostAdminForm

    form = PostAdminForm(data={"body": body})
    form.is_valid()
    assert form.errors["body"] == [answer["warning"]]


@pytest.mark.parametrize(
    ("source", "forbidden"),
    [
        ("<script>alert(1)</script>", "<script"),
        ('<img src=x onerror="alert(1)">', "onerror"),
        ("[x](javascript:alert(1))", "javascript:"),
        ('<a href="data:text/html,hi">x</a>', "data:"),
        ("<iframe src=https://evil.example></iframe>", "<iframe"),
        ('<div style="position:fixed">x</div>', "style="),
    ],
)
def test_hostile_markdown_is_sanitized(client, author, source, forbidden):
    client.force_login(author)
    html = client.post(NEW, {"body": source}).json()["html"]
    assert forbidden not in html.lower()


def test_signed_out_people_are_sent_to_sign_in(client, own_draft):
    response = client.post(preview_url(own_draft), {"body": "x"})
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_another_authors_post_cannot_be_previewed_by_an_author(client, own_draft, contributor):
    client.force_login(contributor)
    response = client.post(preview_url(own_draft), {"body": "x"})
    assert response.status_code == 404


def test_a_contributor_may_not_preview_into_their_published_post(client, contributor):
    post = PostFactory(author=contributor, published_at=timezone.now() - datetime.timedelta(1))
    client.force_login(contributor)
    response = client.post(preview_url(post), {"body": "x"})
    assert response.status_code == 403
    assert response.json() == {"error": "You may not edit this post."}


def test_an_editor_previews_anyones_post(client, editor, own_draft):
    client.force_login(editor)
    assert client.post(preview_url(own_draft), {"body": "x"}).status_code == 200


def test_staff_without_the_right_to_write_posts_are_refused(client, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="reader", is_staff=True))
    response = client.post(NEW, {"body": "x"})
    assert response.status_code == 403
    assert response.json() == {"error": "You may not write posts."}


def test_csrf_token_is_required(author):
    client = Client(enforce_csrf_checks=True)
    client.force_login(author)
    assert client.post(NEW, {"body": "x"}).status_code == 403
    page = client.get(reverse("admin:blog_post_add"))
    token = page.cookies["csrftoken"].value
    response = client.post(NEW, {"body": "x"}, headers={"X-CSRFToken": token})
    assert response.status_code == 200


def test_only_post_is_answered(client, author):
    client.force_login(author)
    assert client.get(NEW).status_code == 405


def test_too_long_a_body_is_refused_with_a_message(client, author):
    client.force_login(author)
    response = client.post(NEW, {"body": "a" * (PREVIEW_MAX_CHARS + 1)})
    assert response.status_code == 413
    assert "Too long to preview" in response.json()["error"]


def test_a_declared_length_beyond_the_limit_is_refused_unread(client, author):
    client.force_login(author)
    response = client.post(NEW, {"body": "x"}, CONTENT_LENGTH=str(5 * PREVIEW_MAX_CHARS))
    assert response.status_code == 413


@pytest.mark.parametrize(
    "data",
    [{}, {"body": ["one", "two"]}, {"body": "nul\x00"}],
    ids=["missing", "repeated", "nul"],
)
def test_malformed_requests_get_a_400_with_a_message(client, author, data):
    client.force_login(author)
    response = client.post(NEW, data)
    assert response.status_code == 400
    assert response.json()["error"]


def test_the_form_carries_the_editor_and_its_preview_address(client, author, own_draft):
    client.force_login(author)
    html = client.get(reverse("admin:blog_post_change", args=[own_draft.pk])).content.decode()
    assert f'data-preview-url="{preview_url(own_draft)}"' in html
    assert "blog/admin/post_editor.js" in html
    assert 'rows="24"' in html  # a large box, even without the script


def test_people_who_may_only_look_get_no_editor(client, contributor):
    post = PostFactory(author=contributor, published_at=timezone.now() - datetime.timedelta(1))
    client.force_login(contributor)
    html = client.get(reverse("admin:blog_post_change", args=[post.pk])).content.decode()
    assert "post-editor-config" not in html
