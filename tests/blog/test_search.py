"""Search finds what readers mean: stemmed words, tags, authors' names, phrases and exclusions,
ranked by where the words are; never an unpublished post; safe with any text; the index follows
every change to a post, its tags and categories and its author's name."""

import datetime
import io
import random
import re
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection
from django.template import Context
from django.template.loader import get_template
from django.template.loader_tags import BlockNode
from django.urls import reverse
from django.utils import timezone

from blog.checks import search_language_check
from blog.models import Category, Post
from blog.search import (
    MAX_QUERY_LENGTH,
    PostgresBackend,
    SQLiteBackend,
    parse_query,
    search_index_update,
    search_language,
    search_posts,
)
from tests.factories import AuthorProfileFactory, CategoryFactory, PostFactory, UserFactory
from tests.query_budget import FRAME, assert_fixed_cost, grow_content

pytestmark = pytest.mark.django_db


def found(query: str) -> list[str]:
    """Titles of the published posts the query finds, best first (the first hundred)."""
    results = search_posts(parse_query(query), listing=Post.objects.published().for_listing())
    return [post.title for post in results[0:100]]


def main_of(response) -> str:
    html = response.content.decode()
    return html.split("<main", 1)[1].split("</main>", 1)[0]


def result_titles(response) -> list[str]:
    return re.findall(r'class="post-card__title"><a href="[^"]*">([^<]*)</a>', main_of(response))


@pytest.fixture
def ada():
    return AuthorProfileFactory(
        user__username="ada", user__first_name="Ada", user__last_name="L", display_name="Ada Okafor"
    ).user


@pytest.fixture
def blog(ada):
    """A few posts as the readers' complaints describe them."""
    other = AuthorProfileFactory(display_name="Tom Whitford").user
    return {
        "vault": PostFactory(
            title="Keys under doormats",
            author=other,
            body="Lawful access proposals keep coming back.",
            tags=["Encryption"],
        ),
        "gdpr": PostFactory(
            title="Adequacy decisions after Schrems", author=other, body="…", tags=["GDPR"]
        ),
        "botnet": PostFactory(
            title="Who decides?",
            author=ada,
            body="The botnet was taken down by a coalition of police forces.",
        ),
        "takedowns": PostFactory(
            title="Coordinated takedowns", author=other, body="Servers were seized."
        ),
        "takedown": PostFactory(
            title="After the takedown", author=other, body="A single takedown, then silence."
        ),
    }


# --- the readers' complaints ----------------------------------------------------------------------


def test_a_tag_name_finds_the_posts_carrying_it(blog):
    assert found("encryption") == ["Keys under doormats"]
    assert found("GDPR") == ["Adequacy decisions after Schrems"]


def test_an_authors_surname_finds_their_posts(blog):
    assert found("Okafor") == ["Who decides?"]
    assert found("whitford") and "Who decides?" not in found("whitford")


def test_plural_and_singular_find_the_same_posts(blog):
    assert found("botnets") == found("botnet") == ["Who decides?"]
    assert sorted(found("takedowns")) == sorted(found("takedown"))
    assert sorted(found("takedown")) == ["After the takedown", "Coordinated takedowns"]


def test_stop_words_alone_find_nothing_and_say_why(client, blog):
    assert found("the") == found("a") == []
    html = main_of(client.get("/search/", {"q": "the a"}))
    assert "too common to search for" in html
    assert result_titles(client.get("/search/", {"q": "the a"})) == []


def test_stop_words_beside_real_words_are_ignored(blog):
    assert found("the botnets") == ["Who decides?"]


# --- query syntax ---------------------------------------------------------------------------------


@pytest.fixture
def markets():
    PostFactory(title="The zero-day market", body="Brokers sell exploits.")
    PostFactory(title="Markets", body="A day at the market, zero regrets.")
    PostFactory(title="Sanctions and ransomware", body="Ransomware payments meet sanctions.")
    PostFactory(title="Ransomware insurance", body="Insurers pay ransomware crews.")


def test_a_quoted_phrase_finds_the_words_together_only(markets):
    assert found('"zero-day market"') == ["The zero-day market"]
    assert sorted(found("zero day market")) == ["Markets", "The zero-day market"]


