"""Two people editing one post: the second save based on an older version is not applied; its
author gets a conflict page with both texts and a diff, and may overwrite after seeing it. People
opening a post see who else has it open."""

import datetime
import re
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from blog import revisions
from blog.models import Post, PostAutosave, PostEditingPresence
from tests.admin_forms import post_change_data
from tests.factories import PostFactory, UserFactory


@pytest.fixture
def second_editor(db):
    return UserFactory(
        username="grace", first_name="Grace", last_name="Hopper", is_staff=True, groups=["Editors"]
    )


@pytest.fixture
def post(author):
    return PostFactory(author=author, title="Export controls", body="Opening line.\nClosing line.")


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def change_url(post):
    return reverse("admin:blog_post_change", args=[post.pk])


def carried_form(html: str) -> dict:
    """The hidden fields of the conflict page's "overwrite" form, as the browser sends them."""
    form = html[html.index('name="_overwrite"') - 20000 :]
    form = html[html.rindex("<form", 0, html.index('name="_overwrite"')) :]
    form = form[: form.index("</form>")]
    data: dict[str, list[str]] = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form):
        data.setdefault(unescape(name), []).append(unescape(value))
    return data


def test_a_stale_save_shows_both_texts_and_keeps_the_first(client, editor, second_editor, post):
    first, second = client_for(editor), client_for(second_editor)
    first_form, second_form = first.get(change_url(post)), second.get(change_url(post))
    response = first.post(
        change_url(post), post_change_data(first_form, body="Opening line.\nFirst editor's close.")
    )
    assert response.status_code == 302

    mine = "Opening line, <em>reworded</em>.\nClosing line."
    response = second.post(change_url(post), post_change_data(second_form, body=mine))
    assert response.status_code == 409
    html = response.content.decode()
    assert "Your changes have not been saved yet, and nothing is lost" in html
    assert f"{editor.get_full_name()} saved this post on" in html
    # Their text, the saved text and the difference, all as text.
    assert "<del>First editor&#x27;s close.</del>" in html and "<ins>Closing line.</ins>" in html
    assert "&lt;em&gt;reworded&lt;/em&gt;" in html
    assert "<em>reworded</em>" not in html
    assert "Opening line, &lt;em&gt;reworded&lt;/em&gt;.\nClosing line.</textarea>" in html
    assert "Overwrite with my version" in html and "Reload the saved post" in html
    post.refresh_from_db()
    assert post.body == "Opening line.\nFirst editor's close."

    # Closing the page loses nothing either: the form offers their text back, against the
    # version they opened, so saving it leads to this page again rather than over the first.
    kept = PostAutosave.objects.get(user=second_editor, post=post)
    assert kept.data["body"] == mine
    assert kept.base_version == post.version - 1
    assert "You have unsaved changes from" in second.get(change_url(post)).content.decode()


def test_overwrite_after_the_conflict_saves_mine_and_keeps_theirs_in_history(
    client, editor, second_editor, post
):
    first, second = client_for(editor), client_for(second_editor)
    first_form, second_form = first.get(change_url(post)), second.get(change_url(post))
    first.post(change_url(post), post_change_data(first_form, title="Theirs"))
    conflict = second.post(change_url(post), post_change_data(second_form, title="Mine"))
    data = carried_form(conflict.content.decode())
    assert data["version"] == [str(Post.objects.get(pk=post.pk).version)]

    response = second.post(change_url(post), data)
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.title == "Mine"
    newest, older = list(revisions.post_versions(post))[:2]
    assert newest.revision.user == second_editor
    assert "Saved over a newer version after comparing the two." in newest.revision.get_comment()
    assert older.field_dict["title"] == "Theirs"


def test_the_conflict_page_tells_whose_changes_overwriting_would_undo(
    client, editor, second_editor, post
):
    with revisions.recording(user=editor):
        post.save()  # the version both open is a recorded revision
    first, second = client_for(editor), client_for(second_editor)
    first_form, second_form = first.get(change_url(post)), second.get(change_url(post))
    first.post(change_url(post), post_change_data(first_form, title="Export controls, updated"))
    response = second.post(
        change_url(post), post_change_data(second_form, body="Opening line.\nNew close.")
    )
    html = response.content.decode()
    assert 'Title <span class="post-diff__who post-diff__who--them">changed by others' in html
    assert 'Body <span class="post-diff__who post-diff__who--you">changed by you</span>' in html
    assert "Overwriting also puts back the earlier\n      Title, which only others changed" in html


