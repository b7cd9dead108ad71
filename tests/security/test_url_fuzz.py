"""Whatever address or query string anyone types gets a clear answer, never a server error.

Every public URL pattern gets each hostile value in each of its variable parts (overlong, unicode,
NUL, path traversal, SQL fragments, encoded line breaks, huge and negative numbers), every list
page gets hostile query strings (pages, searches, repeated and unknown parameters), archives are
asked for the calendar's first and last years in time zones on both sides of UTC, and every
admin list gets hostile filter, search, sort and page values. The answer is always a page, a
redirect on the site or a 4xx.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import AuthorProfileFactory, CategoryFactory, PostFactory, UserFactory

ANSWERS = {200, 301, 302, 400, 404, 405}

HOSTILE_SEGMENTS = {
    "overlong": "a" * 201,
    "very long": "b" * 5000,
    "japanese": "%E6%97%A5%E6%9C%AC%E8%AA%9E",
    "right-to-left override": "%E2%80%AEgnp.exe",
    "zero-width space": "a%E2%80%8Bb",
    "nul": "%00",
    "embedded nul": "a%00b",
    "dot dot": "..",
    "encoded traversal": "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "backslash traversal": "..%5C..%5Cwindows",
    "sql": "%27%20OR%201%3D1%3BDROP%20TABLE%20blog_post%20--",
    "markup": "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "invalid utf-8": "%E2%28%A1",
    "overlong utf-8": "%C0%AE%C0%AE",
    "line break": "x%0D%0ASet-Cookie:%20injected=1",
    "percent": "%25",
    "huge number": "99999999999999999999",
    "very huge number": "9" * 5000,
    "negative": "-1",
    "zero": "0",
}


class Site:
    def __init__(self):
        self.author = UserFactory(username="writer", is_staff=True, groups=["Authors"])
        AuthorProfileFactory(user=self.author, display_name="Wendy Writer")
        self.category = CategoryFactory(name="Field notes")
        self.posts = [
            PostFactory(title=f"Zebra {n}", author=self.author, categories=[self.category])
            for n in range(3)
        ]
        self.posts[0].tags.add("stripes")
        self.post = self.posts[0]
        when = self.post.published_at
        self.year, self.month = f"{when.year:04d}", f"{when.month:02d}"


@pytest.fixture
def site(db):
    return Site()


# Each public pattern, with its variable parts named; filled with valid values unless fuzzed.
PATTERNS = [
    "/category/{slug}/",
    "/category/{slug}/feed/",
    "/tag/{tag}/",
    "/author/{username}/",
    "/preview/{pk}/",
    "/{year}/",
    "/{year}/{month}/",
    "/{year}/{month}/{slug}/",
    "/ratings/vote/{label}/{pk}/",
]


def valid_parts(site: Site) -> dict:
    return {
        "slug": site.category.slug,
        "tag": "stripes",
        "username": "writer",
        "pk": str(site.post.pk),
        "year": site.year,
        "month": site.month,
        "label": "blog.post",
    }


def slots():
    for pattern in PATTERNS:
        for name in [part.split("}")[0] for part in pattern.split("{")[1:]]:
            yield pytest.param(pattern, name, id=f"{pattern} {name}")


def unclear_answer(response) -> str | None:
    """Why an answer is not a clear one (None when it is): a server error, an unexpected
    status, or a redirect off the site or carrying a line break."""
    if response.status_code not in ANSWERS:
        return f"status {response.status_code}"
    location = response.get("Location", "")
    if "\r" in location or "\n" in location:
        return f"line break in Location {location!r}"
    if location and not (
        location.startswith("http://testserver/")
        or (location.startswith("/") and not location.startswith("//"))
    ):
        return f"redirect off the site {location!r}"
    return None


def unclear_answers(client, requests) -> list[tuple[str, str]]:
    """Send each (label, method, url) and list those that did not get a clear answer."""
    client.raise_request_exception = False
    found = []
    for label, method, url in requests:
        response = client.post(url, {"score": "4"}) if method == "post" else client.get(url)
        problem = unclear_answer(response)
        if problem:
            found.append((label, problem))
    return found


@pytest.mark.parametrize(("pattern", "name"), list(slots()))
def test_hostile_value_in_an_address_gets_a_clear_answer(client, site, pattern, name):
    parts = valid_parts(site)
    if pattern == "/{year}/{month}/{slug}/":
        parts["slug"] = site.post.slug
    methods = ["get", "post"] if pattern.startswith("/ratings/") else ["get"]
    requests = [
        (f"{label} ({method})", method, pattern.format(**{**parts, name: value}))
        for label, value in HOSTILE_SEGMENTS.items()
        for method in methods
    ]
    assert unclear_answers(client, requests) == []


LIST_PAGES = [
    "/",
    "/category/{slug}/",
    "/tag/stripes/",
    "/author/writer/",
    "/authors/",
    "/search/?q=zebra",
    "/top-rated/",
    "/{year}/",
    "/{year}/{month}/",
]

# Every list view paginates through the same code: the full set runs on the home page, the
# page numbers on each of the others.
HOSTILE_QUERIES = {
    "negative page": "page=-1",
    "page zero": "page=0",
    "word page": "page=abc",
    "empty page": "page=",
    "huge page": "page=99999999",
    "enormous page": "page=" + "9" * 5000,
    "fraction page": "page=1.5",
    "last page": "page=last",
    "nul page": "page=1%00",
    "array page": "page[]=1",
    "repeated page": "page=1&page=2&page=-5",
    "unicode digit page": "page=%EF%BC%91",
    "unknown parameters": "utm_source=%3Cscript%3E&format=json&o=-1&debug=1",
    "many parameters": "&".join(f"p{n}=x" for n in range(900)),
    "nul name": "%00=1",
    "line break": "page=1%0D%0ALocation:%20//evil.example",
}
PAGE_QUERIES = ["negative page", "word page", "huge page", "enormous page", "nul page"]

SEARCHES = {
    "empty": "",
    "space": "%20",
    "sql quote": "%27%20OR%201%3D1%20--",
    "percent": "%25",
    "underscore": "_",
    "backslash": "%5C",
    "nul": "%00",
    "nul inside": "zeb%00ra",
    "long": "x" * 10_000,
    "very long": "y" * 100_000,
    "word then bang": "a" * 5000 + "!",
    "quotes": "%22" * 5000,
    "operators": "AND%20OR%20NOT%20" * 1000,
    "emoji": "%F0%9F%8E%89%F0%9F%A6%93",
    "combining": "e%CC%81%CC%81%CC%81" * 200,
    "markup": "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "repeated": "zebra&q=&q=%00",
}


SITEMAP_PAGES = {"word": "abc", "huge": "9" * 30, "enormous": "9" * 5000, "negative": "-1",
                 "nul": "%00"}  # fmt: skip


@pytest.mark.parametrize("page", [*LIST_PAGES, "/search/", "/sitemap.xml"])
def test_hostile_query_string_gets_a_clear_answer(client, site, page):
    if page == "/search/":
        queries = {label: f"q={value}" for label, value in SEARCHES.items()}
    elif page == "/sitemap.xml":
        queries = {label: f"p={value}" for label, value in SITEMAP_PAGES.items()}
    elif page == "/":
        queries = HOSTILE_QUERIES
    else:
        queries = {label: HOSTILE_QUERIES[label] for label in PAGE_QUERIES}
    url = page.format(slug=site.category.slug, year=site.year, month=site.month)
    joiner = "&" if "?" in url else "?"
    requests = [(label, "get", url + joiner + query) for label, query in queries.items()]
    assert unclear_answers(client, requests) == []


@pytest.mark.parametrize("zone", ["UTC", "America/New_York", "Pacific/Kiritimati", "Asia/Tokyo"])
@pytest.mark.parametrize("url", ["/0001/", "/0001/01/", "/9999/", "/9999/12/", "/9999/12/x/"])
def test_first_and_last_years_of_the_calendar_are_not_found(client, site, settings, zone, url):
    """Their archives would start or end outside the dates a computer can hold, in one time zone
    or another; no post is ever published then."""
    settings.TIME_ZONE = zone
    client.raise_request_exception = False
    assert client.get(url).status_code == 404


# -- The admin's lists ----------------------------------------------------------------------------

ADMIN_PARAMETERS = {
    "blog.post": [
        "status__exact", "categories__id__exact", "author__id__exact", "published_at__gte",
        "published_at__lt", "published_at__year", "published_at__month", "published_at__day",
    ],
    "blog.category": [],
    "taggit.tag": [],
    "authors.authorprofile": [],
    "core.siteidentity": [],
    "ratings.vote": [
        "target", "reader", "created_at__gte", "criterion__rating_set__id__exact",
        "created_at__year", "created_at__month", "created_at__day",
    ],
    "ratings.ratingaggregate": [
        "content_type__id__exact", "criterion__rating_set__id__exact", "criterion__id__exact",
    ],
    "ratings.ratingset": [],
    "ratings.ratingrule": ["content_type__id__exact", "access__exact", "rating_set__id__exact"],
    "auth.user": [
        "is_staff__exact", "is_superuser__exact", "is_active__exact", "groups__id__exact",
    ],
    "auth.group": [],
}  # fmt: skip
HOSTILE_VALUES = {
    "nul": "%00",
    "negative": "-1",
    "huge": "99999999999999999999",
    "enormous": "9" * 5000,
    "word": "abc",
    "sql quote": "%27%20OR%201%3D1%20--",
}
COMMON = {
    "search nul": "q=%00",
    "search long": "q=" + "x" * 20_000 + "%22" * 3000,
    "page huge": "p=99999999999999999999",
    "page word": "p=-1abc",
    "sort": "o=99.abc.-x",
    "to field": "_popup=1&_to_field=password%00",
    "unknown lookups": "password__startswith=a&author__password__startswith=a",
}
# The date drill-down once overflowed on years no calendar has (a 500).
IMPOSSIBLE_YEARS = {
    ("blog.post", "published_at__year", "huge"),
    ("ratings.vote", "created_at__year", "huge"),
}


def admin_url(label: str, query: str) -> str:
    app, model = label.split(".")
    return reverse(f"admin:{app}_{model}_changelist") + "?" + query


@pytest.fixture
def owner(client, site):
    client.force_login(UserFactory(username="owner", is_staff=True, is_superuser=True))


def admin_lists():
    for label, parameters in ADMIN_PARAMETERS.items():
        yield pytest.param(label, None, id=f"{label} search, pages, sorting")
        for parameter in parameters:
            yield pytest.param(label, parameter, id=f"{label} {parameter}")


@pytest.mark.parametrize(("label", "parameter"), list(admin_lists()))
def test_hostile_admin_list_parameters_get_a_clear_answer(client, owner, label, parameter):
    if parameter is None:
        queries = COMMON
    else:
        queries = {name: f"{parameter}={value}" for name, value in HOSTILE_VALUES.items()}
    requests = [(name, "get", admin_url(label, query)) for name, query in queries.items()]
    assert unclear_answers(client, requests) == []


@pytest.mark.parametrize(
    "url",
    [
        "/search/?q=%00",
        "/search/?q=zeb%00ra",
        "/?page=1%00",
        "/author/writer/?%00=1",
        "/sitemap.xml?p=%00",
        "/category/a%00b/",
        "/admin/blog/post/?status__exact=%00",
        "/admin/blog/post/%00/change/",
    ],
)
def test_nul_in_an_address_is_refused_with_a_message(client, owner, url):
    """PostgreSQL cannot compare text holding NUL: refused before any lookup is built from it."""
    response = client.get(url)
    assert response.status_code == 400
    assert b"NUL character" in response.content


@pytest.mark.parametrize(("label", "parameter", "value"), sorted(IMPOSSIBLE_YEARS))
def test_admin_date_drill_down_to_an_impossible_year_gets_a_clear_answer(
    client, owner, label, parameter, value
):
    url = admin_url(label, f"{parameter}={HOSTILE_VALUES[value]}")
    assert unclear_answers(client, [(value, "get", url)]) == []