def test_a_minus_word_leaves_out_posts_containing_it(markets):
    assert found("ransomware -sanctions") == ["Ransomware insurance"]
    assert found('ransomware -"ransomware payments"') == ["Ransomware insurance"]


def test_or_finds_either_word(markets):
    assert sorted(found("brokers or insurers")) == ["Ransomware insurance", "The zero-day market"]


def test_a_search_of_only_excluded_words_asks_for_a_word(client, markets):
    response = client.get("/search/", {"q": "-ransomware"})
    assert response.status_code == 200
    assert "Add a word to look for" in main_of(response)


# --- ranking --------------------------------------------------------------------------------------


def test_a_title_match_ranks_above_a_body_match(db):
    when = timezone.now() - datetime.timedelta(days=10)
    PostFactory(
        title="Budget notes", body="Nothing about satellites here, or only once: satellites."
    )
    PostFactory(title="Satellites", body="A post.", published_at=when)
    assert found("satellite")[0] == "Satellites"


def test_an_author_or_tag_match_ranks_above_a_body_match(db):
    PostFactory(title="One", body="Written with Okafor in mind.")
    PostFactory(title="Two", author=AuthorProfileFactory(display_name="Grace Okafor").user)
    PostFactory(title="Three", body="Plain.", tags=["Sanctions"])
    PostFactory(title="Four", body="On sanctions, briefly.")
    assert found("okafor")[0] == "Two"
    assert found("sanctions")[0] == "Three"


def test_of_two_equally_relevant_posts_the_newer_comes_first(db):
    now = timezone.now()
    PostFactory(title="Old satellites", published_at=now - datetime.timedelta(days=900))
    PostFactory(title="New satellites", published_at=now - datetime.timedelta(days=2))
    assert found("satellites") == ["New satellites", "Old satellites"]


def test_recency_does_not_outweigh_relevance(db):
    now = timezone.now()
    PostFactory(
        title="Satellite jamming", body="Satellite jamming.", published_at=now - timedelta(900)
    )
    PostFactory(title="Weekly notes", body="Also: satellite.", published_at=now - timedelta(1))
    assert found("satellite jamming")[0] == "Satellite jamming"
    assert found("satellite")[0] == "Satellite jamming"


def timedelta(days):
    return datetime.timedelta(days=days)


# --- never unpublished posts ----------------------------------------------------------------------


def test_drafts_pending_and_scheduled_posts_are_never_found(client, db):
    future = timezone.now() + datetime.timedelta(days=2)
    PostFactory(title="Zebra draft", status=Post.Status.DRAFT, published_at=None)
    PostFactory(title="Zebra pending", status=Post.Status.PENDING, published_at=None)
    PostFactory(title="Zebra scheduled", published_at=future)
    PostFactory(title="Zebra public")
    assert found("zebra") == ["Zebra public"]
    response = client.get("/search/", {"q": "zebra"})
    assert result_titles(response) == ["Zebra public"]
    assert "1 result for “zebra”" in main_of(response)


def test_a_scheduled_post_is_found_once_its_time_comes(db):
    PostFactory(title="Zebra scheduled", published_at=timezone.now() + timedelta(1))
    assert found("zebra") == []
    later = timezone.now() + timedelta(2)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert found("zebra") == ["Zebra scheduled"]


# --- the index follows every change ---------------------------------------------------------------


def test_an_edited_post_is_found_by_its_new_words_only(db):
    post = PostFactory(title="Zebra crossing", body="Stripes.")
    post.title, post.body = "Giraffe crossing", "Spots."
    post.save()
    assert found("zebra") == found("stripes") == []
    assert found("giraffe") == found("spots") == ["Giraffe crossing"]


def test_an_unpublished_post_is_no_longer_found(db):
    post = PostFactory(title="Zebra crossing")
    post.status = Post.Status.DRAFT
    post.save()
    assert found("zebra") == []


def test_a_deleted_post_leaves_the_index(db):
    post = PostFactory(title="Zebra crossing")
    pk = post.pk
    post.delete()
    assert found("zebra") == []
    assert not search_index_update(post_ids=[pk])


