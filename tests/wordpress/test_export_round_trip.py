import datetime
import io
import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils.html import strip_tags
from taggit.models import Tag

from authors.models import AuthorProfile
from blog.models import Category, Post
from images.models import Image
from ratings.models import RatingAggregate, RatingRule, RatingSet, Vote
from related.models import RelatedPostOverride
from tests.wordpress.test_gdsr import CSV
from wordpress import wxr
from wordpress.gdsr import GDSRImport
from wordpress.models import ImportedItem, OldAddress

pytestmark = pytest.mark.django_db


def snapshot() -> dict:
    """Everything a reader or an editor would notice, without database ids."""
    users = dict(get_user_model().objects.values_list("pk", "username"))
    slugs = dict(Post.objects.values_list("pk", "slug"))

    def reader(key):
        # Readers who are not users get an id of the export's own: compared by how many.
        return f"user:{users[int(key[2:])]}" if key.startswith("u:") else "visitor"

    posts = {}
    for p in Post.objects.select_related("author", "featured").prefetch_related(
        "categories", "tags"
    ):
        posts[p.slug] = {
            "title": p.title,
            "status": p.status,
            "published_at": p.published_at,
            "author": p.author.username,
            "excerpt": p.excerpt,
            "text": " ".join(strip_tags(p.body_html).split()),
            "figures": p.body_html.count("<figure"),
            "figure_alts": re.findall(r'<figure>.*?alt="([^"]*)"', p.body_html, re.S),
            "source": (p.source_name, p.source_url),
            "categories": sorted(c.slug for c in p.categories.all()),
            "tags": sorted(t.name for t in p.tags.all()),
            "featured": (p.featured.width, p.featured.height) if p.featured else None,
            "featured_text": (p.image_alt, p.image_caption, p.image_credit),
        }
    return {
        "posts": posts,
        "authors": sorted(
            (
                pr.user.username,
                pr.user.email,
                pr.display_name,
                pr.bio,
                tuple(sorted(pr.user.groups.values_list("name", flat=True))),
            )
            for pr in AuthorProfile.objects.select_related("user")
            if Post.objects.filter(author=pr.user).exists()
        ),
        "categories": sorted(Category.objects.values_list("slug", "name", "description")),
        "category_parents": sorted(
            (Category.objects.get(pk=i.object_id).slug, i.data.get("parent"))
            for i in ImportedItem.objects.filter(kind="category")
        ),
        "tags": sorted(Tag.objects.values_list("slug", "name")),
        "votes": sorted(
            (
                slugs[v.object_id],
                v.criterion.rating_set.name,
                v.criterion.key,
                reader(v.reader_key),
                v.score,
            )
            for v in Vote.objects.select_related("criterion__rating_set")
        ),
        "visitors": Vote.objects.exclude(reader_key__startswith="u:")
        .values("reader_key")
        .distinct()
        .count(),
        "aggregates": sorted(
            (slugs[a.object_id], a.criterion.rating_set.name, a.criterion.key, a.count, a.total)
            for a in RatingAggregate.objects.select_related("criterion__rating_set")
            if a.count
        ),
        "pins": sorted(
            (slugs[o.post_id], slugs[o.other_id], o.kind) for o in RelatedPostOverride.objects.all()
        ),
        "old_addresses": sorted(OldAddress.objects.values_list("path", "post__slug")),
    }


def empty_the_site() -> None:
    Vote.objects.all().delete()
    RatingAggregate.objects.all().delete()
    RatingRule.objects.all().delete()
    RatingSet.objects.filter(is_default=False).delete()
    RelatedPostOverride.objects.all().delete()
    Post.objects.all().delete()
    Image.objects.all().delete()
    Category.objects.all().delete()
    Tag.objects.all().delete()
    ImportedItem.objects.all().delete()
    get_user_model().objects.all().delete()
    assert not Post.objects.exists()


@pytest.fixture
def full_site(run_import, uploads, settings):
    settings.RATINGS_MAX_SCORE = 10
    run_import(uploads=uploads)
    GDSRImport(**CSV).run()
    law = Post.objects.get(slug="encryption-and-the-law")
    law.source_name, law.source_url = "EFF", "https://www.eff.org/"
    law.save()
    ImportedItem.objects.filter(kind="post", object_id=law.pk).update(version=law.version)
    RelatedPostOverride.objects.create(
        post=law, other=Post.objects.get(slug="block-editor-post"), kind="pin"
    )


