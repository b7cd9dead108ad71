"""The admin's "view on site" shortcut, ``/admin/r/<content type>/<id>/``, must not tell staff the
address of posts they may not see. It answers only people who may view the object in the
admin, and it never gives a public address for a post that is not public."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from blog.models import Post
from tests.factories import AuthorProfileFactory, CategoryFactory, PostFactory, UserFactory


def shortcut(obj) -> str:
    content_type = ContentType.objects.get_for_model(obj)
    return f"/admin/r/{content_type.pk}/{obj.pk}/"


@pytest.fixture
def staff_without_group(db):
    return UserFactory(username="nogroup", is_staff=True)


@pytest.fixture
def other_author(db):
    return UserFactory(username="other", is_staff=True, groups=["Authors"])


def unpublished(kind: str, author) -> Post:
    if kind == "draft":
        return PostFactory(title="Secret draft", author=author, status="draft", published_at=None)
    if kind == "pending":
        return PostFactory(title="Secret pending", author=author, status="pending")
    later = timezone.now() + datetime.timedelta(days=3)
    return PostFactory(title="Secret scheduled", author=author, published_at=later)


KINDS = ["draft", "pending", "scheduled"]


def assert_tells_nothing(response, obj):
    assert response.status_code == 404
    assert "Location" not in response
    assert str(obj.get_absolute_url()) not in response.content.decode()


@pytest.mark.parametrize("kind", KINDS)
def test_staff_without_a_group_cannot_learn_the_address_of_unpublished_posts(
    client, staff_without_group, other_author, kind
):
    post = unpublished(kind, other_author)
    client.force_login(staff_without_group)
    assert_tells_nothing(client.get(shortcut(post)), post)


@pytest.mark.parametrize("kind", KINDS)
def test_an_author_cannot_learn_the_address_of_another_authors_unpublished_post(
    client, author, other_author, kind
):
    post = unpublished(kind, other_author)
    client.force_login(author)
    assert_tells_nothing(client.get(shortcut(post)), post)


def test_a_forbidden_object_gets_the_same_answer_as_a_missing_one(
    client, staff_without_group, other_author
):
    post = unpublished("draft", other_author)
    client.force_login(staff_without_group)
    forbidden = client.get(shortcut(post))
    missing = client.get(shortcut(post).replace(f"/{post.pk}/", f"/{post.pk + 1000}/"))
    assert forbidden.status_code == missing.status_code == 404
    assert forbidden.content == missing.content


def test_staff_without_a_group_cannot_use_the_shortcut_on_other_models(
    client, staff_without_group, other_author
):
    category = CategoryFactory(name="Policy")
    profile = AuthorProfileFactory(user=other_author)  # its public page names the account
    client.force_login(staff_without_group)
    assert client.get(shortcut(category)).status_code == 404
    assert_tells_nothing(client.get(shortcut(profile)), profile)


@pytest.mark.parametrize("kind", KINDS)
def test_an_author_is_sent_to_the_preview_of_their_own_unpublished_post(client, author, kind):
    post = unpublished(kind, author)
    client.force_login(author)
    response = client.get(shortcut(post))
    assert response.status_code == 302
    assert response["Location"] == reverse("blog:post_preview", args=[post.pk])


def test_an_editor_is_sent_to_previews_of_unpublished_posts_and_pages_of_public_ones(
    client, editor, other_author
):
    client.force_login(editor)
    for kind in KINDS:
        post = unpublished(kind, other_author)
        response = client.get(shortcut(post))
        assert response["Location"] == reverse("blog:post_preview", args=[post.pk])
    public = PostFactory(author=other_author)
    assert client.get(shortcut(public))["Location"] == public.get_absolute_url()
    category = CategoryFactory(name="Policy")
    assert client.get(shortcut(category))["Location"] == category.get_absolute_url()


@pytest.mark.parametrize(
    "path",
    [
        "/admin/r/abc/1/",
        "/admin/r/999999/1/",
        "/admin/r/1099511627776/1/",  # beyond a 32-bit id column
        "/admin/r/{post}/1099511627776/",
        "/admin/r/99999999999999999999999/1/",
        "/admin/r/%C2%B2/1/",
        "/admin/r/{post}/not-a-number/",
        "/admin/r/{post}/99999999999999999999999/",
        "/admin/r/{content_type}/1/",  # a model without an admin
    ],
)
def test_bad_or_unknown_shortcuts_get_a_404(client, editor, path):
    post_type = ContentType.objects.get_for_model(Post).pk
    content_type_type = ContentType.objects.get_for_model(ContentType).pk
    client.force_login(editor)
    response = client.get(path.format(post=post_type, content_type=content_type_type))
    assert response.status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, other_author):
    post = unpublished("draft", other_author)
    response = client.get(shortcut(post))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert post.slug not in response["Location"]


@pytest.mark.parametrize("kind", KINDS)
def test_post_admin_links_point_at_the_preview_for_posts_that_are_not_public(
    client, editor, other_author, kind
):
    post = unpublished(kind, other_author)
    preview = reverse("blog:post_preview", args=[post.pk])
    client.force_login(editor)
    change_form = client.get(reverse("admin:blog_post_change", args=[post.pk])).content.decode()
    changelist = client.get(reverse("admin:blog_post_changelist")).content.decode()
    for page in (change_form, changelist):
        assert f'href="{preview}"' in page
        assert post.get_absolute_url() not in page


def test_the_staff_preview_stays_closed_to_those_who_may_not_see_the_post(
    client, staff_without_group, author, other_author
):
    post = unpublished("draft", other_author)
    preview = reverse("blog:post_preview", args=[post.pk])
    assert client.get(preview).status_code == 302  # to sign in
    for user in (staff_without_group, author):
        client.force_login(user)
        response = client.get(preview)
        assert response.status_code == 404 and "Secret draft" not in response.content.decode()
