"""What pages tell search engines and sharing sites: titles, descriptions, canonical addresses,
OpenGraph and Twitter cards, robots rules, the sitemap; and the post page's share links."""

import datetime
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from blog.models import Post
from core.models import SiteIdentity
from tests.blog.test_pages import png_upload
from tests.factories import AuthorProfileFactory, CategoryFactory, PostFactory
from tests.security.page_scan import leaves_the_site

TRICKY_TITLE = 'Say "no" to </script><script>alert(1)</script> & <b>friends</b>'
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
IMAGE = "{http://www.google.com/schemas/sitemap-image/1.1}"


class Head(HTMLParser):
    """The head's title, metas (by name or property, several values each) and links."""

    def __init__(self):
        super().__init__()
        self.title, self.meta, self.links, self.anchors, self.sources = "", {}, [], [], []
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "title":
            self._in_title = True
        elif tag == "meta" and ("name" in attrs or "property" in attrs):
            key = attrs.get("property") or attrs["name"]
            self.meta.setdefault(key, []).append(attrs["content"])
        elif tag == "link":
            self.links.append(attrs)
        elif tag == "a":
            self.anchors.append(attrs)
        if "src" in attrs:
            self.sources.append(attrs["src"])

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def read(client, url) -> Head:
    response = client.get(url)
    assert response.status_code == 200, url
    head = Head()
    head.feed(response.content.decode())
    return head


def canonical(head: Head) -> str:
    [link] = [link["href"] for link in head.links if link["rel"] == "canonical"]
    return link


@pytest.fixture
def post(db):
    SiteIdentity.objects.update_or_create(pk=1, defaults={"name": "Policy Ledger"})
    ada = AuthorProfileFactory(user__username="ada", display_name="Ada Lovelace").user
    return PostFactory(
        title=TRICKY_TITLE,
        author=ada,
        excerpt='An "excerpt" with <markup> & more.',
        featured_image=png_upload(size=(120, 80)),
        featured_image_alt="A padlock",
        categories=[CategoryFactory(name="Encryption")],
        tags=["backdoors", "crypto wars"],
    )


def test_post_page_tells_sharing_sites_about_the_article(client, post):
    head = read(client, post.get_absolute_url())
    url = "http://testserver" + post.get_absolute_url()
    image = "http://testserver" + post.featured_image.url
    assert head.title == f"{TRICKY_TITLE} — Policy Ledger"
    assert head.meta["description"] == ['An "excerpt" with <markup> & more.']
    assert canonical(head) == url
    expected = {
        "og:site_name": ["Policy Ledger"],
        "og:type": ["article"],
        "og:title": [TRICKY_TITLE],
        "og:description": ['An "excerpt" with <markup> & more.'],
        "og:url": [url],
        "og:image": [image],
        "og:image:width": ["120"],
        "og:image:height": ["80"],
        "og:image:alt": ["A padlock"],
        "twitter:card": ["summary_large_image"],
        "twitter:title": [TRICKY_TITLE],
        "article:published_time": [timezone.localtime(post.published_at).isoformat()],
        "article:author": ["http://testserver/author/ada/"],
        "article:section": ["Encryption"],
        "article:tag": ["backdoors", "crypto wars"],
    }
    assert {key: head.meta.get(key) for key in expected} == expected


def test_titles_and_quotes_never_break_out_of_the_head(client, post):
    html = client.get(post.get_absolute_url()).content.decode()
    head = html.split("</head>", 1)[0]
    assert "<script>alert(1)" not in html
    assert 'content="Say &quot;no&quot; to &lt;/script&gt;&lt;script&gt;' in head


def test_post_without_image_gets_a_summary_card_and_its_body_start(client, db):
    post = PostFactory(excerpt="", body="First words of the body, *emphasised*.\n\nMore.")
    head = read(client, post.get_absolute_url())
    assert head.meta["twitter:card"] == ["summary"]
    assert "og:image" not in head.meta
    assert head.meta["description"] == ["First words of the body, emphasised. More."]
    assert head.meta["og:description"] == head.meta["description"]


