"""Author profiles in the admin: an author manages their own, Editors manage everyone's."""

import pytest
from django.urls import reverse

from authors.models import AuthorProfile
from tests.factories import AuthorProfileFactory, UserFactory

EMPTY_LINKS = {"website": "", "mastodon": "", "bluesky": "", "linkedin": "", "github": ""}


@pytest.fixture
def other_author(db):
    return UserFactory(username="other", is_staff=True, groups=["Authors"])


def change_url(profile: AuthorProfile) -> str:
    return reverse("admin:authors_authorprofile_change", args=[profile.pk])


def test_author_edits_only_own_profile(client, author, other_author):
    mine = AuthorProfileFactory(user=author, display_name="Me")
    theirs = AuthorProfileFactory(user=other_author, display_name="Them")
    client.force_login(author)
    client.post(change_url(mine), {"display_name": "Me, renamed", "bio": "", **EMPTY_LINKS})
    mine.refresh_from_db()
    assert mine.display_name == "Me, renamed"
    client.post(change_url(theirs), {"display_name": "Hacked", "bio": ""})
    theirs.refresh_from_db()
    assert theirs.display_name == "Them"


def test_author_cannot_move_their_profile_to_another_account(client, author, other_author):
    mine = AuthorProfileFactory(user=author, display_name="Me")
    joined = mine.joined
    client.force_login(author)
    response = client.post(
        change_url(mine),
        {"user": other_author.pk, "joined": "2001-01-01", "display_name": "Me, again",
         "bio": "", **EMPTY_LINKS},
    )  # fmt: skip
    assert response.status_code == 302  # saved, with the read-only fields ignored
    mine.refresh_from_db()
    assert (mine.user, mine.joined, mine.display_name) == (author, joined, "Me, again")


def test_author_without_a_profile_gets_one_to_edit(client, author):
    client.force_login(author)
    response = client.get(reverse("admin:authors_authorprofile_changelist"))
    profile = AuthorProfile.objects.get(user=author)
    assert response.status_code == 302
    assert response["Location"] == change_url(profile)
    assert client.get(response["Location"]).status_code == 200


def test_editor_lists_and_edits_every_profile(client, editor, author, other_author):
    theirs = AuthorProfileFactory(user=other_author, display_name="Them")
    AuthorProfileFactory(user=author, display_name="Me")
    client.force_login(editor)
    listing = client.get(reverse("admin:authors_authorprofile_changelist"))
    assert listing.status_code == 200
    assert "Them" in listing.content.decode() and "Me" in listing.content.decode()
    response = client.post(
        change_url(theirs),
        {"user": other_author.pk, "joined": "2024-05-01", "display_name": "Them, edited",
         "bio": "", **EMPTY_LINKS},
    )  # fmt: skip
    assert response.status_code == 302
    theirs.refresh_from_db()
    assert theirs.display_name == "Them, edited"
