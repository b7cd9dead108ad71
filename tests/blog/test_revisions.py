"""Every save of a post is kept as a revision (admin form, list action, services, restore);
any two can be compared; an old one can be restored as a new revision. Who may see and restore
follows who may see and edit the post."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from reversion.models import Version

from blog import revisions
from blog.models import Post
from tests.admin_forms import post_change_data
from tests.factories import CategoryFactory, PostFactory, UserFactory


def change_url(post):
    return reverse("admin:blog_post_change", args=[post.pk])


def compare_url(post, old, new):
    url = reverse("admin:blog_post_revision_compare", args=[post.pk])
    return f"{url}?from={old}&to={new}"


def restore_url(post, version):
    return reverse("admin:blog_post_revision_restore", args=[post.pk, version.pk])


def save_through_form(client, post, **changes):
    response = client.get(change_url(post))
    return client.post(change_url(post), post_change_data(response, **changes))


def versions_of(post):
    return list(revisions.post_versions(post))


@pytest.fixture
def post(author):
    return PostFactory(
        author=author,
        title="Sanctions, explained",
        body="First line.\nSecond line.",
        categories=[CategoryFactory(name="Policy")],
        tags=["sanctions"],
    )


def edit(post, user, comment="", **fields):
    with revisions.recording(user=user, comment=comment):
        for name, value in fields.items():
            setattr(post, name, value)
        post.save()


# --- every save path records a revision ------------------------------------------------------


def test_saving_the_admin_form_records_who_what_categories_and_tags(client, editor, post):
    client.force_login(editor)
    economy = CategoryFactory(name="Economy")
    response = save_through_form(
        client,
        post,
        title="Sanctions, explained again",
        categories=[str(economy.pk)],
        tags="sanctions, trade",
    )
    assert response.status_code == 302
    [version] = versions_of(post)
    assert version.revision.user == editor
    assert version.revision.get_comment() == "Changed title, categories and tags."
    snapshot = revisions.version_snapshot(version, category_names={economy.pk: "Economy"})
    assert snapshot.texts["title"] == "Sanctions, explained again"
    assert snapshot.texts["categories"] == "Economy"
    assert snapshot.tag_names == ["sanctions", "trade"]


def test_adding_a_post_in_the_admin_records_its_first_revision(client, editor):
    client.force_login(editor)
    url = reverse("admin:blog_post_add")
    data = post_change_data(client.get(url), title="Brand new", body="Text.", tags="fresh")
    data["author"] = str(editor.pk)
    assert client.post(url, data).status_code == 302
    post = Post.objects.get(title="Brand new")
    [version] = versions_of(post)
    assert version.revision.get_comment() == "Created the post."
    assert revisions.version_snapshot(version, category_names={}).tag_names == ["fresh"]


def test_publish_action_records_a_revision_for_each_post(client, editor, author):
    drafts = [
        PostFactory(author=author, status=Post.Status.PENDING, published_at=None) for _ in range(2)
    ]
    client.force_login(editor)
    client.post(
        reverse("admin:blog_post_changelist"),
        {"action": "publish_selected", "_selected_action": [p.pk for p in drafts]},
    )
    for draft in drafts:
        [version] = versions_of(draft)
        assert version.revision.user == editor
        assert version.revision.get_comment() == "Published."
        assert version.field_dict["status"] == Post.Status.PUBLISHED


def test_a_step_taken_with_a_save_is_one_revision_naming_both(client, contributor):
    post = PostFactory(author=contributor, status=Post.Status.DRAFT, published_at=None)
    client.force_login(contributor)
    data = post_change_data(client.get(change_url(post)), body="Rewritten for review.")
    data["_transition"] = "submit"
    assert client.post(change_url(post), data).status_code == 302
    [version] = versions_of(post)
    assert version.revision.user == contributor
    assert version.revision.get_comment() == "Changed body. Submitted for review."
    assert version.field_dict["status"] == Post.Status.PENDING
    assert version.field_dict["body"] == "Rewritten for review."


def test_a_step_refused_leaves_no_revision(client, contributor):
    post = PostFactory(author=contributor, status=Post.Status.DRAFT, published_at=None)
    client.force_login(contributor)
    data = post_change_data(client.get(change_url(post)), body="Trying to publish.")
    data["_transition"] = "publish"
    response = client.post(change_url(post), data)
    assert response.status_code == 200
    assert versions_of(post) == []
    post.refresh_from_db()
    assert post.status == Post.Status.DRAFT and post.body != "Trying to publish."


def test_recording_keeps_each_save_of_a_service_and_nothing_outside_it(editor, post):
    edit(post, editor, comment="Submitted for review", status=Post.Status.PENDING)
    post.title = "Saved by a script that records nothing"
    post.save()
    [version] = versions_of(post)
    assert version.revision.get_comment() == "Submitted for review"
    assert version.field_dict["status"] == Post.Status.PENDING


def test_nested_recordings_make_one_revision(editor, post):
    with revisions.recording(user=editor, comment="outer"):
        edit(post, editor, comment="inner", title="One")
        edit(post, editor, title="Two")
    [version] = versions_of(post)
    assert version.field_dict["title"] == "Two"
    assert version.revision.get_comment() == "inner"


def test_image_fields_are_part_of_the_revision(editor, post):
    edit(
        post,
        editor,
        featured_image="featured/2026/01/harbour.jpg",
        featured_image_width=800,
        featured_image_height=600,
        featured_image_caption="The harbour at dawn",
    )
    edit(post, editor, featured_image="", featured_image_caption="")
    older = versions_of(post)[1]
    snapshot = revisions.version_snapshot(older, category_names={})
    assert snapshot.image == "featured/2026/01/harbour.jpg"
    assert snapshot.texts["featured_image_caption"] == "The harbour at dawn"


def test_every_save_raises_the_version(editor, post):
    start = post.version
    edit(post, editor, title="Again")
    post.save(update_fields=["title"])
    assert Post.objects.get(pk=post.pk).version == start + 2


# --- the history and the differences --------------------------------------------------------


def test_history_lists_who_saved_when_and_why(client, editor, post):
    edit(post, editor, comment="Tightened the intro", title="Sanctions, tightened")
    client.force_login(editor)
    html = client.get(reverse("admin:blog_post_history", args=[post.pk])).content.decode()
    assert "Tightened the intro" in html
    assert editor.get_full_name() in html
    assert "Compare with now / restore" in html


def test_history_costs_the_same_with_more_revisions(
    client, editor, post, django_assert_num_queries
):
    client.force_login(editor)
    url = reverse("admin:blog_post_history", args=[post.pk])
    for rounds in (2, 12):
        for i in range(rounds):
            edit(post, editor, comment=f"round {i}", title=f"Title {i}")
        client.get(url)  # content types and the session warm up
        # session, user, permissions (2), post, revision count, the page of revisions, the
        # content generation
        with django_assert_num_queries(8):
            assert client.get(url).status_code == 200


def test_diff_shows_changed_words_escaped(client, editor, post):
    edit(post, editor, title="Sanctions, explained")
    edit(
        post,
        editor,
        title="Sanctions <script>alert(1)</script>",
        body="First line.\nSecond <b>bold</b> line.",
    )
    post.tags.add("trade")
    edit(post, editor, comment="Tags")
    old, new = versions_of(post)[2], versions_of(post)[0]
    client.force_login(editor)
    response = client.get(compare_url(post, old.pk, new.pk))
    html = response.content.decode()
    assert response.status_code == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html
    assert "Second<ins> &lt;b&gt;bold&lt;/b&gt;</ins> line." in html
    assert "<h3>Tags</h3>" in html and "sanctions<ins>, trade</ins>" in html
    assert "<h3>Categories</h3>" not in html  # unchanged fields are only listed
    assert "The same in both:" in html


def test_any_revision_compares_with_the_current_post(client, editor, post):
    edit(post, editor, body="Old body.")
    edit(post, editor, body="New body.")
    oldest = versions_of(post)[-1]
    client.force_login(editor)
    html = client.get(compare_url(post, oldest.pk, "current")).content.decode()
    assert "<del>Old</del>" in html and "<ins>New</ins>" in html
    assert "The post as it is saved now" in html
    assert html.count('value="Restore this revision"') == 1  # the revision, not the post now


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("from=abc&to=current", 400),
        ("from=&to=current", 400),
        ("to=current", 400),
        ("from=99999999999999999999&to=current", 400),
        ("from=-1&to=current", 400),
        ("from=999999&to=current", 404),
    ],
)
def test_hostile_compare_addresses_get_a_clear_answer(client, editor, post, query, status):
    edit(post, editor, title="Once")
    client.force_login(editor)
    url = reverse("admin:blog_post_revision_compare", args=[post.pk])
    assert client.get(f"{url}?{query}").status_code == status


def test_a_revision_of_another_post_is_not_found_here(client, editor, post):
    other = PostFactory()
    edit(other, editor, title="Other")
    edit(post, editor, title="This one")
    foreign = versions_of(other)[0]
    client.force_login(editor)
    assert client.get(compare_url(post, foreign.pk, "current")).status_code == 404
    response = client.post(restore_url(post, foreign), {"expected_version": post.version})
    assert response.status_code == 404
    assert Post.objects.get(pk=post.pk).title == "This one"


def test_authors_never_see_the_history_of_another_authors_draft(client, author, editor):
    draft = PostFactory(author=editor, status=Post.Status.DRAFT, published_at=None)
    edit(draft, editor, body="Secret draft text")
    version = versions_of(draft)[0]
    client.force_login(author)
    assert client.get(compare_url(draft, version.pk, "current")).status_code == 404
    response = client.get(reverse("admin:blog_post_history", args=[draft.pk]))
    assert response.status_code == 302
    assert "Secret draft text" not in client.get(response["Location"]).content.decode()
    assert client.post(restore_url(draft, version)).status_code == 404


# --- restore ----------------------------------------------------------------------------------


def test_restore_saves_the_old_content_as_a_new_revision(client, editor, post):
    edit(post, editor, title="Good title", body="Good body.")
    post.tags.set(["kept"])
    edit(post, editor)
    good = versions_of(post)[0]
    economy = CategoryFactory(name="Economy")
    edit(post, editor, title="Vandalised", body="Bad body.", status=Post.Status.DRAFT)
    post.categories.set([economy])
    post.tags.set(["spam"])
    edit(post, editor)
    before = [v.pk for v in versions_of(post)]
    client.force_login(editor)
    response = client.post(restore_url(post, good), {"expected_version": post.version})
    assert response.status_code == 302
    post.refresh_from_db()
    assert (post.title, post.body) == ("Good title", "Good body.")
    assert list(post.tags.names()) == ["kept"]
    assert [c.name for c in post.categories.all()] == ["Policy"]
    assert post.status == Post.Status.DRAFT  # status is not content: it stays
    assert "<p>Good body.</p>" in post.body_html
    after = versions_of(post)
    assert [v.pk for v in after[1:]] == before  # history kept as it was
    assert after[0].revision.user == editor
    assert after[0].revision.get_comment().startswith("Restored the revision of")
    assert Version.objects.get(pk=good.pk).field_dict["title"] == "Good title"


def test_restore_from_a_stale_page_is_refused(client, editor, post):
    edit(post, editor, title="Old")
    old = versions_of(post)[0]
    edit(post, editor, title="Newer")
    seen = post.version
    edit(post, editor, title="Newest, saved while the page was open")
    client.force_login(editor)
    response = client.post(restore_url(post, old), {"expected_version": seen}, follow=True)
    assert "saved again since you looked" in response.content.decode()
    assert Post.objects.get(pk=post.pk).title == "Newest, saved while the page was open"


def test_restore_needs_the_permission_to_edit_the_post(client, editor, post):
    edit(post, editor, title="Old")
    old = versions_of(post)[0]
    edit(post, editor, title="Current")
    reader = UserFactory(username="reviewer", is_staff=True)
    reader.user_permissions.add(
        *Permission.objects.filter(
            content_type=ContentType.objects.get_for_model(Post),
            codename__in=["view_post", "edit_others_posts"],
        )
    )
    client.force_login(reader)
    html = client.get(compare_url(post, old.pk, "current")).content.decode()
    assert "<del>Old</del>" in html and "<ins>Current</ins>" in html
    assert "Restore this revision" not in html
    assert (
        client.post(restore_url(post, old), {"expected_version": post.version}).status_code == 403
    )
    assert Post.objects.get(pk=post.pk).title == "Current"


def test_restore_only_by_post(client, editor, post):
    edit(post, editor, title="Old")
    client.force_login(editor)
    assert client.get(restore_url(post, versions_of(post)[0])).status_code == 405


def test_an_author_restoring_gets_no_tag_they_may_not_create(client, author, editor, post):
    from taggit.models import Tag

    post.tags.set(["retired-tag"])
    edit(post, author)
    old = versions_of(post)[0]
    post.tags.set([])
    edit(post, author)
    Tag.objects.filter(name="retired-tag").delete()
    client.force_login(author)
    response = client.post(restore_url(post, old), {"expected_version": post.version}, follow=True)
    assert "Left out: tags deleted since then: retired-tag" in response.content.decode()
    assert not Tag.objects.filter(name="retired-tag").exists()


def test_compare_costs_the_same_with_more_tags_and_categories(
    client, editor, post, django_assert_num_queries
):
    client.force_login(editor)
    for size in (2, 12):
        post.tags.set([f"tag {size} {i}" for i in range(size)])
        post.categories.set([CategoryFactory(name=f"Cat {size} {i}") for i in range(size)])
        edit(post, editor, title=f"Size {size}")
        edit(post, editor, title=f"Size {size}, again")
        newest, older = versions_of(post)[:2]
        url = compare_url(post, older.pk, newest.pk)
        client.get(url)  # content types warm up
        # session, user, permissions (2), post, the two versions with their revisions (2),
        # category names, the tag rows and tags of each revision (2), the content generation the
        # cached site identity is keyed by
        with django_assert_num_queries(11):
            assert client.get(url).status_code == 200
