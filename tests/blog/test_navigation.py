"""How readers find their way: the monthly archive in the sidebar, dates linked to their month,
breadcrumbs (with their schema.org JSON-LD), the tag index and the author's other posts."""

import datetime
import json
import re
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from blog.models import Post
from blog.views import sized_tags
from tests.blog.test_pages import main_of
from tests.factories import AuthorProfileFactory, CategoryFactory, PostFactory

TRICKY_TITLE = 'Say "no" to </script><script>alert(1)</script> & <b>friends</b>'


def at(year, month, day=10, hour=12):
    return timezone.make_aware(datetime.datetime(year, month, day, hour))


def sidebar_of(response) -> str:
    html = response.content.decode()
    return html.split('<aside class="sidebar"', 1)[1].split("</aside>", 1)[0]


def archive_rows(response) -> list[tuple[str, str, int]]:
    widget = sidebar_of(response).split('id="widget-archives"', 1)[1].split("</section>", 1)[0]
    rows = re.findall(r'<li><a href="([^"]+)">([^<]+)</a> <span class="count">\((\d+)\)', widget)
    return [(href, label, int(n)) for href, label, n in rows]


def test_sidebar_archive_counts_published_posts_by_month(client, db):
    for day in (1, 2, 3):
        PostFactory(published_at=at(2024, 3, day))
    PostFactory(published_at=at(2024, 5))
    PostFactory(published_at=at(2024, 5, 2), status=Post.Status.DRAFT)
    PostFactory(published_at=at(2024, 5, 3), status=Post.Status.PENDING)
    PostFactory(published_at=timezone.now() + datetime.timedelta(days=40))  # scheduled
    assert archive_rows(client.get("/")) == [
        ("/2024/05/", "May 2024", 1),
        ("/2024/03/", "March 2024", 3),
    ]
    # Each link leads to the month's archive, listing as many posts as the count says.
    assert main_of(client.get("/2024/03/")).count('class="post-card__title"') == 3


def test_sidebar_archive_follows_a_new_post_at_once(client, db):
    PostFactory(published_at=at(2024, 3))
    assert archive_rows(client.get("/"))[0][2] == 1
    PostFactory(published_at=at(2024, 3, 2))  # saving a post drops the cached sidebar
    assert archive_rows(client.get("/"))[0][2] == 2


def test_sidebar_archive_sums_older_months_by_year(client, db):
    # 14 months from February 2023 to March 2024: the newest 12 one by one (April 2023 on),
    # then 2023 with the whole year's posts, as its archive page lists them.
    when = datetime.date(2023, 2, 1)
    for _ in range(14):
        PostFactory(published_at=at(when.year, when.month))
        when = (when + datetime.timedelta(days=32)).replace(day=1)
    rows = archive_rows(client.get("/"))
    assert [label for _, label, _ in rows[:12]][0] == "March 2024"
    assert rows[11][1] == "April 2023"
    assert rows[12:] == [("/2023/", "2023", 11)]
    assert main_of(client.get("/2023/")).count('class="post-card__title"') == 10  # page 1 of 2


def test_archive_months_are_the_sites_months(client, db, settings):
    settings.TIME_ZONE = "America/New_York"
    # 1 March 2024, 02:00 UTC is still 29 February in New York.
    post = PostFactory(
        published_at=timezone.make_aware(datetime.datetime(2024, 3, 1, 2), datetime.UTC)
    )
    assert archive_rows(client.get("/")) == [("/2024/02/", "February 2024", 1)]
    html = client.get(post.get_absolute_url()).content.decode()
    assert 'class="post-date" href="/2024/02/"' in html


def test_post_dates_link_to_their_month(client, db):
    post = PostFactory(published_at=at(2024, 7, 4))
    for url in ("/", post.get_absolute_url(), "/2024/07/"):
        html = main_of(client.get(url))
        assert re.search(
            r'<a class="post-date" href="/2024/07/"[^>]*><time[^>]*>July 4, 2024', html
        )


class BreadcrumbReader(HTMLParser):
    def __init__(self):
        super().__init__()
        self.crumbs, self.json_ld, self._in_nav, self._script = [], [], False, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "nav" and attrs.get("aria-label") == "Breadcrumb":
            self._in_nav = True
        elif self._in_nav and tag in ("a", "span"):
            self.crumbs.append([attrs.get("href"), ""])
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._script = []

    def handle_endtag(self, tag):
        if tag == "nav":
            self._in_nav = False
        if tag == "script" and self._script is not None:
            self.json_ld.append(json.loads("".join(self._script)))
            self._script = None

    def handle_data(self, data):
        if self._script is not None:
            self._script.append(data)
        elif self._in_nav and self.crumbs:
            self.crumbs[-1][1] += data


