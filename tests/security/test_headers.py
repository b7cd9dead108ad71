"""Every public answer carries the protective headers, and production settings add HTTPS-only
transport and cookies.

Public pages (lists, archives, post, author, search, ranking, feeds, sitemap, error pages, the
vote's refusal page) each send a Content-Security-Policy that allows no inline script, and none
of them needs one; each sends nosniff, a Referrer-Policy and frame denial. Production settings,
read from ``config.settings.production`` as a deployment loads them, then turn on HSTS, redirect
plain HTTP, and mark the session, CSRF and reader cookies Secure (and HttpOnly where scripts have
no business reading them).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from ratings.models import Vote
from tests.factories import AuthorProfileFactory, CategoryFactory, PostFactory, UserFactory
from tests.security.page_scan import inline_code

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery staple"


@pytest.fixture
def site(db):
    author = UserFactory(username="writer", is_staff=True, groups=["Authors"])
    AuthorProfileFactory(user=author, display_name="Wendy Writer", bio="Writes **often**.")
    category = CategoryFactory(name="Field notes", description="From the field.")
    post = PostFactory(title="Zebra crossing", author=author, categories=[category],
                       tags=["stripes"], featured_image="featured/2024/01/zebra.png")  # fmt: skip
    PostFactory(title="Older zebra", author=author, categories=[category])
    draft = PostFactory(title="Draft", author=author, status="draft", published_at=None)
    return {"post": post, "category": category, "author": author, "draft": draft}


def published_on(post) -> tuple[int, int]:
    return post.published_at.year, post.published_at.month


def preview(site, client, **kw):
    client.force_login(site["author"])
    return client.get(reverse("blog:post_preview", args=[site["draft"].pk]), **kw)


PAGES = {
    "home": lambda s, c, **kw: c.get("/", **kw),
    "second page": lambda s, c, **kw: c.get("/?page=1", **kw),
    "post": lambda s, c, **kw: c.get(s["post"].get_absolute_url(), **kw),
    "category": lambda s, c, **kw: c.get(s["category"].get_absolute_url(), **kw),
    "tag": lambda s, c, **kw: c.get(reverse("blog:tag", args=["stripes"]), **kw),
    "year archive": lambda s, c, **kw: c.get(
        reverse("blog:archive_year", args=[published_on(s["post"])[0]]), **kw
    ),
    "month archive": lambda s, c, **kw: c.get(
        reverse("blog:archive_month", args=published_on(s["post"])), **kw
    ),
    "author": lambda s, c, **kw: c.get(reverse("authors:detail", args=["writer"]), **kw),
    "tag index": lambda s, c, **kw: c.get(reverse("blog:tag_index"), **kw),
    "authors": lambda s, c, **kw: c.get(reverse("authors:list"), **kw),
    "search": lambda s, c, **kw: c.get(reverse("blog:search"), {"q": "zebra"}, **kw),
    "top rated": lambda s, c, **kw: c.get(reverse("ratings:top_rated"), **kw),
    "not found": lambda s, c, **kw: c.get("/no-such-page/", **kw),
    "vote refused": lambda s, c, **kw: c.post(
        reverse("ratings:vote", args=["blog.post", s["post"].pk]), {"score": "9"}, **kw
    ),
    "preview": preview,
}
FEEDS = {
    "feed": lambda s, c, **kw: c.get(reverse("blog:feed"), **kw),
    "category feed": lambda s, c, **kw: c.get(
        reverse("blog:category_feed", args=[s["category"].slug]), **kw
    ),
    "rss feed": lambda s, c, **kw: c.get(reverse("blog:feed_rss"), **kw),
    "tag feed": lambda s, c, **kw: c.get(reverse("blog:tag_feed_rss", args=["stripes"]), **kw),
    "author feed": lambda s, c, **kw: c.get(reverse("authors:feed", args=["writer"]), **kw),
    "sitemap": lambda s, c, **kw: c.get(reverse("sitemap"), **kw),
    "robots.txt": lambda s, c, **kw: c.get(reverse("robots_txt"), **kw),
}


def policy(response) -> dict[str, list[str]]:
    header = response.get("Content-Security-Policy", "")
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


@pytest.mark.parametrize("name", [*PAGES, *FEEDS])
def test_public_answer_carries_the_protective_headers(client, site, name):
    response = {**PAGES, **FEEDS}[name](site, client)
    assert response.status_code in (200, 400, 404)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] in {"same-origin", "strict-origin-when-cross-origin",
                                           "strict-origin", "no-referrer"}  # fmt: skip
    directives = policy(response)
    scripts = directives.get("script-src", directives.get("default-src"))
    assert scripts, "no script-src in the Content-Security-Policy"
    assert not {"'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:"} & set(scripts)
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] in (["'self'"], ["'none'"])
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]


@pytest.mark.parametrize("name", list(PAGES))
def test_public_page_runs_no_inline_script(client, site, name):
    """What the policy would block must not be needed: the page works under it."""
    response = PAGES[name](site, client)
    assert inline_code(response.content.decode()) == []


def test_the_inline_script_detector_sees_inline_script():
    assert inline_code('<script>alert(1)</script><p onclick="x()">') == [
        "inline <script type=''>",
        "<p onclick='x()'>",
    ]
    assert inline_code('<script src="https://cdn.example/x.js"></script>') != []
    assert inline_code('<script src="/static/x.js"></script>') == []
    assert inline_code('<script type="application/ld+json">{}</script>') == []


@pytest.mark.parametrize("url", ["/admin/", "/admin/login/", "/admin/blog/post/"])
def test_admin_pages_cannot_be_framed_or_sniffed(client, site, url):
    if url != "/admin/login/":
        client.force_login(UserFactory(username="editor", is_staff=True, groups=["Editors"]))
    response = client.get(url)
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


# -- Production settings ------------------------------------------------------------------------

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "x7" * 30 + "-not-a-real-key-but-long-and-random-enough",
    "DJANGO_ALLOWED_HOSTS": "blog.example.org",
}
TRANSPORT_SETTINGS = [
    "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD", "SECURE_PROXY_SSL_HEADER", "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY", "X_FRAME_OPTIONS", "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE", "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY", "CSRF_COOKIE_SAMESITE", "ALLOWED_HOSTS", "MIDDLEWARE", "DEBUG",
]  # fmt: skip
HOST = "blog.example.org"


@pytest.fixture(scope="module")
def production_values() -> dict:
    """The transport and cookie settings exactly as a production process loads them."""
    code = (
        "import json; from django.conf import settings as s;"
        f"print(json.dumps({{k: getattr(s, k) for k in {TRANSPORT_SETTINGS!r}}}))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, **PRODUCTION_ENV},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def production(settings, production_values):
    for name, value in production_values.items():
        setattr(settings, name, value)
    return production_values


def test_production_settings_ask_for_https_everywhere(production):
    assert production["DEBUG"] is False
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SECURE_HSTS_SECONDS"] >= 365 * 24 * 60 * 60
    assert production["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert production["SESSION_COOKIE_SECURE"] is True
    assert production["CSRF_COOKIE_SECURE"] is True
    assert production["SESSION_COOKIE_HTTPONLY"] is True
    assert production["SESSION_COOKIE_SAMESITE"] in ("Lax", "Strict")
    assert production["CSRF_COOKIE_SAMESITE"] in ("Lax", "Strict")
    # Not behind a TLS proxy unless the deployment says so: the header is not believed.
    assert production["SECURE_PROXY_SSL_HEADER"] is None


@pytest.mark.parametrize("name", ["home", "post", "not found", "vote refused"])
def test_production_answers_over_https_carry_hsts(client, site, production, name):
    response = PAGES[name](site, client, secure=True, HTTP_HOST=HOST)
    hsts = response["Strict-Transport-Security"]
    assert f"max-age={production['SECURE_HSTS_SECONDS']}" in hsts
    assert "includeSubDomains" in hsts
    assert "Content-Security-Policy" in response


@pytest.mark.parametrize(
    "headers",
    [{}, {"HTTP_X_FORWARDED_PROTO": "https"}, {"HTTP_X_FORWARDED_SSL": "on"}],
    ids=["plain", "client claims https (proto)", "client claims https (ssl)"],
)
def test_production_sends_plain_http_to_https(client, site, production, headers):
    response = client.get(site["post"].get_absolute_url(), HTTP_HOST=HOST, **headers)
    assert response.status_code == 301
    assert response["Location"] == f"https://{HOST}{site['post'].get_absolute_url()}"
    assert "Strict-Transport-Security" not in response


def cookie_flags(response, name: str) -> dict:
    morsel = response.cookies[name]
    return {
        "secure": bool(morsel["secure"]),
        "httponly": bool(morsel["httponly"]),
        "samesite": morsel["samesite"],
    }


def test_production_sign_in_cookies_are_https_only(client, site, production):
    UserFactory(username="editor", is_staff=True, groups=["Editors"])
    client.defaults.update(HTTP_HOST=HOST)
    page = client.get(reverse("admin:login"), secure=True)
    assert cookie_flags(page, "csrftoken") == {
        "secure": True,
        "httponly": production["CSRF_COOKIE_HTTPONLY"],
        "samesite": production["CSRF_COOKIE_SAMESITE"],
    }
    response = client.post(
        reverse("admin:login"),
        {"username": "editor", "password": PASSWORD, "next": "/admin/"},
        secure=True,
    )
    assert response.status_code == 302
    assert cookie_flags(response, "sessionid") == {
        "secure": True,
        "httponly": True,
        "samesite": production["SESSION_COOKIE_SAMESITE"],
    }


def test_production_reader_cookie_is_https_only_and_hidden_from_scripts(client, site, production):
    client.defaults.update(HTTP_HOST=HOST)
    response = client.post(
        reverse("ratings:vote", args=["blog.post", site["post"].pk]), {"score": "4"}, secure=True
    )
    assert response.status_code == 302 and Vote.objects.count() == 1
    assert cookie_flags(response, "rating_reader") == {
        "secure": True,
        "httponly": True,
        "samesite": "Lax",
    }
