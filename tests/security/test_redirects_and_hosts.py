"""Every redirect stays on the site, and the site answers only to its own host names.

Redirects: the admin sign-in and sign-out ``next=``, the vote's way back to the post, a moved
post's old address and the trailing-slash redirect are each sent hostile targets (other hosts,
scheme-relative and backslash tricks, script schemes); the browser must land on this site.
Hosts: an unknown ``Host`` is refused before anything is built from it, and forwarding headers
from the client never become the host in absolute links.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode, urlsplit

import pytest
from django.urls import NoReverseMatch, reverse

from blog.models import PostRedirect
from ratings.models import Vote
from tests.factories import CategoryFactory, PostFactory, UserFactory
from tests.security.page_scan import scan_html

SITE = "blog.example.org"
PASSWORD = "correct horse battery staple"

HOSTILE_TARGETS = [
    "https://evil.example/",
    "http://evil.example",
    "//evil.example/",
    "///evil.example/",
    "////evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "\\/evil.example/",
    "/\t/evil.example/",
    " //evil.example/",
    "https:/evil.example/",
    "https:evil.example/",
    "https://testserver.evil.example/",
    "https://testserver@evil.example/",
    "https://evil.example\\@testserver/",
    "https://evil.example%2F@testserver/",
    "javascript:alert(1)",
    "JavaScript://%0aalert(1)",
    "data:text/html,<script>alert(1)</script>",
    "/admin/\"><script>alert('xss1337')</script>",
]


def lands_on_this_site(location: str, host: str = "testserver") -> bool:
    """Where a browser goes: it drops tabs and newlines and reads backslashes as slashes."""
    cleaned = re.sub(r"[\t\n\r]", "", location).strip("\x00\x20").replace("\\", "/")
    if cleaned.startswith("#"):
        return True
    parts = urlsplit(cleaned)
    if parts.scheme:
        return parts.scheme in ("http", "https") and parts.netloc == host
    return cleaned.startswith("/") and not cleaned.startswith("//")


def test_the_oracle_tells_on_site_from_off_site():
    assert lands_on_this_site("/admin/")
    assert lands_on_this_site("http://testserver/x/")
    assert not any(lands_on_this_site(target) for target in HOSTILE_TARGETS[:-1])


@pytest.fixture
def staff(db):
    return UserFactory(username="staffer", is_staff=True, groups=["Editors"])


@pytest.mark.parametrize("target", HOSTILE_TARGETS)
@pytest.mark.parametrize("where", ["form field", "address"])
def test_signing_in_never_sends_the_user_off_site(client, staff, target, where):
    url = reverse("admin:login")
    data = {"username": "staffer", "password": PASSWORD}
    if where == "form field":
        response = client.post(url, {**data, "next": target})
    else:
        page = client.get(url, {"next": target})
        assert page.status_code == 200
        assert scan_html(page.content.decode()).findings == []
        response = client.post(f"{url}?{urlencode({'next': target})}", data)
    assert response.status_code == 302
    assert "_auth_user_id" in client.session
    assert lands_on_this_site(response["Location"]), response["Location"]


@pytest.mark.parametrize("target", HOSTILE_TARGETS)
def test_signed_in_user_opening_the_sign_in_page_stays_on_site(client, staff, target):
    client.force_login(staff)
    response = client.get(reverse("admin:login"), {"next": target})
    assert response.status_code == 302
    assert lands_on_this_site(response["Location"]), response["Location"]


@pytest.mark.parametrize("target", HOSTILE_TARGETS)
def test_signing_out_never_sends_the_user_off_site(client, staff, target):
    client.force_login(staff)
    response = client.post(reverse("admin:logout"), {"next": target})
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert lands_on_this_site(response["Location"]), response["Location"]


@pytest.mark.parametrize("target", HOSTILE_TARGETS)
def test_vote_goes_back_to_its_own_post_whatever_the_request_says(client, db, target):
    post = PostFactory(title="Rated post")
    response = client.post(
        reverse("ratings:vote", args=["blog.post", post.pk]),
        {"score": "4", "next": target, "redirect_to": target, "return": target},
        HTTP_REFERER=target,
    )
    assert response.status_code == 302
    assert response["Location"] == post.get_absolute_url() + "#rating"
    assert Vote.objects.count() == 1


@pytest.mark.parametrize("target", HOSTILE_TARGETS)
def test_refused_vote_links_back_only_to_its_post(client, db, target):
    post = PostFactory(title="Rated post")
    response = client.post(
        reverse("ratings:vote", args=["blog.post", post.pk]),
        {"score": "9", "next": target},
        HTTP_REFERER=target,
    )
    assert response.status_code == 400
    links = re.findall(r'href="([^"]*)"', response.content.decode())
    assert all(lands_on_this_site(link) for link in links), links


def test_moved_and_misdated_posts_redirect_to_their_own_address(client, db):
    post = PostFactory(title="Moved post", categories=[CategoryFactory()])
    PostRedirect.objects.create(old_slug="old-address", post=post)
    own = post.get_absolute_url()
    year, month = own.strip("/").split("/")[:2]
    moved = client.get(f"/{year}/{month}/old-address/")
    assert moved.status_code == 301 and moved["Location"] == own
    wrong_month = "01" if month != "01" else "02"
    misdated = client.get(f"/{year}/{wrong_month}/{post.slug}/")
    assert misdated.status_code == 301 and misdated["Location"] == own


@pytest.mark.parametrize(
    "path",
    [
        "//evil.example",
        "//evil.example/",
        "///evil.example",
        "/\\evil.example",
        "//evil.example/%2e%2e",
        "//evil.example/admin",
        "/%2F%2Fevil.example",
        "/%5Cevil.example",
        "/admin//evil.example",
        "/author//evil.example",
    ],
)
def test_trailing_slash_redirects_never_leave_the_site(client, db, path):
    # PATH_INFO as the server hands it over: the test client would read "//x" as a host.
    response = client.get("/", PATH_INFO=path)
    assert response.status_code in (301, 302, 404)
    if response.status_code in (301, 302):
        assert lands_on_this_site(response["Location"]), response["Location"]


# -- Host header --------------------------------------------------------------------------------

HOSTILE_HOSTS = [
    "evil.example",
    f"{SITE}.evil.example",
    f"evil{SITE}",
    f"{SITE}:80@evil.example",
    f"{SITE}@evil.example",
    f"evil.example#{SITE}",
    f"evil.example/{SITE}",
    f"{SITE} evil.example",
    f"{SITE}\r\nX-Injected: 1",
    "localhost",
    "127.0.0.1",
    "[::1]",
]


@pytest.fixture
def production_hosts(settings):
    settings.ALLOWED_HOSTS = [SITE]


def public_pages(post) -> list[str]:
    return [
        "/",
        post.get_absolute_url(),
        reverse("blog:feed"),
        reverse("sitemap"),
        reverse("authors:list"),
        reverse("blog:search") + "?q=x",
        "/no-such-page/",
        reverse("admin:login"),
    ]


@pytest.mark.parametrize("host", HOSTILE_HOSTS)
def test_unknown_host_is_refused_on_every_page(client, db, production_hosts, host):
    post = PostFactory(title="Hosted post")
    for url in public_pages(post):
        response = client.get(url, HTTP_HOST=host)
        assert response.status_code == 400, (url, response.status_code)
        assert b"evil" not in response.content
    vote = client.post(
        reverse("ratings:vote", args=["blog.post", post.pk]), {"score": "4"}, HTTP_HOST=host
    )
    assert vote.status_code == 400 and not Vote.objects.exists()


@pytest.mark.parametrize("host", HOSTILE_HOSTS[:4])
def test_unknown_host_is_refused_before_the_https_redirect_is_built(
    client, db, production_hosts, settings, host
):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/", HTTP_HOST=host)
    assert response.status_code == 400
    assert "evil" not in response.get("Location", "")


FORWARDING_HEADERS = {
    "HTTP_X_FORWARDED_HOST": "evil.example",
    "HTTP_X_FORWARDED_SERVER": "evil.example",
    "HTTP_X_HOST": "evil.example",
    "HTTP_X_ORIGINAL_HOST": "evil.example",
    "HTTP_FORWARDED": "host=evil.example;proto=https",
}


def test_forwarding_headers_from_the_client_never_become_the_host(client, db, production_hosts):
    post = PostFactory(title="Canonical post", categories=[CategoryFactory()])
    for url in [post.get_absolute_url(), reverse("blog:feed"), reverse("sitemap")]:
        response = client.get(url, HTTP_HOST=SITE, **FORWARDING_HEADERS)
        assert response.status_code == 200
        body = response.content.decode()
        assert "evil.example" not in body
        assert f"http://{SITE}/" in body or f"https://{SITE}/" in body, url


def test_there_is_no_password_reset_whose_links_could_be_poisoned(client, staff):
    """Reset e-mails build their link from the request's host; the site sends none. Adding a
    reset flow must come with a test that its links use only the configured host."""
    for name in ("admin_password_reset", "password_reset", "password_reset_confirm"):
        with pytest.raises(NoReverseMatch):
            reverse(name)
    assert client.get("/admin/password_reset/").status_code in (302, 404)
    assert "password_reset" not in client.get(reverse("admin:login")).content.decode()