def test_export_then_import_into_an_empty_site_gives_the_same_blog(full_site, tmp_path):
    before = snapshot()
    assert (
        before["votes"] and before["pins"] and before["posts"]["encryption-and-the-law"]["featured"]
    )
    out = tmp_path / "export" / "blog.xml"
    call_command(
        "export_blog", str(out), "--site-url", "https://blog.example.org",
        "--uploads", str(tmp_path / "export-uploads"), stdout=io.StringIO(),
    )  # fmt: skip
    empty_the_site()
    call_command(
        "import_wordpress", str(out), "--uploads", str(tmp_path / "export-uploads"),
        stdout=io.StringIO(),
    )  # fmt: skip
    after = snapshot()
    for key in before:
        assert after[key] == before[key], key


def test_export_is_a_wordpress_export_with_authors_terms_posts_and_attachments(full_site, tmp_path):
    out = tmp_path / "blog.xml"
    call_command("export_blog", str(out), "--site-url", "https://blog.example.org",
                 stdout=io.StringIO())  # fmt: skip
    with out.open("rb") as stream:
        things = list(wxr.read(stream))
    site = next(t for t in things if isinstance(t, wxr.Site))
    assert site.wxr_version == "1.2" and site.base_site_url == "https://blog.example.org"
    authors = [t for t in things if isinstance(t, wxr.Author)]
    assert {a.login for a in authors} == {"ada", "grace.h"}
    categories = {
        t.slug: t.parent_slug for t in things if isinstance(t, wxr.Term) and t.kind == "category"
    }
    assert categories["encryption"] == "policy"
    items = [t for t in things if isinstance(t, wxr.Item)]
    posts = {i.post_name: i for i in items if i.post_type == "post"}
    law = posts["encryption-and-the-law"]
    assert law.status == "publish" and law.creator == "ada"
    assert law.post_date_gmt == "2019-03-05 13:58:01"
    assert law.content.startswith("<!-- wp:html -->")
    assert "https://blog.example.org/media/" in law.content
    assert ("category", "encryption", "Encryption") in law.terms
    assert posts["election-security-2099"].status == "future"
    assert posts["waiting-for-the-editor"].status == "pending"
    attachments = {i.wp_id: i for i in items if i.post_type == "attachment"}
    featured = attachments[int(law.meta["_thumbnail_id"])]
    assert featured.attachment_url.startswith("https://blog.example.org/media/images/")
    assert featured.meta["_wp_attachment_image_alt"] == "Fishing boats moored in a grey harbour"
    assert featured.excerpt == "Fishing boats leave at dawn (Source: Jane Doe)"
    side = (tmp_path / "blog.jsonl").read_text()
    assert '"type": "vote"' in side and "203.0.113" not in side
    assert Vote.objects.first().ip_hash not in side


def test_the_export_holds_no_address_nor_any_hash_of_one(full_site, tmp_path):
    from ratings.readers import ip_hash

    log = (CSV["log"]).read_text().splitlines()[1:]
    addresses = sorted({line.split("\t")[8] for line in log})
    hashes = {ip_hash(a) for a in addresses}
    hashes |= set(Vote.objects.exclude(ip_hash="").values_list("ip_hash", flat=True))
    assert Vote.objects.filter(reader_key__startswith="a:ip-").exists()
    out = tmp_path / "blog.xml"
    call_command("export_blog", str(out), "--site-url", "https://blog.example.org",
                 stdout=io.StringIO())  # fmt: skip
    exported = out.read_text() + (tmp_path / "blog.jsonl").read_text()
    for address in addresses:
        assert address not in exported
    for digest in hashes:
        # Not the hash, nor any piece of it long enough to match one.
        pieces = {digest[i : i + 12] for i in range(len(digest) - 11)}
        assert not any(piece in exported for piece in pieces), digest
    readers = [
        r["reader"]
        for r in map(json.loads, (tmp_path / "blog.jsonl").read_text().splitlines())
        if r["type"] == "vote"
    ]
    assert all(r.startswith(("user:", "a:visitor-")) for r in readers)
    # A second export names the same readers differently: ids of one export only.
    again = tmp_path / "again.xml"
    call_command("export_blog", str(again), "--site-url", "https://blog.example.org",
                 stdout=io.StringIO())  # fmt: skip
    visitors = {r for r in readers if r.startswith("a:")}
    assert visitors and not visitors & set(
        re.findall(r"a:visitor-\w+", again.with_suffix(".jsonl").read_text())
    )


