"""What each public page shows."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from core.models import SiteIdentity
from tests.factories import AuthorProfileFactory, CategoryFactory, PostFactory


def main_of(response) -> str:
    """The page's main column, without the sidebar."""
    html = response.content.decode()
    return html.split("<main", 1)[1].split("</main>", 1)[0]


def png_upload(name="image.png", size=(60, 40)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def site(db):
    SiteIdentity.objects.update_or_create(
        pk=1, defaults={"name": "Policy Ledger", "tagline": "Security, law and policy"}
    )


@pytest.fixture
def ada(db):
    return AuthorProfileFactory(
        user__username="ada", display_name="Ada Lovelace", bio="Analyst of *engines*."
    ).user


@pytest.fixture
def full_post(site, ada):
    return PostFactory(
        title="Encryption and the Law",
        author=ada,
        excerpt="Why backdoors fail.",
        body="Intro paragraph.\n\n> Keys under doormats.\n>\n> — Abelson et al.",
        featured_image=png_upload(),
        featured_image_caption="A padlock on a server rack",
        featured_image_credit="Wikimedia Commons",
        source_name="Lawfare",
        source_url="https://example.org/lawfare/encryption",
        categories=[CategoryFactory(name="Encryption")],
        tags=["backdoors", "crypto wars"],
    )


def test_post_page_shows_every_part(client, full_post):
    response = client.get(full_post.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 id="post-title">Encryption and the Law</h1>' in html
    assert 'href="/author/ada/"' in html
    assert "<figure" in html and "<figcaption>A padlock on a server rack" in html
    assert "(Source: Wikimedia Commons)" in html
    assert '<footer class="attribution">— Abelson et al.</footer>' in html
    assert ">Read more at Lawfare…</a>" in html
    assert 'href="https://example.org/lawfare/encryption"' in html
    assert 'href="/category/encryption/"' in html
    assert 'href="/tag/backdoors/"' in html
    assert 'alt="A padlock on a server rack"' in html


def test_previous_and_next_posts_are_linked(client, ada):
    now = timezone.now()
    older = PostFactory(title="Older", author=ada, published_at=now - datetime.timedelta(days=3))
    middle = PostFactory(title="Middle", author=ada, published_at=now - datetime.timedelta(days=2))
    newer = PostFactory(title="Newer", author=ada, published_at=now - datetime.timedelta(days=1))
    html = client.get(middle.get_absolute_url()).content.decode()
    assert f'rel="prev" href="{older.get_absolute_url()}"' in html
    assert f'rel="next" href="{newer.get_absolute_url()}"' in html


def test_home_lists_ten_newest_with_pagination(client, ada):
    now = timezone.now()
    for n in range(12):
        PostFactory(
            title=f"Story {n:02d}", author=ada, published_at=now - datetime.timedelta(hours=n)
        )
    first = main_of(client.get("/"))
    assert "Story 00" in first and "Story 09" in first and "Story 10" not in first
    assert 'rel="next" href="?page=2"' in first
    second = main_of(client.get("/?page=2"))
    assert "Story 10" in second and "Story 11" in second and "Story 00" not in second


def test_home_card_shows_date_author_excerpt_thumbnail_and_terms(client, full_post):
    html = client.get("/").content.decode()
    assert "Encryption and the Law" in html
    assert "Ada Lovelace" in html
    assert "Why backdoors fail." in html
    assert 'class="post-card__thumb"' in html
    assert "#backdoors" in html and ">Encryption</a>" in html


def test_site_name_and_tagline_are_editable_without_a_deploy(client, site, full_post):
    assert "Policy Ledger" in client.get("/").content.decode()
    identity = SiteIdentity.objects.get()
    identity.name = "Renamed Ledger"
    identity.save()
    html = client.get(full_post.get_absolute_url()).content.decode()
    assert "Renamed Ledger" in html
    assert "has 1 post on Renamed Ledger" in html


def test_category_and_tag_pages_filter_posts(client, full_post, ada):
    PostFactory(title="Unrelated matter", author=ada)
    category = main_of(client.get("/category/encryption/"))
    assert "Encryption and the Law" in category and "Unrelated matter" not in category
    tag = main_of(client.get("/tag/crypto-wars/"))
    assert "Encryption and the Law" in tag and "Unrelated matter" not in tag


def test_year_and_month_archives(client, ada):
    old = PostFactory(
        title="From 2011",
        author=ada,
        published_at=timezone.make_aware(datetime.datetime(2011, 2, 14, 12)),
    )
    PostFactory(title="From 2012", author=ada,
                published_at=timezone.make_aware(datetime.datetime(2012, 5, 1, 12)))  # fmt: skip
    assert old.get_absolute_url() == f"/2011/02/{old.slug}/"
    year = main_of(client.get("/2011/"))
    assert "From 2011" in year and "From 2012" not in year
    month = client.get(reverse("blog:archive_month", args=[2011, 2])).content.decode()
    assert "February 2011" in month and "From 2011" in month


def test_post_under_wrong_month_redirects_to_its_address(client, full_post):
    response = client.get(f"/1999/01/{full_post.slug}/")
    assert response.status_code == 301
    assert response["Location"] == full_post.get_absolute_url()


def test_search_finds_words_in_title_and_body(client, full_post, ada):
    PostFactory(title="Something else", author=ada, body="Nothing to see")
    html = main_of(client.get("/search/", {"q": "doormats"}))
    assert "Encryption and the Law" in html and "Something else" not in html
    assert "1 result for" in html


def test_feed_lists_published_posts(client, full_post):
    response = client.get("/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    assert b"Encryption and the Law" in response.content


def test_not_found_page_uses_the_site_look(client, site):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html and "Policy Ledger" in html


def test_canonical_address_ignores_the_query_string(client, full_post):
    html = client.get(full_post.get_absolute_url() + "?utm_source=x&page=3").content.decode()
    canonical = f"http://testserver{full_post.get_absolute_url()}"
    assert f'<link rel="canonical" href="{canonical}">' in html
    assert "utm_source" not in html.split("</head>", 1)[0]


def test_post_page_survives_a_lost_image_file(client, full_post):
    # A featured image whose file vanished from storage (restored backup, failed sync) must not
    # break the page: its size comes from the row, not from opening the file.
    full_post.featured_image.storage.delete(full_post.featured_image.name)
    response = client.get(full_post.get_absolute_url())
    assert response.status_code == 200
    assert 'width="60" height="40"' in response.content.decode()
    assert client.get("/").status_code == 200
