"""Feeds: RSS 2.0 and Atom for the site, a category, a tag and an author, read by a real feed
parser (feedparser) and checked against the formats' rules (required elements, date formats,
unique ids, absolute addresses). They carry the full text (or excerpts, by setting), the
featured image as an enclosure, the source link; answer conditional requests with 304; and 404
for what does not exist."""

import datetime
import email.utils
import re
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import feedparser
import pytest
from django.utils import timezone

from blog.models import Post
from core.models import SiteIdentity
from core.pagecache import content_changed
from tests.blog.test_pages import png_upload
from tests.factories import AuthorProfileFactory, CategoryFactory, PostFactory, UserFactory

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
TRICKY_TITLE = 'Say "no" to </script><script>alert(1)</script> & <b>friends</b>'


@pytest.fixture
def blog(db):
    SiteIdentity.objects.update_or_create(pk=1, defaults={"name": "Policy Ledger"})
    ada = AuthorProfileFactory(user__username="ada", display_name="Ada Lovelace").user
    policy = CategoryFactory(name="Policy")
    pictured = PostFactory(
        title=TRICKY_TITLE,
        author=ada,
        excerpt="Why <backdoors> fail & keep failing.",
        body="Intro **paragraph**.\n\n> Keys under doormats.",
        featured_image=png_upload(),
        source_name="Lawfare",
        source_url="https://example.org/lawfare?a=1&b=2",
        categories=[policy],
        tags=["crypto"],
    )
    plain = PostFactory(
        title="Plain post", author=ada, excerpt="", categories=[policy], tags=["crypto"]
    )
    hidden = [
        PostFactory(title="Draft post", author=ada, status=Post.Status.DRAFT, tags=["crypto"]),
        PostFactory(
            title="Scheduled post",
            author=ada,
            categories=[policy],
            tags=["crypto"],
            published_at=timezone.now() + datetime.timedelta(days=2),
        ),
    ]
    return {"pictured": pictured, "plain": plain, "hidden": hidden}


FEEDS = [
    "/feed/",
    "/category/policy/feed/",
    "/tag/crypto/feed/",
    "/author/ada/feed/",
]
ALL_FEEDS = [*FEEDS, *(url + "rss/" for url in FEEDS)]