def test_exporting_writes_nothing_to_the_database(
    full_site, tmp_path, django_assert_max_num_queries
):
    count = Post.objects.count()
    call_command("export_blog", str(tmp_path / "x.xml"), "--site-url", "https://blog.example.org",
                 stdout=io.StringIO())  # fmt: skip
    assert Post.objects.count() == count


def test_importing_the_export_twice_changes_nothing(full_site, tmp_path):
    out = tmp_path / "blog.xml"
    call_command("export_blog", str(out), "--uploads", str(tmp_path / "up"),
                 "--site-url", "https://blog.example.org", stdout=io.StringIO())  # fmt: skip
    empty_the_site()
    call_command(
        "import_wordpress", str(out), "--uploads", str(tmp_path / "up"), stdout=io.StringIO()
    )
    first = snapshot()
    versions = sorted(Post.objects.values_list("slug", "version"))
    report = io.StringIO()
    call_command("import_wordpress", str(out), "--uploads", str(tmp_path / "up"), stdout=report)
    assert snapshot() == first
    assert sorted(Post.objects.values_list("slug", "version")) == versions
    assert "posts: 0 created, 0 updated, 9 unchanged" in report.getvalue(), report.getvalue()


def test_the_export_needs_the_sites_address_and_says_so(full_site, tmp_path):
    out = tmp_path / "blog.xml"
    with pytest.raises(CommandError, match="--site-url https://blog.example.org.*fetches"):
        call_command("export_blog", str(out), stdout=io.StringIO())
    with pytest.raises(CommandError, match="must be the site's address"):
        call_command("export_blog", str(out), "--site-url", "blog.example.org")
    assert not out.exists() and not out.with_suffix(".jsonl").exists()


def test_an_unwritable_destination_is_a_clear_error(full_site, tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    with pytest.raises(CommandError, match="Cannot write the export to .*a-file"):
        call_command("export_blog", str(tmp_path / "a-file" / "blog.xml"),
                     "--site-url", "https://blog.example.org")  # fmt: skip


def test_links_and_pictures_are_full_addresses_and_pictures_keep_their_upload_date(
    full_site, tmp_path
):
    out = tmp_path / "blog.xml"
    call_command("export_blog", str(out), "--site-url", "https://blog.example.org/",
                 stdout=io.StringIO())  # fmt: skip
    with out.open("rb") as stream:
        items = [t for t in wxr.read(stream) if isinstance(t, wxr.Item)]
    for item in items:
        assert item.link.startswith("https://blog.example.org/"), item.link
        if item.post_type == "attachment":
            assert item.attachment_url.startswith("https://blog.example.org/media/")
    law = next(i for i in items if i.post_name == "encryption-and-the-law")
    harbour = next(i for i in items if i.wp_id == int(law.meta["_thumbnail_id"]))
    # Uploaded to WordPress on 2019-03-05 at 13:58 UTC, not the day it was imported.
    assert harbour.post_date_gmt == "2019-03-05 13:58:01"
    assert Image.objects.get(alt_text__startswith="Fishing boats").created_at == (
        datetime.datetime(2019, 3, 5, 13, 58, 1, tzinfo=datetime.UTC)
    )


def test_importing_an_export_counts_the_old_addresses_it_restores(full_site, tmp_path):
    addresses = OldAddress.objects.count()
    assert addresses
    out = tmp_path / "blog.xml"
    call_command("export_blog", str(out), "--site-url", "https://blog.example.org",
                 stdout=io.StringIO())  # fmt: skip
    empty_the_site()
    for _ in range(2):
        report = io.StringIO()
        call_command("import_wordpress", str(out), stdout=report)
        assert OldAddress.objects.count() == addresses
        assert f"old addresses redirecting to posts: {addresses}\n" in report.getvalue()
    assert "Nothing changed: every item is as imported before." in report.getvalue()
