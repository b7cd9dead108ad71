"""The workflow through the real admin, for every role: the post form's buttons, typed
addresses, the bulk actions, deletion, previews, the review queue and the index summary. The
server decides, whatever the browser sends."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from blog.models import Post, PostTransition
from tests.admin_forms import inline_management_data
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db

ROLES = ["contributor", "author", "editor"]


def make(author, status="draft", published_at=None, title="A post"):
    return PostFactory(author=author, status=status, published_at=published_at, title=title)


def published(author, title="Live post"):
    return make(author, "published", timezone.now() - datetime.timedelta(days=1), title)


def change_url(post):
    return reverse("admin:blog_post_change", args=[post.pk])


def form_data(client, url, user, **overrides):
    """The post form as a browser sends it back, with ``overrides``."""
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
        "transition_note": "",
        "schedule_at_0": "",
        "schedule_at_1": "",
        **inline_management_data(client, url),
    }
    if user.has_perm("blog.edit_others_posts"):
        data["author"] = str(overrides.pop("author_pk", user.pk))
    data.update(overrides)
    return data


def save(client, post, user, **overrides):
    url = change_url(post)
    return client.post(url, form_data(client, url, user, **overrides))


def reload(post):
    return Post.objects.get(pk=post.pk)


# --- the post form's buttons, per role -----------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_everyone_writes_and_submits_their_own_draft(client, request, role):
    user = request.getfixturevalue(role)
    client.force_login(user)
    add = reverse("admin:blog_post_add")
    response = client.post(add, form_data(client, add, user, title="New idea"))
    assert response.status_code == 302
    post = Post.objects.get(title="New idea")
    assert (post.author, post.status) == (user, Post.Status.DRAFT)
    response = save(client, post, user, title="New idea, better", _transition="submit")
    assert response.status_code == 302 and response["Location"] == change_url(post)
    post = reload(post)
    assert (post.title, post.status) == ("New idea, better", Post.Status.PENDING)
    assert post.transitions.get().actor == user


@pytest.mark.parametrize(
    ("role", "allowed"), [("contributor", False), ("author", True), ("editor", True)]
)
def test_publishing_own_draft_is_for_authors_and_editors(client, request, role, allowed):
    user = request.getfixturevalue(role)
    post = make(user)
    client.force_login(user)
    response = save(client, post, user, title="Typed before pressing", _transition="publish")
    post = reload(post)
    if allowed:
        assert response.status_code == 302
        assert post.is_public and post.title == "Typed before pressing"
    else:
        assert response.status_code == 200
        html = response.content.decode()
        assert "Contributors cannot publish" in html
        assert 'value="Typed before pressing"' in html  # what was typed is still there
        assert (post.status, post.title) == (Post.Status.DRAFT, "A post")
        assert not PostTransition.objects.exists()


@pytest.mark.parametrize(
    ("role", "allowed"), [("contributor", False), ("author", True), ("editor", True)]
)
def test_scheduling_own_draft_is_for_authors_and_editors(client, request, role, allowed):
    user = request.getfixturevalue(role)
    post = make(user)
    when = timezone.localtime() + datetime.timedelta(days=2)
    client.force_login(user)
    response = save(
        client,
        post,
        user,
        _transition="schedule",
        schedule_at_0=when.strftime("%Y-%m-%d"),
        schedule_at_1="09:30:00",
    )
    post = reload(post)
    if allowed:
        assert response.status_code == 302
        assert post.status == Post.Status.PUBLISHED and post.published_at > timezone.now()
        assert timezone.localtime(post.published_at).strftime("%H:%M") == "09:30"
        changelist = client.get(reverse("admin:blog_post_changelist")).content.decode()
        assert "post-state-scheduled" in changelist and ">Scheduled<" in changelist
    else:
        assert response.status_code == 200
        assert post.status == Post.Status.DRAFT


def test_scheduling_in_the_past_keeps_the_form_and_says_why(client, author):
    post = make(author)
    client.force_login(author)
    response = save(
        client,
        post,
        author,
        body="My typed body",
        _transition="schedule",
        schedule_at_0="2020-01-01",
        schedule_at_1="10:00:00",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "The publication time has passed" in html
    assert "My typed body" in html and 'value="2020-01-01"' in html
    assert reload(post).status == Post.Status.DRAFT


@pytest.mark.parametrize(
    ("role", "status_code"), [("contributor", 403), ("author", 302), ("editor", 302)]
)
def test_editing_own_published_post_is_for_authors_and_editors(client, request, role, status_code):
    user = request.getfixturevalue(role)
    post = published(user)
    client.force_login(user)
    response = save(client, post, user, title="Edited after publication")
    assert response.status_code == status_code
    assert (reload(post).title == "Edited after publication") is (status_code == 302)
    page = client.get(change_url(post)).content.decode()
    if role == "contributor":  # shown read-only, saying why
        assert "You cannot edit this post now that it is published" in page
        assert 'name="_transition"' not in page


@pytest.mark.parametrize(
    ("role", "allowed"), [("contributor", False), ("author", True), ("editor", True)]
)
def test_unpublishing_own_post(client, request, role, allowed):
    user = request.getfixturevalue(role)
    post = published(user)
    client.force_login(user)
    response = save(client, post, user, title=post.title, _transition="unpublish")
    assert response.status_code == (302 if allowed else 403)
    assert (reload(post).status == Post.Status.DRAFT) is allowed


@pytest.mark.parametrize("role", ["contributor", "author"])
def test_anothers_post_is_out_of_reach_by_typed_address(client, request, role, editor):
    user = request.getfixturevalue(role)
    post = make(editor, "pending", title="Editor's pending post")
    client.force_login(user)
    own = make(user)
    data = form_data(client, change_url(own), user, title="Hijacked", _transition="publish")
    response = client.post(change_url(post), data)
    assert response.status_code == 302 and response["Location"] == reverse("admin:index")
    assert reload(post).status == Post.Status.PENDING and reload(post).title != "Hijacked"
    preview = client.get(reverse("blog:post_preview", args=[post.pk]))
    assert preview.status_code == 404


def test_editor_approves_with_publish_now(client, editor, contributor):
    post = make(contributor, "pending", title="Contributed")
    client.force_login(editor)
    page = client.get(change_url(post)).content.decode()
    assert "Save and publish now" in page and "Save and request changes" in page
    assert "Save and withdraw from review" not in page
    response = save(client, post, editor, title="Contributed", author_pk=contributor.pk,
                    _transition="publish")  # fmt: skip
    assert response.status_code == 302
    assert reload(post).is_public
    page = client.get(change_url(post)).content.decode()
    assert "Pending review → Published" in page


def test_editor_requests_changes_and_the_author_reads_the_note(client, editor, contributor):
    post = make(contributor, "pending", title="Contributed")
    client.force_login(editor)
    response = save(client, post, editor, title="Contributed", author_pk=contributor.pk,
                    _transition="request_changes")  # fmt: skip
    assert response.status_code == 200
    assert "Say what should change" in response.content.decode()
    assert reload(post).status == Post.Status.PENDING
    response = save(client, post, editor, title="Contributed", author_pk=contributor.pk,
                    _transition="request_changes",
                    transition_note="Name the <b>source</b> of the figures.")  # fmt: skip
    assert response.status_code == 302
    assert reload(post).status == Post.Status.CHANGES_REQUESTED

    client.force_login(contributor)
    page = client.get(change_url(post)).content.decode()
    assert "Changes requested by" in page
    assert "Name the &lt;b&gt;source&lt;/b&gt; of the figures." in page  # escaped, never markup
    assert "Save and submit for review" in page
    assert save(client, post, contributor, title="Fixed", _transition="submit").status_code == 302
    assert reload(post).status == Post.Status.PENDING


def test_contributor_cannot_request_changes_on_own_pending_post(client, contributor):
    post = make(contributor, "pending")
    client.force_login(contributor)
    response = save(client, post, contributor, _transition="request_changes",
                    transition_note="Approve yourself")  # fmt: skip
    assert response.status_code == 200
    assert "Only editors can send a post back" in response.content.decode()
    assert reload(post).status == Post.Status.PENDING


def test_status_in_the_form_data_is_ignored(client, contributor):
    post = make(contributor)
    client.force_login(contributor)
    response = save(client, post, contributor, status="published", published_at_0="2024-01-01",
                    published_at_1="10:00:00")  # fmt: skip
    assert response.status_code == 302
    assert (reload(post).status, reload(post).published_at) == (Post.Status.DRAFT, None)


def test_unknown_step_is_a_form_error(client, editor):
    post = make(editor)
    client.force_login(editor)
    response = save(client, post, editor, _transition="teleport")
    assert response.status_code == 200
    assert "There is no “teleport” step" in response.content.decode()


def test_a_move_made_meanwhile_by_someone_else_wins_and_the_save_is_refused(
    client, editor, contributor, monkeypatch
):
    post = make(contributor, "pending")
    client.force_login(editor)
    url = change_url(post)
    data = form_data(client, url, editor, author_pk=contributor.pk, _transition="publish")
    # Another editor publishes it between this form's check and its save.
    from blog import forms

    monkeypatch.setattr(forms, "transition_check", lambda **kwargs: None)
    yesterday = timezone.now() - datetime.timedelta(days=1)
    Post.objects.filter(pk=post.pk).update(status=Post.Status.PUBLISHED, published_at=yesterday)
    response = client.post(url, data)
    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("Nothing was saved" in m for m in messages)
    assert reload(post).published_at == yesterday
    assert reload(post).title == "A post"  # the whole save was rolled back
    assert not PostTransition.objects.exists()


# --- bulk actions ----------------------------------------------------------------------------


def run_action(client, action, posts):
    return client.post(
        reverse("admin:blog_post_changelist"),
        {"action": action, "_selected_action": [p.pk for p in posts]},
        follow=True,
    )


def test_contributors_are_not_offered_publishing_actions_and_cannot_force_them(client, contributor):
    post = make(contributor)
    client.force_login(contributor)
    page = client.get(reverse("admin:blog_post_changelist")).content.decode()
    assert "submit_selected" in page
    assert "publish_selected" not in page and "unpublish_selected" not in page
    run_action(client, "publish_selected", [post])
    assert reload(post).status == Post.Status.DRAFT


def test_bulk_publish_goes_through_the_workflow_and_reports_refusals(client, editor, author):
    pending = make(author, "pending", title="Ready")
    draft = make(author, title="Also ready")
    live = published(author, title="Already live")
    client.force_login(editor)
    response = run_action(client, "publish_selected", [pending, draft, live])
    html = response.content.decode()
    assert "Published: 2 post(s)." in html
    assert "Refused 1 post(s), left as they were." in html
    assert "“Already live” is published: it cannot be published." in html
    assert reload(pending).is_public and reload(draft).is_public
    assert PostTransition.objects.filter(action="publish").count() == 2


def test_author_bulk_publishes_own_posts_only(client, author, editor):
    mine = make(author, title="Mine")
    client.force_login(author)
    theirs = make(editor, title="Theirs")
    run_action(client, "publish_selected", [mine, theirs])
    assert reload(mine).is_public
    assert reload(theirs).status == Post.Status.DRAFT  # not even in the author's list


def test_bulk_submit_and_unpublish(client, contributor, editor):
    drafts = [make(contributor, title=f"Draft {i}") for i in range(2)]
    client.force_login(contributor)
    html = run_action(client, "submit_selected", drafts).content.decode()
    assert "Submitted for review: 2 post(s)." in html
    live = published(contributor)
    client.force_login(editor)
    run_action(client, "unpublish_selected", [live])
    assert reload(live).status == Post.Status.DRAFT


@pytest.mark.parametrize(
    ("role", "deleted"), [("contributor", False), ("author", True), ("editor", True)]
)
def test_deleting_own_published_post(client, request, role, deleted):
    user = request.getfixturevalue(role)
    post = published(user)
    client.force_login(user)
    response = client.post(
        reverse("admin:blog_post_changelist"),
        {"action": "delete_selected", "_selected_action": [post.pk], "post": "yes"},
    )
    assert Post.objects.filter(pk=post.pk).exists() is not deleted
    if not deleted:
        assert response.status_code == 403
        url = reverse("admin:blog_post_delete", args=[post.pk])
        assert client.post(url, {"post": "yes"}).status_code == 403


def test_contributor_deletes_own_draft(client, contributor):
    post = make(contributor)
    client.force_login(contributor)
    client.post(reverse("admin:blog_post_delete", args=[post.pk]), {"post": "yes"})
    assert not Post.objects.filter(pk=post.pk).exists()


def test_editor_deletes_anyones_post(client, editor, author):
    post = published(author)
    client.force_login(editor)
    client.post(reverse("admin:blog_post_delete", args=[post.pk]), {"post": "yes"})
    assert not Post.objects.filter(pk=post.pk).exists()


# --- previews, the queue and the summaries ---------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_preview_of_own_post_in_every_state(client, request, role):
    user = request.getfixturevalue(role)
    client.force_login(user)
    for status in ("draft", "changes", "pending"):
        post = make(user, status, title=f"Preview {status}")
        response = client.get(reverse("blog:post_preview", args=[post.pk]))
        assert response.status_code == 200 and f"Preview {status}" in response.content.decode()


def test_staff_without_post_permissions_gets_no_preview(client, contributor, db):
    from tests.factories import UserFactory

    bare = UserFactory(username="bare", is_staff=True)
    post = make(bare)
    client.force_login(bare)
    assert client.get(reverse("blog:post_preview", args=[post.pk])).status_code == 404


def test_review_queue_shows_editors_everything_oldest_first(client, editor, contributor, author):
    now = timezone.now()
    old = make(contributor, "pending", title="Waiting longest")
    new = make(author, "pending", title="Just submitted")
    for post, ago in ((old, datetime.timedelta(days=3)), (new, datetime.timedelta(hours=1))):
        PostTransition.objects.create(
            post=post,
            actor=post.author,
            action="submit",
            from_state="draft",
            to_state="pending",
            created_at=now - ago,
        )
    make(author, "published", now + datetime.timedelta(days=1), title="Coming soon")
    sent_back = make(contributor, "changes", title="Needs work")
    PostTransition.objects.create(
        post=sent_back,
        actor=editor,
        action="request_changes",
        from_state="pending",
        to_state="changes",
        note="Add the sources.",
    )
    make(author, title="Quiet draft")
    client.force_login(editor)
    response = client.get(reverse("admin:blog_post_review"))
    html = response.content.decode()
    assert response.context["title"] == "Review queue"
    assert html.index("Waiting longest") < html.index("Just submitted")
    assert "3\xa0days" in html
    assert "Coming soon" in html and "Needs work" in html and "Add the sources." in html
    assert "Quiet draft" not in html
    assert reverse("blog:post_preview", args=[old.pk]) in html


def test_review_queue_shows_others_only_their_own_posts(client, contributor, author):
    make(contributor, "pending", title="My pending post")
    make(author, "pending", title="Someone else's")
    client.force_login(contributor)
    response = client.get(reverse("admin:blog_post_review"))
    html = response.content.decode()
    assert response.context["title"] == "Your posts in review"
    assert "My pending post" in html and "Someone else's" not in html


def test_review_queue_is_for_staff_with_post_permissions(client, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="bare", is_staff=True))
    assert client.get(reverse("admin:blog_post_review")).status_code == 403
    client.logout()
    response = client.get(reverse("admin:blog_post_review"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_index_and_post_list_show_the_counts(client, editor, contributor):
    make(contributor, "pending")
    make(contributor, "pending")
    make(contributor, "published", timezone.now() + datetime.timedelta(hours=5))
    client.force_login(editor)
    for url in (reverse("admin:index"), reverse("admin:blog_post_changelist")):
        summary = client.get(url).context["review_summary"] if "changelist" in url else None
        html = client.get(url).content.decode()
        assert "Editorial review" in html and "Open the review queue" in html
        assert '<span class="count">2</span> pending review' in html
        assert '<span class="count">1</span> scheduled' in html
        if summary:
            assert summary["pending"] == 2


def test_state_filter_lists_scheduled_posts_and_refuses_unknown_states(client, editor, author):
    make(author, "published", timezone.now() + datetime.timedelta(hours=5), title="Later")
    published(author, title="Now live")
    client.force_login(editor)
    url = reverse("admin:blog_post_changelist")
    html = client.get(url, {"state": "scheduled"}).content.decode()
    assert "Later" in html and "Now live" not in html
    assert client.get(url, {"state": "nonsense"}).status_code == 400
