"""The admin's post list: titles with their whole text on hover, authors by their display names,
scheduled posts labelled, one date; a fixed number of queries whatever the number of rows."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from authors.models import AuthorProfile
from blog.models import Post
from tests.factories import AuthorProfileFactory, PostFactory, UserFactory

LIST = reverse("admin:blog_post_changelist")


def test_rows_name_authors_by_display_name(client, editor):
    ada = AuthorProfileFactory(user__username="ada99", display_name="Ada Lovelace").user
    PostFactory(author=ada, title="Engines")
    client.force_login(editor)
    html = client.get(LIST).content.decode()
    assert '<td class="field-author_name">Ada Lovelace</td>' in html
    assert "ada99</td>" not in html


def test_author_without_profile_is_named_by_full_name_then_username(client, editor):
    named = UserFactory(username="gh", first_name="Grace", last_name="Hopper")
    bare = UserFactory(username="anon42", first_name="", last_name="")
    AuthorProfile.objects.filter(user__in=[named, bare]).delete()
    PostFactory(author=named)
    PostFactory(author=bare)
    client.force_login(editor)
    html = client.get(LIST).content.decode()
    assert '<td class="field-author_name">Grace Hopper</td>' in html
    assert '<td class="field-author_name">anon42</td>' in html


def test_long_titles_are_cut_with_the_whole_title_on_hover(client, editor):
    title = "A very long title about export controls " * 4
    PostFactory(title=title.strip())
    client.force_login(editor)
    html = client.get(LIST).content.decode()
    assert f'<span class="post-list-title" title="{title.strip()}">' in html
    assert "blog/admin/post_list.css" in html


def test_scheduled_posts_are_labelled_and_drafts_show_when_edited(client, editor):
    PostFactory(title="Later", published_at=timezone.now() + datetime.timedelta(days=3))
    PostFactory(title="Unfinished", status=Post.Status.DRAFT, published_at=None)
    client.force_login(editor)
    html = client.get(LIST).content.decode()
    assert '<span class="post-state post-state-scheduled">Scheduled</span>' in html
    assert 'class="post-list-edited"' in html


def test_author_filter_lists_display_names(client, editor):
    for username, name in [("ada99", "Ada Lovelace"), ("bab", "Charles Babbage")]:
        PostFactory(author=AuthorProfileFactory(user__username=username, display_name=name).user)
    client.force_login(editor)
    html = client.get(LIST).content.decode()
    choices = html.split("By author", 1)[1].split("</ul>", 1)[0]
    assert "Ada Lovelace</a></li>" in choices
    assert "Charles Babbage</a></li>" in choices
    assert "ada99" not in choices


# The session, the user and their permissions (user, groups) = 4; the review summary (1); the
# filters' choices: categories and authors with their profiles (2); counts, filtered and total
# (2); the page's rows with author and profile joined in (1); the date hierarchy: first and last
# dates, then the days (2); the content generation the cached site identity is keyed by (1).
LIST_QUERIES = 13


@pytest.mark.parametrize("rows", [1, 40])
def test_the_list_costs_a_fixed_number_of_queries(client, editor, django_assert_num_queries, rows):
    authors = [AuthorProfileFactory().user for _ in range(min(rows, 8))]
    for i in range(rows):
        PostFactory(author=authors[i % len(authors)], tags=["a", "b"])
    client.force_login(editor)
    client.get(LIST)  # warm the caches (content types, site identity)
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(LIST)
    assert response.context["cl"].result_count == rows
