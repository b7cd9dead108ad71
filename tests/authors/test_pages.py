"""What readers see of the authors: the authors page, each author's page, the box under a post."""

import datetime
import re

import pytest
from django.test import override_settings
from django.utils import timezone

from authors.models import AuthorProfile
from core.models import SiteIdentity
from tests.factories import AuthorProfileFactory, PostFactory, UserFactory


def main_of(response) -> str:
    """The page's main column, without the sidebar (whose recent posts name every author)."""
    html = response.content.decode()
    return html.split("<main", 1)[1].split("</main>", 1)[0]


def card_titles(response) -> list[str]:
    return re.findall(r'class="post-card__title"><a href="[^"]*">([^<]*)</a>', main_of(response))


@pytest.fixture
def site(db):
    SiteIdentity.objects.update_or_create(pk=1, defaults={"name": "Policy Ledger"})


@pytest.fixture
def ada(site):
    return AuthorProfileFactory(
        user__username="ada", display_name="Ada Lovelace", bio="Analyst of *engines*."
    ).user


@pytest.fixture
def bob(site):
    return AuthorProfileFactory(user__username="bob", display_name="Bob Idle").user


def test_author_page_shows_bio_and_posts(client, ada):
    PostFactory(title="Encryption and the Law", author=ada)
    html = main_of(client.get("/author/ada/"))
    assert "<h1>Ada Lovelace</h1>" in html
    assert "Analyst of <em>engines</em>." in html
    assert "Encryption and the Law" in html
    assert "has 1 post on Policy Ledger" in html


def test_author_page_lists_only_that_authors_posts_newest_first(client, ada, bob):
    now = timezone.now()
    PostFactory(title="Older", author=ada, published_at=now - datetime.timedelta(days=2))
    PostFactory(title="Newer", author=ada, published_at=now - datetime.timedelta(days=1))
    PostFactory(title="By Bob", author=bob, published_at=now - datetime.timedelta(hours=1))
    assert card_titles(client.get("/author/ada/")) == ["Newer", "Older"]


@override_settings(BLOG_POSTS_PER_PAGE=2)
def test_author_page_is_paginated(client, ada):
    now = timezone.now()
    for n in range(3):
        PostFactory(title=f"Story {n}", author=ada, published_at=now - datetime.timedelta(hours=n))
    assert card_titles(client.get("/author/ada/")) == ["Story 0", "Story 1"]
    assert card_titles(client.get("/author/ada/?page=2")) == ["Story 2"]


def test_author_without_posts_has_a_page_that_says_so(client, bob):
    response = client.get("/author/bob/")
    assert response.status_code == 200
    html = main_of(response)
    assert "Bob Idle has not published anything yet." in html
    assert "Bob Idle has 0 posts on Policy Ledger" in html


def test_author_page_links_the_authors_other_profiles(client, ada):
    profile = ada.profile
    profile.website = "https://ada.example.org/"
    profile.mastodon = "https://mastodon.example/@ada"
    profile.save()
    html = main_of(client.get("/author/ada/"))
    assert '<a href="https://ada.example.org/" rel="me noopener">Website</a>' in html
    assert '<a href="https://mastodon.example/@ada" rel="me noopener">Mastodon</a>' in html
    assert ">GitHub<" not in html  # no link for a profile left empty


def test_unknown_and_deactivated_authors_have_no_page(client, ada, bob):
    assert client.get("/author/nobody/").status_code == 404
    bob.is_active = False
    bob.save()
    assert client.get("/author/bob/").status_code == 404
    assert "Bob Idle" not in main_of(client.get("/authors/"))


def test_usernames_with_dots_and_at_signs_have_pages(client, site):
    profile = AuthorProfileFactory(user__username="ada.l@lab+1", display_name="Ada L.")
    assert profile.get_absolute_url() == "/author/ada.l@lab+1/"
    assert client.get(profile.get_absolute_url()).status_code == 200


def test_authors_page_lists_counts_most_prolific_first(client, ada, bob):
    AuthorProfileFactory(user__username="cy", display_name="Cy Busy")
    for _ in range(2):
        PostFactory(author=UserFactory(username="cy"))
    PostFactory(author=ada)
    html = main_of(client.get("/authors/"))
    names = re.findall(r'<h2><a href="/author/[^/]+/">([^<]*)</a></h2>', html)
    assert names == ["Cy Busy", "Ada Lovelace", "Bob Idle"]
    assert "2 posts ·" in html and "1 post ·" in html and "0 posts ·" in html


def test_author_box_under_a_post_says_singular_for_one_post(client, ada):
    post = PostFactory(author=ada)
    html = client.get(post.get_absolute_url()).content.decode()
    box = html.split('class="author-box"', 1)[1].split("</section>", 1)[0]
    assert "Ada Lovelace has 1 post on Policy Ledger" in box
    assert "Analyst of <em>engines</em>." in box
    assert 'href="/author/ada/"' in box


def test_author_box_under_a_post_says_plural_for_many_posts(client, ada):
    post = PostFactory(author=ada)
    PostFactory(author=ada)
    html = client.get(post.get_absolute_url()).content.decode()
    assert "Ada Lovelace has 2 posts on Policy Ledger" in html


def test_author_box_names_a_new_author_by_their_name_from_the_first_post(client, site):
    user = UserFactory(username="newcomer", first_name="Nora", last_name="Newcomer")
    post = PostFactory(author=user)
    assert AuthorProfile.objects.get(user=user).display_name == "Nora Newcomer"
    html = client.get(post.get_absolute_url()).content.decode()
    box = html.split('class="author-box"', 1)[1].split("</section>", 1)[0]
    assert "Nora Newcomer has 1 post on Policy Ledger" in box
    assert client.get("/author/newcomer/").status_code == 200


def test_author_box_names_an_author_who_has_no_profile_yet(client, site):
    # Accounts made in bulk send no signal: the box falls back to the account name.
    post = PostFactory(author=UserFactory(username="newcomer"))
    AuthorProfile.objects.filter(user=post.author).delete()
    html = client.get(post.get_absolute_url()).content.decode()
    box = html.split('class="author-box"', 1)[1].split("</section>", 1)[0]
    assert "newcomer has 1 post on Policy Ledger" in box