def test_retagging_and_refiling_a_post_is_followed(db):
    post = PostFactory(title="Notes", tags=["Zebras"])
    post.tags.set(["Giraffes"])
    assert found("zebras") == []
    assert found("giraffes") == ["Notes"]
    post.categories.set([CategoryFactory(name="Savanna")])
    assert found("savanna") == ["Notes"]
    post.categories.clear()
    assert found("savanna") == []


def test_renamed_and_deleted_tags_and_categories_are_followed(db):
    post = PostFactory(title="Notes", tags=["Zebras"], categories=[CategoryFactory(name="Plains")])
    tag = post.tags.get()
    tag.name = "Okapis"
    tag.save()
    category = Category.objects.get(name="Plains")
    category.name = "Jungle"
    category.save()
    assert found("zebras") == found("plains") == []
    assert found("okapis") == found("jungle") == ["Notes"]
    tag.delete()
    category.delete()
    assert found("okapis") == found("jungle") == []


def test_a_renamed_author_is_found_by_the_new_name(ada):
    PostFactory(title="Notes", author=ada)
    profile = ada.profile
    profile.display_name = "Ada Whitfield"
    profile.save()
    assert found("okafor") == []
    assert found("whitfield") == ["Notes"]


def test_rebuild_command_indexes_posts_written_in_bulk(db):
    author = AuthorProfileFactory(display_name="Bulk Writer").user
    Post.objects.bulk_create(
        [
            Post(title="Bulk zebra", body="x", body_html="<p>Bulk body</p>", author=author,
                 status=Post.Status.PUBLISHED, published_at=timezone.now(), slug="bulk-zebra")
        ]
    )  # fmt: skip
    assert found("zebra") == []
    call_command("rebuild_search_index", "--no-progress", stdout=io.StringIO())
    assert found("zebra") == found("bulk writer") == ["Bulk zebra"]


# --- the page -------------------------------------------------------------------------------------


def test_empty_search_shows_a_page_to_start_from(client, blog):
    response = client.get("/search/", {"q": "   "})
    assert response.status_code == 200
    html = main_of(response)
    assert 'role="search"' in html
    assert "Recent posts" in html and "After the takedown" in html
    assert "Popular tags" in html and "#GDPR" in html
    assert result_titles(response) == []


def test_search_pages_are_kept_out_of_search_engines(client, blog):
    noindex = '<meta name="robots" content="noindex">'
    template = get_template("blog/search.html").template
    blocks = {node.name: node for node in template.nodelist.get_nodes_by_type(BlockNode)}
    assert blocks["robots"].nodelist.render(Context()) == noindex
    base = get_template("base.html").template
    if "robots" in {node.name for node in base.nodelist.get_nodes_by_type(BlockNode)}:
        assert noindex in client.get("/search/", {"q": "botnet"}).content.decode()


def test_snippets_highlight_matched_words_and_escape_the_post_text(client, db):
    PostFactory(
        title="Markup",
        body="Write `<b>zebra</b>` as code, or 1 < 2 & zebra > giraffe, <em>zebra</em>.",
    )
    html = main_of(client.get("/search/", {"q": "zebra"}))
    snippet = re.search(r'<p class="search-snippet">(.*?)</p>', html, re.S).group(1)
    assert "<mark>zebra</mark>" in snippet
    # PostgreSQL's headline leaves tag-like text out; what is shown is escaped.
    assert "1 &lt; 2 &amp;" in snippet
    assert set(re.findall(r"</?([a-z]+)", snippet)) == {"mark"}


def test_results_are_paginated_and_page_links_keep_the_query(client, settings, db):
    settings.BLOG_POSTS_PER_PAGE = 2
    for i in range(5):
        PostFactory(title=f"Zebra {i}")
    response = client.get("/search/", {"q": "zebra &"})
    assert "5 results for “zebra &amp;”" in main_of(response)
    assert "?q=zebra%20%26&amp;page=2" in main_of(response)
    second = client.get("/search/", {"q": "zebra &", "page": 2})
    third = client.get("/search/", {"q": "zebra &", "page": 3})
    titles = result_titles(response) + result_titles(second) + result_titles(third)
    assert sorted(titles) == [f"Zebra {i}" for i in range(5)]
    assert client.get("/search/", {"q": "zebra", "page": 4}).status_code == 404


