"""Authors see and edit only their own posts; Editors everything. Enforced on the server."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from blog.models import Post
from tests.admin_forms import inline_management_data
from tests.factories import CategoryFactory, PostFactory, UserFactory


@pytest.fixture
def other_author(db):
    return UserFactory(username="other", is_staff=True, groups=["Authors"])


@pytest.fixture
def own_post(author):
    return PostFactory(title="Mine", author=author, status=Post.Status.DRAFT, published_at=None)


@pytest.fixture
def others_post(other_author):
    return PostFactory(title="Theirs", author=other_author)


def post_form_data(**overrides):
    data = {
        "title": "Written in the admin",
        "slug": "",
        "excerpt": "",
        "body": "Some **body**.",
        "featured_image_alt": "",
        "featured_image_caption": "",
        "featured_image_credit": "",
        "source_name": "",
        "source_url": "",
        "tags": "",
        "status": "draft",
        "published_at_0": "",
        "published_at_1": "",
    }
    data.update(overrides)
    return data


def codenames(group_name):
    return set(Group.objects.get(name=group_name).permissions.values_list("codename", flat=True))


def test_role_groups_have_exact_permissions(db):
    contributors = codenames("Contributors")
    assert contributors == {
        "add_post", "change_post", "delete_post", "view_post", "view_category",
        "view_authorprofile", "change_authorprofile", "view_relatedpost",
    }  # fmt: skip
    authors = codenames("Authors")
    assert authors == contributors | {"publish_post", "edit_published_posts", "upload_media"}
    editors = codenames("Editors")
    assert {
        "publish_post", "edit_others_posts", "edit_published_posts", "upload_media",
        "change_category", "change_tag", "change_authorprofile", "add_authorprofile",
    } <= editors  # fmt: skip
    assert not {"edit_others_posts", "change_tag", "change_category"} & authors


def test_author_sees_only_own_posts_in_the_list(client, author, own_post, others_post):
    client.force_login(author)
    html = client.get(reverse("admin:blog_post_changelist")).content.decode()
    assert "Mine" in html
    assert "Theirs" not in html


def test_author_cannot_open_anothers_post_by_url(client, author, others_post):
    client.force_login(author)
    url = reverse("admin:blog_post_change", args=[others_post.pk])
    response = client.get(url)
    # The admin answers as if the post did not exist: back to the index with a message.
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    assert "Theirs" not in client.get(response["Location"]).content.decode()


def test_author_cannot_save_anothers_post_by_url(client, author, others_post):
    client.force_login(author)
    url = reverse("admin:blog_post_change", args=[others_post.pk])
    client.post(url, post_form_data(title="Hijacked"))
    others_post.refresh_from_db()
    assert others_post.title == "Theirs"


def test_author_cannot_delete_anothers_post(client, author, others_post):
    client.force_login(author)
    client.post(reverse("admin:blog_post_delete", args=[others_post.pk]), {"post": "yes"})
    assert Post.objects.filter(pk=others_post.pk).exists()


def test_new_post_by_author_is_theirs_whatever_the_form_says(client, author, other_author):
    client.force_login(author)
    url = reverse("admin:blog_post_add")
    data = {**post_form_data(author=str(other_author.pk)), **inline_management_data(client, url)}
    response = client.post(url, data)
    assert response.status_code == 302
    post = Post.objects.get(title="Written in the admin")
    assert post.author == author
    assert post.slug == "written-in-the-admin"
    assert "<strong>body</strong>" in post.body_html


def test_author_cannot_change_the_author_of_own_post(client, author, other_author, own_post):
    client.force_login(author)
    url = reverse("admin:blog_post_change", args=[own_post.pk])
    assert 'name="author"' not in client.get(url).content.decode()
    client.post(url, post_form_data(title="Mine", author=str(other_author.pk)))
    own_post.refresh_from_db()
    assert own_post.author == author


def test_contributor_cannot_publish_but_can_submit_for_review(client, contributor):
    own_post = PostFactory(author=contributor, status=Post.Status.DRAFT, published_at=None)
    client.force_login(contributor)
    url = reverse("admin:blog_post_change", args=[own_post.pk])
    inlines = inline_management_data(client, url)
    form = {**post_form_data(title="Mine", status="published"), **inlines}
    response = client.post(url, {**form, "_transition": "publish"})
    assert response.status_code == 200  # the form comes back with an error
    own_post.refresh_from_db()
    assert own_post.status == Post.Status.DRAFT
    assert client.post(url, form).status_code == 302  # a status in the data is ignored
    own_post.refresh_from_db()
    assert own_post.status == Post.Status.DRAFT
    client.post(url, {**form, "_transition": "submit"})
    own_post.refresh_from_db()
    assert own_post.status == Post.Status.PENDING


def test_editor_sees_edits_and_publishes_anyones_post(client, editor, own_post):
    client.force_login(editor)
    changelist = client.get(reverse("admin:blog_post_changelist")).content.decode()
    assert "Mine" in changelist
    url = reverse("admin:blog_post_change", args=[own_post.pk])
    form = post_form_data(title="Mine, edited", author=str(own_post.author.pk))
    form["_transition"] = "publish"
    form.update(inline_management_data(client, url))
    assert client.post(url, form).status_code == 302
    own_post.refresh_from_db()
    assert own_post.title == "Mine, edited" and own_post.status == Post.Status.PUBLISHED


def test_editor_manages_categories_and_tags(client, editor):
    client.force_login(editor)
    response = client.post(
        reverse("admin:blog_category_add"), {"name": "Surveillance", "slug": "surveillance"}
    )
    assert response.status_code == 302
    assert client.get(reverse("admin:taggit_tag_changelist")).status_code == 200


def test_author_cannot_add_categories(client, author):
    client.force_login(author)
    assert client.get(reverse("admin:blog_category_add")).status_code == 403


def test_draft_preview_is_for_its_author_and_editors_only(client, author, other_author, editor):
    draft = PostFactory(
        title="Unpublished thoughts", author=author, status=Post.Status.DRAFT, published_at=None
    )
    url = reverse("blog:post_preview", args=[draft.pk])
    assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(other_author)
    assert client.get(url).status_code == 404
    client.force_login(author)
    response = client.get(url)
    assert response.status_code == 200 and "Unpublished thoughts" in response.content.decode()
    assert "Preview" in response.content.decode()
    client.force_login(editor)
    assert client.get(url).status_code == 200


def test_preview_refuses_readers_who_are_not_staff(client, author, db):
    reader = UserFactory(username="reader")
    draft = PostFactory(author=author, status=Post.Status.DRAFT, published_at=None)
    client.force_login(reader)
    assert client.get(reverse("blog:post_preview", args=[draft.pk])).status_code == 403


def test_publish_action_is_for_editors(client, editor, author):
    draft = PostFactory(author=author, status=Post.Status.PENDING, published_at=None,
                        categories=[CategoryFactory()])  # fmt: skip
    client.force_login(editor)
    client.post(
        reverse("admin:blog_post_changelist"),
        {"action": "publish_selected", "_selected_action": [draft.pk]},
    )
    draft.refresh_from_db()
    assert draft.is_public


def test_second_editor_saving_a_stale_form_does_not_undo_the_first(client, editor, own_post):
    url = reverse("admin:blog_post_change", args=[own_post.pk])
    client.force_login(editor)
    opened = client.get(url).context["adminform"].form["version"].value()
    base = post_form_data(status="draft", author=str(own_post.author.pk), version=opened)
    base.update(inline_management_data(client, url))
    assert client.post(url, {**base, "title": "First editor's title"}).status_code == 302
    response = client.post(url, {**base, "title": "Second editor's title"})
    assert response.status_code == 409
    assert "Someone saved this post while you were editing it" in response.content.decode()
    own_post.refresh_from_db()
    assert own_post.title == "First editor's title"