def test_long_descriptions_are_cut_at_a_word(client, db):
    post = PostFactory(excerpt="word " * 100)
    [description] = read(client, post.get_absolute_url()).meta["description"]
    assert len(description) <= 160 and description.endswith("word…")


@pytest.mark.parametrize(
    ("url", "title", "description"),
    [
        ("/", "Policy Ledger", "Notes on policy"),
        ("/?page=2", "Latest posts, page 2 — Policy Ledger", "Notes on policy"),
        (
            "/category/policy/",
            "Policy — Policy Ledger",
            "Posts filed under Policy on Policy Ledger.",
        ),
        (
            "/tag/crypto/",
            "Posts tagged crypto — Policy Ledger",
            "Posts tagged crypto on Policy Ledger.",
        ),
        ("/2024/", "Posts of 2024 — Policy Ledger", "Posts published in 2024 on Policy Ledger."),
        (
            "/2024/03/",
            "Posts of March 2024 — Policy Ledger",
            "Posts published in March 2024 on Policy Ledger.",
        ),
        (
            "/2024/03/?page=2",
            "Posts of March 2024, page 2 — Policy Ledger",
            "Posts published in March 2024 on Policy Ledger.",
        ),
        (
            "/author/ada/",
            "Ada Lovelace — Policy Ledger",
            "Ada Lovelace: 12 posts on Policy Ledger.",
        ),
        (
            "/authors/",
            "Authors — Policy Ledger",
            "The authors writing on Policy Ledger, with their number of posts.",
        ),
        ("/tags/", "Tags — Policy Ledger", "Every tag on Policy Ledger, with its number of posts."),
    ],
)
def test_listing_pages_have_their_own_title_and_description(client, db, url, title, description):
    SiteIdentity.objects.update_or_create(
        pk=1, defaults={"name": "Policy Ledger", "description": "Notes on policy"}
    )
    ada = AuthorProfileFactory(user__username="ada", display_name="Ada Lovelace").user
    policy = CategoryFactory(name="Policy")
    for day in range(1, 13):
        when = timezone.make_aware(datetime.datetime(2024, 3, day, 12))
        PostFactory(author=ada, published_at=when, categories=[policy], tags=["crypto"])
    head = read(client, url)
    assert head.title == title
    assert head.meta["description"] == [description]
    assert head.meta["og:title"] == [title.removesuffix(" — Policy Ledger")]
    assert head.meta["og:type"] == ["website"]
    assert head.meta["twitter:card"] == ["summary"]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/?utm_source=news&utm_medium=mail", "/"),
        ("/?page=1&fbclid=x", "/"),
        ("/?page=2&utm_campaign=x", "/?page=2"),
        ("/category/policy/?page=2&ref=x", "/category/policy/?page=2"),
        ("/tag/crypto/?utm_source=x", "/tag/crypto/"),
        ("/2024/03/?page=2", "/2024/03/?page=2"),
        ("/author/ada/?page=2&utm_source=x", "/author/ada/?page=2"),
        ("/tags/?utm_source=x", "/tags/"),
        ("/authors/?utm_source=x", "/authors/"),
    ],
)
def test_canonical_address_is_absolute_and_keeps_only_the_page_number(client, db, url, expected):
    ada = AuthorProfileFactory(user__username="ada").user
    policy = CategoryFactory(name="Policy")
    for day in range(1, 13):
        when = timezone.make_aware(datetime.datetime(2024, 3, day, 12))
        PostFactory(author=ada, published_at=when, categories=[policy], tags=["crypto"])
    head = read(client, url)
    assert canonical(head) == "http://testserver" + expected
    assert head.meta["og:url"] == ["http://testserver" + expected]


def test_preview_is_kept_out_of_search_engines(client, editor):
    draft = PostFactory(status=Post.Status.DRAFT, published_at=None, author=editor)
    client.force_login(editor)
    head = read(client, reverse("blog:post_preview", args=[draft.pk]))
    assert head.meta["robots"] == ["noindex, nofollow"]
    assert not [link for link in head.links if link["rel"] == "canonical"]
    assert "og:url" not in head.meta
    public = PostFactory()
    assert "robots" not in read(client, public.get_absolute_url()).meta