def test_an_over_long_search_is_cut_with_a_message(client, blog):
    response = client.get("/search/", {"q": "botnet " + "x" * 2000})
    assert response.status_code == 200
    html = main_of(response)
    assert f"only its first {MAX_QUERY_LENGTH} characters" in html
    assert "x" * (MAX_QUERY_LENGTH + 1) not in response.content.decode()


HOSTILE = [
    "x" * 1000,
    "é" * 400 + " 東京 Ω ß",
    '"unbalanced quote',
    '""""""',
    '"' * 3000,
    "' OR 1=1 --",
    "'; DROP TABLE blog_post; --",
    "%",
    "_",
    "\\",
    "NEAR(",
    "NEAR(a b, 2)",
    "a*",
    "*",
    "^",
    ":",
    "title:x",
    "body:botnet",
    "-",
    "--botnet",
    "- -",
    "or",
    "or or or",
    "botnet or",
    "AND OR NOT " * 50,
    "(botnet",
    "botnet)",
    "{title excerpt}: x",
    "\x01\x02 botnet",
    "<script>alert(1)</script>",
    "&amp; <mark>",
    "!botnet & (a | b) <-> c",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_get_a_page_never_an_error(client, blog, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    html = main_of(response)
    assert "<script>alert(1)" not in html
    assert "<mark>" not in html.split('class="search-snippet"')[0]


def test_random_operator_soup_never_fails(client, blog):
    rng = random.Random(7)
    alphabet = [
        '"',
        "-",
        "*",
        "^",
        ":",
        "(",
        ")",
        "OR",
        "or",
        "NOT",
        "AND",
        "NEAR",
        "+",
        " ",
        "botnet",
    ]
    alphabet += ["{", "}", ",", "'", ";", "\\", "é", "\x01"]
    for _ in range(60):
        query = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40)))
        assert client.get("/search/", {"q": query}).status_code == 200, query


def test_fts5_and_websearch_syntax_are_written_from_plain_words_only():
    parsed = parse_query('NEAR( "title:x" -y* a or ^b col:c')
    assert parsed.groups == [[("near",)], [("title", "x")], [("b",)], [("col", "c")]]
    assert parse_query("zebra or the or okapi").groups == [[("zebra",)], [("okapi",)]]
    assert parse_query("zebra or okapi").groups == [[("zebra",), ("okapi",)]]
    assert parsed.excluded == [("y",)]
    assert parsed.ignored == ["a"]
    assert SQLiteBackend.match(parsed) == '("near" AND "title x" AND "b" AND "col c") NOT "y"'
    assert PostgresBackend.websearch(parsed) == 'near "title x" b "col c" -y'


# The count (on PostgreSQL counted with the ranked page), the ranked page with its passages, the
# page's posts, their categories and tags.
SEARCH = 4 if connection.vendor == "postgresql" else 5

# --- fixed cost -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("common", FRAME + SEARCH),
        ("tag3", FRAME + SEARCH),
        # no query: the sidebar's cached lists, nothing more
        ("", FRAME),
        ("the", FRAME),
    ],
)
def test_search_page_costs_the_same_with_more_content(
    client, django_assert_num_queries, query, expected
):
    grow_content(n_posts=12, n_authors=2)
    url = reverse("blog:search") + f"?q={query}"
    assert_fixed_cost(client, django_assert_num_queries, url, expected)
    grow_content(n_posts=30, n_authors=6)
    assert_fixed_cost(client, django_assert_num_queries, url, expected)
    if query == "common":  # on every post: a second page
        assert_fixed_cost(client, django_assert_num_queries, url + "&page=2", expected)


def test_an_author_without_a_profile_is_found_by_their_renamed_user_name(db):
    user = UserFactory(first_name="Ada", last_name="Byron")
    # Accounts get a profile when created; one made in bulk (no signal) has none.
    user.profile.delete()
    user = type(user).objects.get(pk=user.pk)
    PostFactory(title="Notes", author=user)
    assert found("byron") == ["Notes"]
    user.last_name = "Lovelace"
    user.save()
    assert found("byron") == []
    assert found("lovelace") == ["Notes"]