def test_overwriting_after_yet_another_save_shows_the_conflict_again(
    client, editor, second_editor, post
):
    first, second = client_for(editor), client_for(second_editor)
    first_form, second_form = first.get(change_url(post)), second.get(change_url(post))
    first.post(change_url(post), post_change_data(first_form, title="Theirs"))
    data = carried_form(
        second.post(change_url(post), post_change_data(second_form, title="Mine")).content.decode()
    )
    first.post(change_url(post), post_change_data(first.get(change_url(post)), title="Theirs 2"))
    assert second.post(change_url(post), data).status_code == 409
    assert Post.objects.get(pk=post.pk).title == "Theirs 2"


def test_a_damaged_version_marker_is_shown_not_hidden(client, editor, post):
    client.force_login(editor)
    response = client.post(
        change_url(post), post_change_data(client.get(change_url(post)), version="abc")
    )
    assert response.status_code == 200
    assert "its version marker is not a number" in response.content.decode()


def test_two_saves_in_turn_by_one_person_never_conflict(client, editor, post):
    client.force_login(editor)
    for title in ("One", "Two"):
        response = client.post(
            change_url(post), post_change_data(client.get(change_url(post)), title=title)
        )
        assert response.status_code == 302
    assert Post.objects.get(pk=post.pk).title == "Two"


# --- "X is editing this post" -------------------------------------------------------------------


def test_opening_a_post_others_have_open_names_them(editor, second_editor, post):
    client_for(editor).get(change_url(post))
    html = client_for(second_editor).get(change_url(post)).content.decode()
    assert f"{editor.get_full_name()} is editing this post (opened less than a minute ago)." in html
    own = client_for(editor).get(change_url(post)).content.decode()
    assert f"{second_editor.get_full_name()} is editing this post" in own
    assert f"{editor.get_full_name()} is editing this post" not in own


def test_the_notice_says_how_long_ago_and_ends_without_heartbeat(editor, second_editor, post):
    client_for(editor).get(change_url(post))
    now = timezone.now()
    PostEditingPresence.objects.update(opened_at=now - datetime.timedelta(minutes=7))
    html = client_for(second_editor).get(change_url(post)).content.decode()
    assert "is editing this post (opened 7 minutes ago)." in html
    PostEditingPresence.objects.filter(user=editor).update(
        seen_at=now - datetime.timedelta(minutes=10)
    )
    html = client_for(second_editor).get(change_url(post)).content.decode()
    assert "is editing this post" not in html


def test_heartbeat_keeps_the_notice_and_leaving_ends_it(editor, second_editor, post):
    first = client_for(editor)
    first.get(change_url(post))
    url = reverse("admin:blog_post_editing", args=[post.pk])
    second = client_for(second_editor)
    response = second.post(url, {"event": "heartbeat"})
    assert response.json() == {
        "others": [
            f"{editor.get_full_name()} is editing this post (opened less than a minute ago)."
        ]
    }
    first.post(url, {"event": "leave"})
    assert second.post(url, {"event": "heartbeat"}).json() == {"others": []}


def test_heartbeat_refuses_what_the_form_never_sends(client, author, editor, post):
    url = reverse("admin:blog_post_editing", args=[post.pk])
    client.force_login(editor)
    assert client.get(url).status_code == 405
    assert client.post(url, {"event": "dance"}).status_code == 400
    someone_elses = PostFactory(author=editor, status=Post.Status.DRAFT, published_at=None)
    client.force_login(author)
    other_url = reverse("admin:blog_post_editing", args=[someone_elses.pk])
    assert client.post(other_url, {"event": "heartbeat"}).status_code == 404
    assert not PostEditingPresence.objects.filter(post=someone_elses).exists()


def test_saving_ends_ones_own_notice(editor, second_editor, post):
    first = client_for(editor)
    first.post(change_url(post), post_change_data(first.get(change_url(post)), title="Saved"))
    html = client_for(second_editor).get(change_url(post)).content.decode()
    assert "is editing this post" not in html


def test_change_form_costs_the_same_with_more_editors_and_revisions(
    client, editor, post, django_assert_num_queries
):
    client.force_login(editor)
    url = change_url(post)
    for extra in (1, 6):
        for i in range(extra):
            other = UserFactory(is_staff=True, groups=["Editors"])
            client_for(other).get(url)
            with revisions.recording(user=other):
                post.title = f"Edit {i}"
                post.save()
        client.get(url)  # content types warm up; one's own presence exists
        # The admin's own 11 (session, user, permissions, post, form choices, inlines …) and 4 for
        # not losing edits: own presence refreshed, others editing, own autosave, last revision;
        # 1 for the workflow history shown under the form; 1 for the content generation the
        # cached site identity is keyed by (core.pagecache).
        with django_assert_num_queries(17):
            assert client.get(url).status_code == 200