def test_robots_txt_keeps_crawlers_out_of_admin_search_and_previews(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode().splitlines() == [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /search/",
        "Disallow: /preview/",
        "",
        "Sitemap: http://testserver/sitemap.xml",
    ]


def test_sitemap_gives_last_changes_and_images(client, post):
    plain = PostFactory(title="No picture", categories=post.categories.all())
    hidden = PostFactory(status=Post.Status.DRAFT, featured_image=png_upload())
    Post.objects.filter(pk=plain.pk).update(
        updated_at=timezone.make_aware(datetime.datetime(2020, 1, 2, 3, 4, 5))
    )
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    urls = {u.find(f"{SITEMAP}loc").text: u for u in root.findall(f"{SITEMAP}url")}
    assert set(urls) == {
        "http://testserver" + post.get_absolute_url(),
        "http://testserver" + plain.get_absolute_url(),
        "http://testserver/category/encryption/",
    }
    pictured = urls["http://testserver" + post.get_absolute_url()]
    assert [i.text for i in pictured.findall(f"{IMAGE}image/{IMAGE}loc")] == [
        "http://testserver" + post.featured_image.url
    ]
    assert pictured.find(f"{SITEMAP}lastmod").text == post.updated_at.isoformat()
    plain.refresh_from_db()
    # A post last edited before it was published changed, for readers, when it was published.
    assert (
        urls["http://testserver" + plain.get_absolute_url()].find(f"{SITEMAP}lastmod").text
        == timezone.localtime(plain.published_at).isoformat()
    )
    assert urls["http://testserver" + plain.get_absolute_url()].find(f"{IMAGE}image") is None
    category = urls["http://testserver/category/encryption/"]
    newest = max(p.last_changed for p in (post, plain))
    assert category.find(f"{SITEMAP}lastmod").text == timezone.localtime(newest).isoformat()
    assert hidden.featured_image.url not in response.content.decode()


def test_share_links_carry_the_title_and_address_encoded(client, post):
    head = read(client, post.get_absolute_url())
    url = "http://testserver" + post.get_absolute_url()
    shares = {
        a["href"].split("?")[0]: a for a in head.anchors if "share__link" in a.get("class", "")
    }
    assert list(shares) == [
        "mailto:",
        "https://mastodonshare.com/",
        "https://www.linkedin.com/sharing/share-offsite/",
        "https://x.com/intent/tweet",
        "https://www.facebook.com/sharer/sharer.php",
    ]
    params = {base: parse_qs(urlsplit(a["href"]).query) for base, a in shares.items()}
    assert params["mailto:"] == {"subject": [TRICKY_TITLE], "body": [f"{TRICKY_TITLE}\n\n{url}"]}
    assert params["https://mastodonshare.com/"] == {"text": [TRICKY_TITLE], "url": [url]}
    assert params["https://www.linkedin.com/sharing/share-offsite/"] == {"url": [url]}
    assert params["https://x.com/intent/tweet"] == {"text": [TRICKY_TITLE], "url": [url]}
    assert params["https://www.facebook.com/sharer/sharer.php"] == {"u": [url]}
    # Spaces as %20: a mail program reads "+" in a mailto: address as a plus sign.
    assert "+" not in shares["mailto:"]["href"] and "%20" in shares["mailto:"]["href"]
    for base, anchor in shares.items():
        assert anchor["rel"] == "noopener noreferrer nofollow"
        assert anchor.get("target") == (None if base == "mailto:" else "_blank")


def test_post_page_loads_nothing_from_other_sites(client, post):
    response = client.get(post.get_absolute_url())
    head = Head()
    head.feed(response.content.decode())
    assert head.sources and not [src for src in head.sources if leaves_the_site(src)]
    assert not [
        link["href"]
        for link in head.links
        if link["rel"] in ("stylesheet", "preload", "icon") and leaves_the_site(link["href"])
    ]
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "default-src 'self'" in policy


def test_no_share_links_on_a_preview(client, editor):
    draft = PostFactory(status=Post.Status.DRAFT, published_at=None, author=editor)
    client.force_login(editor)
    html = client.get(reverse("blog:post_preview", args=[draft.pk])).content.decode()
    assert "share__link" not in html