def breadcrumbs_of(client, url):
    reader = BreadcrumbReader()
    reader.feed(client.get(url).content.decode())
    [trail] = [block for block in reader.json_ld if block["@type"] == "BreadcrumbList"]
    return [(href, name.strip()) for href, name in reader.crumbs], trail


def test_post_breadcrumbs_lead_home_through_its_category(client, db):
    post = PostFactory(title=TRICKY_TITLE, categories=[CategoryFactory(name="Law & <Order>")])
    crumbs, trail = breadcrumbs_of(client, post.get_absolute_url())
    assert crumbs == [
        ("/", "Home"),
        ("/category/law-order/", "Law & <Order>"),
        (None, TRICKY_TITLE),  # the current page, not a link
    ]
    items = trail["itemListElement"]
    assert [(i["position"], i["name"], i["item"]) for i in items] == [
        (1, "Home", "http://testserver/"),
        (2, "Law & <Order>", "http://testserver/category/law-order/"),
        (3, TRICKY_TITLE, "http://testserver" + post.get_absolute_url()),
    ]
    # The JSON-LD cannot be broken out of: no raw "</script>" or "<" inside it.
    html = client.get(post.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html
    raw = re.search(r'<script type="application/ld\+json">(\{"@context": "https://schema.org", '
                    r'"@type": "BreadcrumbList".*?)</script>', html).group(1)  # fmt: skip
    assert "<" not in raw and ">" not in raw


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/tag/crypto/", [("/", "Home"), ("/tags/", "Tags"), (None, "#crypto")]),
        ("/tags/", [("/", "Home"), (None, "Tags")]),
        ("/2024/", [("/", "Home"), (None, "2024")]),
        ("/2024/03/", [("/", "Home"), ("/2024/", "2024"), (None, "March")]),
        ("/category/policy/", [("/", "Home"), (None, "Policy")]),
        ("/authors/", [("/", "Home"), (None, "Authors")]),
        ("/author/ada/", [("/", "Home"), ("/authors/", "Authors"), (None, "Ada Lovelace")]),
    ],
)
def test_listing_breadcrumbs(client, db, url, expected):
    ada = AuthorProfileFactory(user__username="ada", display_name="Ada Lovelace").user
    PostFactory(
        author=ada,
        published_at=at(2024, 3),
        tags=["crypto"],
        categories=[CategoryFactory(name="Policy")],
    )
    crumbs, trail = breadcrumbs_of(client, url)
    assert crumbs == expected
    assert [i["name"] for i in trail["itemListElement"]] == [name for _, name in expected]
    assert trail["itemListElement"][-1]["item"] == "http://testserver" + url


def test_home_page_has_no_breadcrumbs(client, db):
    PostFactory()
    assert 'aria-label="Breadcrumb"' not in client.get("/").content.decode()


def test_tag_index_lists_every_used_tag_with_its_count_and_size(client, db):
    for i in range(8):
        PostFactory(tags=["common"] + (["middle"] if i < 3 else []) + (["rare"] if i == 0 else []))
    PostFactory(status=Post.Status.DRAFT, tags=["secret", "rare"])
    PostFactory(published_at=timezone.now() + datetime.timedelta(days=1), tags=["rare"])
    html = main_of(client.get("/tags/"))
    tags = re.findall(
        r'<a class="tag-index__tag tag-index__tag--(\d)" href="([^"]+)">#([^<]+)</a> '
        r'<span class="count">(\d+)',
        html,
    )
    assert tags == [
        ("5", "/tag/common/", "common", "8"),
        ("3", "/tag/middle/", "middle", "3"),
        ("1", "/tag/rare/", "rare", "1"),
    ]
    assert "secret" not in html


def test_tag_sizes_spread_on_a_log_scale():
    counts = [1, 2, 4, 8, 16, 1000]
    sizes = [t["size"] for t in sized_tags([{"post_count": n} for n in counts])]
    assert sizes == [1, 1, 2, 2, 3, 5]
    assert [t["size"] for t in sized_tags([{"post_count": 3}, {"post_count": 3}])] == [3, 3]
    assert sized_tags([]) == []


def test_tag_index_without_tags_says_so(client, db):
    assert "No post carries a tag yet." in main_of(client.get("/tags/"))


def test_post_page_links_to_all_posts_by_its_author(client, db):
    ada = AuthorProfileFactory(user__username="ada", display_name="Ada Lovelace").user
    post = PostFactory(author=ada)
    html = main_of(client.get(post.get_absolute_url()))
    assert '<a class="author-box__all" href="/author/ada/">All posts by Ada Lovelace →</a>' in html
    assert '<a rel="author" href="/author/ada/">Ada Lovelace</a>' in html