def test_seeded_demo_content_is_searchable(db):
    call_command("seed_demo", "--posts", "12", stdout=io.StringIO())
    post = Post.objects.published().select_related("author").first()
    by_author = found(post.author.last_name)
    assert post.title in by_author
    assert len(by_author) == Post.objects.published().filter(author=post.author).count()
    assert found(post.tags.first().name)


def test_the_search_language_follows_the_setting_or_the_site_language(settings):
    settings.BLOG_SEARCH_LANGUAGE = ""
    settings.LANGUAGE_CODE = "de-ch"
    assert search_language() == "german"
    settings.LANGUAGE_CODE = "xx"
    assert search_language() == "simple"
    settings.BLOG_SEARCH_LANGUAGE = "french"
    assert search_language() == "french"


def test_an_unknown_search_language_is_reported_on_postgresql(settings):
    settings.BLOG_SEARCH_LANGUAGE = "klingon"
    errors = search_language_check(None, databases=["default"])
    if connection.vendor == "postgresql":
        assert [error.id for error in errors] == ["blog.E001"]
    else:
        assert errors == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="stemming languages: PostgreSQL")
def test_posts_are_stemmed_in_the_search_language(settings):
    settings.BLOG_SEARCH_LANGUAGE = "german"
    PostFactory(title="Die Häuser der Stadt", body="Viele Häuser.")
    assert found("Haus") == ["Die Häuser der Stadt"]
    settings.BLOG_SEARCH_LANGUAGE = "english"
    call_command("rebuild_search_index", "--no-progress", stdout=io.StringIO())
    assert found("Haus") == []


# --- PostgreSQL at scale: the bounds of blog_search_page() (migration 0012) -----------------------

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="count and ranking bounds: PostgreSQL"
)


@on_postgresql
def test_past_the_count_cap_the_page_says_more_than_and_pages_stop_there(client, monkeypatch):
    monkeypatch.setattr("blog.search.COUNT_CAP", 4)
    for n in range(6):
        PostFactory(title=f"Zebrafish study {n}")
    PostFactory(title="Zebrafish draft", status=Post.Status.DRAFT, published_at=None)

    response = client.get(reverse("blog:search"), {"q": "zebrafish", "page": 1})

    assert response.status_code == 200
    assert "More than 4 results for" in main_of(response)
    assert response.context["paginator"].count == 4
    results = search_posts(parse_query("zebrafish"), listing=Post.objects.published())
    assert (results.count(), results.more) == (4, True)
    monkeypatch.setattr("blog.search.COUNT_CAP", 6)
    exact = search_posts(parse_query("zebrafish"), listing=Post.objects.published())
    assert (exact.count(), exact.more) == (6, False)
    assert "6 results for" in main_of(client.get(reverse("blog:search"), {"q": "zebrafish"}))


@on_postgresql
def test_with_very_many_matches_relevance_ranks_the_most_recent_ones(monkeypatch):
    now = timezone.now()
    filler = " ".join(["paragraph"] * 120)  # past the words that ranking reads
    for n in range(3):
        PostFactory(
            title=f"Recent note {n}",
            body=f"{filler} lichen",
            published_at=now - datetime.timedelta(days=2 + n),
        )
    PostFactory(title="Lichen", body="Lichen.", published_at=now - datetime.timedelta(days=200))
    recent = ["Recent note 0", "Recent note 1", "Recent note 2"]

    # Few matches: all ranked, the title match first.
    assert found("lichen") == ["Lichen", *recent]
    # More than RANK_CAP matches: the last 30 days hold RANK_CAP of them and are ranked; the older
    # title match follows them, newest first. Paging reaches every match either way.
    monkeypatch.setattr("blog.search.RANK_CAP", 2)
    assert found("lichen") == [*recent, "Lichen"]
    results = search_posts(parse_query("lichen"), listing=Post.objects.published())
    assert results.count() == 4
    assert [post.title for post in results[3:4]] == ["Lichen"]
    assert [post.title for post in results[2:3]] == ["Recent note 2"]