def fetch(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, url
    return response


def is_absolute(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


@pytest.mark.parametrize("url", ALL_FEEDS)
def test_every_feed_parses_cleanly_with_its_posts_in_full(client, blog, url):
    response = fetch(client, url)
    rss = url.endswith("/rss/")
    expected_type = "application/rss+xml" if rss else "application/atom+xml"
    assert response["Content-Type"].startswith(expected_type)
    parsed = feedparser.parse(response.content)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == ("rss20" if rss else "atom10")
    assert [e.title for e in parsed.entries] == [TRICKY_TITLE, "Plain post"]
    pictured, plain = parsed.entries
    # The body as HTML, sanitized when saved, with the source's "Read more" link.
    [content] = pictured.content
    assert content.type == "text/html"
    assert "<strong>paragraph</strong>" in content.value
    assert '<a href="https://example.org/lawfare?a=1&amp;b=2">Read more at Lawfare…</a>' in (
        content.value
    )
    # The excerpt as text, whatever it looks like; without one, the body's start.
    assert pictured.summary == (
        "<p>Why &lt;backdoors&gt; fail &amp; keep failing.</p>"
        if rss
        else "Why <backdoors> fail & keep failing."
    )
    assert pictured.summary_detail.type == ("text/html" if rss else "text/plain")
    assert "A paragraph of the post. Another paragraph." in plain.summary
    # The featured image as an enclosure: absolute address, its type and its size.
    [enclosure] = pictured.enclosures
    assert is_absolute(enclosure.href) and enclosure.href.endswith(".png")
    assert enclosure.type == "image/png"
    assert int(enclosure.length) == blog["pictured"].featured_image.size
    assert plain.enclosures == []
    assert pictured.author == "Ada Lovelace"
    assert {t.term for t in pictured.tags} >= {"crypto"}
    for post in blog["hidden"]:
        assert post.title not in response.content.decode()


@pytest.mark.parametrize("url", [u for u in ALL_FEEDS if not u.endswith("/rss/")])
def test_atom_feeds_follow_the_atom_rules(client, blog, url):
    root = ET.fromstring(fetch(client, url).content)
    assert root.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{name}").text, name
    assert RFC3339.match(root.find(f"{ATOM}updated").text)
    self_link = root.find(f"{ATOM}link[@rel='self']").get("href")
    assert self_link == "http://testserver" + url
    entries = root.findall(f"{ATOM}entry")
    ids = [entry.find(f"{ATOM}id").text for entry in entries]
    assert len(set(ids)) == len(ids) == 2
    for entry in entries:
        for name in ("id", "title", "updated", "published", "author"):
            assert entry.find(f"{ATOM}{name}") is not None, name
        for name in ("updated", "published"):
            assert RFC3339.match(entry.find(f"{ATOM}{name}").text)
        assert entry.find(f"{ATOM}title").get("type") in (None, "text")
        assert entry.find(f"{ATOM}summary").get("type") == "text"
        assert entry.find(f"{ATOM}content").get("type") == "html"
        for link in entry.findall(f"{ATOM}link"):
            assert is_absolute(link.get("href")), link.attrib


@pytest.mark.parametrize("url", [u for u in ALL_FEEDS if u.endswith("/rss/")])
def test_rss_feeds_follow_the_rss_rules(client, blog, url):
    root = ET.fromstring(fetch(client, url).content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    for name in ("title", "link", "description"):
        assert channel.find(name).text, name
    assert is_absolute(channel.find("link").text)
    email.utils.parsedate_to_datetime(channel.find("lastBuildDate").text)
    items = channel.findall("item")
    guids = [item.find("guid").text for item in items]
    assert len(set(guids)) == len(guids) == 2
    for item in items:
        assert item.find("title").text and item.find("description").text
        assert is_absolute(item.find("link").text)
        # RFC 822 dates, with a numeric zone
        published = email.utils.parsedate_to_datetime(item.find("pubDate").text)
        assert published.tzinfo is not None
        assert item.find("guid").get("isPermaLink") == "false"
        assert item.find(f"{CONTENT}encoded").text
        enclosure = item.find("enclosure")
        if enclosure is not None:
            assert is_absolute(enclosure.get("url"))
            assert enclosure.get("length").isdigit() and enclosure.get("type") == "image/png"


def test_entry_ids_survive_a_change_of_address(client, blog):
    post = blog["pictured"]
    before = {e.title: e.id for e in feedparser.parse(fetch(client, "/feed/").content).entries}
    post.slug = "a-new-address"
    post.published_at -= datetime.timedelta(days=40)
    post.save()
    after = {e.title: e.id for e in feedparser.parse(fetch(client, "/feed/").content).entries}
    assert before == after


def test_excerpt_only_feeds_leave_the_body_out(client, blog, settings):
    settings.BLOG_FEED_FULL_TEXT = False
    for url in ("/feed/", "/feed/rss/"):
        parsed = feedparser.parse(fetch(client, url).content)
        assert parsed.bozo == 0
        pictured, plain = parsed.entries
        assert "content" not in pictured and "content" not in plain
        assert "Intro" not in fetch(client, url).content.decode()
    rss_item = ET.fromstring(fetch(client, "/feed/rss/").content).find("channel/item[1]")
    description = rss_item.find("description").text
    assert '<a href="https://example.org/lawfare?a=1&amp;b=2">Read more at Lawfare…</a>' in (
        description
    )
    atom = ET.fromstring(fetch(client, "/feed/").content)
    related = atom.find(f"{ATOM}entry[1]/{ATOM}link[@rel='related']")
    assert related.get("href") == "https://example.org/lawfare?a=1&b=2"


@pytest.mark.parametrize(
    "url",
    [
        "/category/no-such-category/feed/",
        "/category/no-such-category/feed/rss/",
        "/tag/no-such-tag/feed/",
        "/tag/no-such-tag/feed/rss/",
        "/author/nobody/feed/",
        "/author/nobody/feed/rss/",
        "/author/gone/feed/",
        "/author/gone/feed/rss/",
    ],
)
def test_feeds_of_what_does_not_exist_are_not_found(client, blog, url):
    AuthorProfileFactory(user=UserFactory(username="gone", is_active=False))
    assert client.get(url).status_code == 404


def test_an_author_feed_lists_only_that_authors_posts(client, blog):
    PostFactory(title="By someone else", tags=["crypto"])
    titles = [e.title for e in feedparser.parse(fetch(client, "/author/ada/feed/").content).entries]
    assert titles == [TRICKY_TITLE, "Plain post"]
    other = feedparser.parse(fetch(client, "/tag/crypto/feed/rss/").content).entries
    assert "By someone else" in [e.title for e in other]


@pytest.mark.parametrize("url", ALL_FEEDS)
def test_unchanged_feed_answers_304_until_a_post_changes(
    client, blog, url, django_assert_max_num_queries
):
    first = fetch(client, url)
    etag, last_modified = first["ETag"], first["Last-Modified"]
    newest = max(p.last_changed for p in (blog["pictured"], blog["plain"]))
    assert email.utils.parsedate_to_datetime(last_modified) == newest.replace(microsecond=0)
    # The 304 is decided before a single post is read.
    with django_assert_max_num_queries(3):
        again = client.get(url, headers={"if-none-match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag
    since = client.get(url, headers={"if-modified-since": last_modified})
    assert since.status_code == 304
    blog["plain"].title = "Plain post, corrected"
    blog["plain"].save()
    changed = client.get(url, headers={"if-none-match": etag, "if-modified-since": last_modified})
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert b"Plain post, corrected" in changed.content


def test_a_post_leaving_the_feed_changes_its_etag(client, blog):
    etag = fetch(client, "/feed/")["ETag"]
    Post.objects.filter(pk=blog["plain"].pk).update(status=Post.Status.DRAFT)
    content_changed()  # a bulk write sends no signal: it says so itself (core.pagecache)
    assert client.get("/feed/", headers={"if-none-match": etag}).status_code == 200


def test_an_empty_feed_is_valid(client, db):
    for url in ("/feed/", "/feed/rss/"):
        parsed = feedparser.parse(fetch(client, url).content)
        assert parsed.bozo == 0 and parsed.entries == []


PAGE_FEEDS = {
    "/": [],
    "/category/policy/": ["/category/policy/feed/"],
    "/tag/crypto/": ["/tag/crypto/feed/"],
    "/author/ada/": ["/author/ada/feed/"],
}


@pytest.mark.parametrize("page", PAGE_FEEDS)
def test_pages_announce_their_feeds_and_the_sites(client, blog, page):
    head = fetch(client, page).content.decode().split("</head>", 1)[0]
    alternate = r'<link rel="alternate" type="([^"]+)" title="([^"]+)" href="([^"]+)">'
    links = re.findall(alternate, head)
    expected = []
    for feed in [*PAGE_FEEDS[page], "/feed/"]:
        expected += [("application/rss+xml", feed + "rss/"), ("application/atom+xml", feed)]
    assert [(kind, href) for kind, _, href in links] == expected
    assert all(title.startswith("Policy Ledger") for _, title, _ in links)
    for kind, _, href in links:
        assert fetch(client, href)["Content-Type"].startswith(kind)
