import datetime
import itertools
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone
from taggit.models import Tag

from authors.models import AuthorProfile
from blog.models import Category, Post
from tests.wordpress.conftest import WP3, WP6, stored_files
from wordpress.models import ImportedItem, OldAddress

pytestmark = pytest.mark.django_db


def post(slug):
    return Post.objects.get(slug=slug)


def test_authors_become_contributors_with_profiles_and_no_password(run_import):
    run_import()
    ada = get_user_model().objects.get(username="ada")
    assert ada.email == "ada@policyledger.example.org"
    assert ada.is_staff and not ada.has_usable_password()
    assert list(ada.groups.values_list("name", flat=True)) == ["Contributors"]
    assert AuthorProfile.objects.get(user=ada).display_name == "Ada Lovelace"
    assert post("encryption-and-the-law").author == ada
    assert post("election-security-2099").author.username == "grace.h"


def test_role_option_chooses_the_group(run_import):
    run_import(role="Editors")
    ada = get_user_model().objects.get(username="ada")
    assert list(ada.groups.values_list("name", flat=True)) == ["Editors"]


def test_unknown_role_is_refused_before_anything_is_written(db):
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("import_wordpress", str(WP6), "--role", "Nobody")
    assert not Post.objects.exists()


def test_set_password_link_lets_the_author_choose_a_password_once(run_import, client):
    report = run_import()
    links = {login: url for login, _, url in report.password_links}
    assert set(links) == {"ada", "grace.h"}
    page = client.get(links["ada"], follow=True)
    assert page.status_code == 200
    form_url = page.redirect_chain[-1][0]
    done = client.post(
        form_url,
        {
            "new_password1": "a long and new passphrase",
            "new_password2": "a long and new passphrase",
        },
    )
    assert done.status_code == 302
    ada = get_user_model().objects.get(username="ada")
    assert ada.check_password("a long and new passphrase")
    again = client.get(links["ada"], follow=True)
    assert b"invalid" in again.content.lower()


def test_categories_keep_descriptions_and_hierarchy_tags_keep_unicode(run_import):
    run_import()
    encryption = Category.objects.get(slug="encryption")
    assert encryption.description == "Keys, backdoors and the law."
    assert ImportedItem.objects.get(kind="category", key="encryption").data["parent"] == "policy"
    assert Tag.objects.filter(slug="données", name="Données").exists()
    p = post("encryption-and-the-law")
    assert list(p.categories.values_list("slug", flat=True)) == ["encryption"]
    assert set(p.tags.values_list("name", flat=True)) == {"Privacy", "Données"}
    assert not Category.objects.filter(slug="main-menu").exists()


def test_statuses_map_to_the_workflow(run_import):
    report = run_import()
    published = post("encryption-and-the-law")
    assert published.status == Post.Status.PUBLISHED and published.is_public
    assert published.published_at == datetime.datetime(2019, 3, 5, 13, 58, 1, tzinfo=datetime.UTC)
    scheduled = post("election-security-2099")
    assert scheduled.status == Post.Status.PUBLISHED and not scheduled.is_public
    assert scheduled.published_at.year == 2099
    assert post("half-written-thoughts").status == Post.Status.DRAFT
    assert post("waiting-for-the-editor").status == Post.Status.PENDING
    assert post("internal-note").status == Post.Status.DRAFT  # private
    assert post("members-only").status == Post.Status.DRAFT  # password-protected
    assert not Post.objects.filter(title="Deleted rant").exists()
    assert not Post.objects.filter(title="About").exists()
    assert report.skipped["post"]["in WordPress's trash"] == 1
    assert report.skipped["page"]["pages are imported with --pages"] == 1
    assert report.comments == 2  # approved comments; the pingback and spam are not counted
    assert report.sticky == 1


def test_pages_are_imported_when_asked(run_import, client):
    run_import(pages=True)
    about = post("about")
    assert about.is_public
    assert client.get("/?page_id=30")["Location"] == about.get_absolute_url()


def test_local_date_is_read_in_the_blogs_time_zone_when_utc_is_missing(run_import):
    run_import(WP3, time_zone="Europe/Berlin")
    local_only = post("local-time-only")
    assert local_only.published_at == datetime.datetime(2013, 4, 1, 10, 0, tzinfo=datetime.UTC)


def test_wxr_1_1_from_wordpress_3(run_import):
    report = run_import(WP3)
    hello = post("hello-from-2013")
    assert hello.author.username == "admin"
    assert list(hello.tags.names()) == ["NSA"]
    assert hello.categories.get().name == "Europe"
    assert ImportedItem.objects.get(kind="category", key="news-europe").data["parent"] == "news"
    assert "<pre>code stays\n   indented\n\nas written</pre>" in hello.body_html
    assert "<h2>A heading</h2>" in hello.body_html
    assert "<p>First line<br>\nsecond line</p>" in hello.body_html
    assert report.comments == 1


def test_body_reads_as_it_did(run_import, uploads):
    run_import(uploads=uploads)
    html = post("encryption-and-the-law").body_html
    assert "<p>Governments keep asking for a <em>lawful access</em> mechanism.<br>\nNobody" in html
    figure = re.search(r"<figure>.*?</figure>", html, re.S).group(0)
    assert 'alt="Protesters holding signs"' in figure and 'src="/media/' in figure
    assert re.search(
        r"<figcaption>Protesters in Berlin <span[^>]*>\(Source: Max Mustermann\)", figure
    )
    assert (
        "<blockquote><p>There is no such thing as a backdoor only the good guys can use.</p>"
        '<footer class="attribution">— Bruce Schneier</footer></blockquote>'
    ) in html
    assert "<li>Keys</li>" in html
    assert "<script" not in html and "alert" not in html
    assert "Stay safe &amp; sound." in html
    assert '[gallery ids="20,21"]' in html
    assert post("encryption-and-the-law").title == "Encryption & the law 🔐"
    assert post("encryption-and-the-law").excerpt == "Why lawful access keeps failing."


def test_block_editor_content_keeps_its_html_and_quote_citation(run_import, uploads):
    run_import(uploads=uploads)
    html = post("block-editor-post").body_html
    assert "<!--" not in html and "wp:paragraph" not in html
    assert "<p>Written in the <strong>block editor</strong>.</p>" in html
    assert '<footer class="attribution">— Bruce Schneier</footer>' in html
    # The large copy in the text is the attachment's original in the library, as a figure
    # described as the library describes it.
    figure = re.search(r"<figure>.*?</figure>", html, re.S).group(0)
    assert 'alt="Fishing boats moored in a grey harbour"' in figure and 'src="/media/' in figure


def test_featured_image_comes_from_the_uploads_folder_with_alt_caption_and_credit(
    run_import, uploads, settings
):
    run_import(uploads=uploads)
    p = post("encryption-and-the-law")
    assert p.featured is not None
    assert (p.featured.width, p.featured.height) == (1200, 800)
    assert p.image_alt == "Fishing boats moored in a grey harbour"
    assert p.image_caption == "Fishing boats leave at dawn"
    assert p.image_credit == "Jane Doe"
    assert p.featured.file.storage.exists(p.featured.file.name)
    assert p.featured.uploaded_by.username == "ada"


def test_unicode_slug_and_emoji_are_kept(run_import, client):
    run_import()
    p = post("日本語")
    assert p.title == "日本語の記事 ✨"
    assert "🎉" in p.body_html
    assert client.get(p.get_absolute_url()).status_code == 200


def test_missing_files_and_shortcodes_are_reported_and_not_fatal(run_import, uploads):
    report = run_import(uploads=uploads)
    assert any("2020/02/gone.png" in line and "post #18" in line for line in report.missing_files)
    lost = post("lost-picture")
    assert "gone.png" in lost.body_html  # left as it was, reported
    assert report.shortcodes == {"gallery": 1, "embed": 1}
    text = "\n".join(report.lines())
    assert "[gallery] ×1: #10" in text and "2020/02/gone.png" in text
    assert "not a picture" in text  # the PDF attachment


def test_without_uploads_folder_images_are_reported_missing(run_import):
    report = run_import()
    assert post("encryption-and-the-law").featured is None
    assert report.skipped["attachment"]["no --uploads folder given"] >= 1


def test_search_index_and_archives_see_imported_posts(run_import, client):
    run_import()
    found = client.get("/search/", {"q": "lawful access"})
    assert "Encryption &amp; the law" in found.content.decode()
    assert client.get("/2019/03/").status_code == 200


def test_running_again_changes_nothing(run_import, uploads, settings):
    run_import(uploads=uploads)
    before = {
        "posts": list(Post.objects.values_list("pk", "slug", "version", "body_html")),
        "users": get_user_model().objects.count(),
        "categories": Category.objects.count(),
        "tags": Tag.objects.count(),
        "addresses": OldAddress.objects.count(),
        "files": stored_files(settings.MEDIA_ROOT),
    }
    report = run_import(uploads=uploads)
    after = {
        "posts": list(Post.objects.values_list("pk", "slug", "version", "body_html")),
        "users": get_user_model().objects.count(),
        "categories": Category.objects.count(),
        "tags": Tag.objects.count(),
        "addresses": OldAddress.objects.count(),
        "files": stored_files(settings.MEDIA_ROOT),
    }
    assert after == before
    assert report.counts["post", "created"] == report.counts["post", "updated"] == 0
    assert report.counts["post", "unchanged"] == 9


def test_a_changed_export_updates_the_post_and_an_edit_made_here_is_kept(run_import, tmp_path):
    run_import()
    changed = tmp_path / "changed.xml"
    text = WP6.read_text()
    changed.write_text(text.replace("Nobody has built one that holds.", "Nobody ever has."))
    report = run_import(changed)
    assert report.counts["post", "updated"] == 1
    assert "Nobody ever has." in post("encryption-and-the-law").body_html

    edited = post("encryption-and-the-law")
    edited.title = "Edited by an editor here"
    edited.save()
    report = run_import()
    assert post("encryption-and-the-law").title == "Edited by an editor here"
    assert report.skipped["post"]["edited on this site since the last import (kept)"] == 1


def test_dry_run_changes_nothing(run_import, uploads, settings):
    users = get_user_model().objects.count()
    report = run_import(uploads=uploads, dry_run=True)
    assert report.counts["post", "created"] == 9
    assert not Post.objects.exists()
    assert not Category.objects.exists() and not Tag.objects.exists()
    assert get_user_model().objects.count() == users
    assert not ImportedItem.objects.exists() and not OldAddress.objects.exists()
    assert stored_files(settings.MEDIA_ROOT) == []
    assert report.lines()[0].startswith("Dry run: nothing was changed.")


def test_a_failing_item_is_reported_and_the_others_are_imported(run_import, monkeypatch):
    from wordpress import importer

    real = importer.convert_body

    def fragile(source, **kwargs):
        if "Scheduled far ahead" in source:
            raise ValueError("cannot convert this body")
        return real(source, **kwargs)

    monkeypatch.setattr(importer, "convert_body", fragile)
    report = run_import()
    assert not Post.objects.filter(title="Election security in 2099").exists()
    assert Post.objects.filter(slug="encryption-and-the-law").exists()
    assert report.problems == [
        "post #11 'Election security in 2099': ValueError: cannot convert this body"
    ]


def test_an_interrupted_import_leaves_nothing_behind(run_import, uploads, monkeypatch, settings):
    from wordpress import importer

    real = importer.WordPressImport._post

    def interrupted(self, item, kind):
        if item.wp_id == 17:
            raise KeyboardInterrupt
        return real(self, item, kind)

    monkeypatch.setattr(importer.WordPressImport, "_post", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run_import(uploads=uploads)
    assert not Post.objects.exists() and not ImportedItem.objects.exists()
    assert stored_files(settings.MEDIA_ROOT) == []


def test_command_prints_the_report(db, uploads, capsys):
    call_command("import_wordpress", str(WP6), "--uploads", str(uploads), "--site-url",
                 "https://blog.example.org/")  # fmt: skip
    out = capsys.readouterr().out
    assert "posts: 9 created, 0 updated, 0 unchanged, 2 skipped" in out
    assert "https://blog.example.org/accounts/set-password/" in out
    assert "comments: 2 not imported" in out


def test_scheduled_post_becomes_public_when_due(run_import):
    run_import()
    scheduled = post("election-security-2099")
    assert scheduled.published_at > timezone.now()


def test_pictures_arrive_on_the_first_run_that_has_the_uploads_folder(run_import, uploads):
    run_import()
    assert post("encryption-and-the-law").featured is None
    report = run_import(uploads=uploads)
    assert post("encryption-and-the-law").featured is not None
    assert report.counts["post", "updated"] >= 1


def test_files_outside_the_uploads_folder_are_never_read(run_import, uploads, tmp_path):
    secret = tmp_path / "secret.jpg"
    secret.write_bytes((uploads / "2019/03/harbour.jpg").read_bytes())
    (uploads / "2019/03/harbour.jpg").unlink()
    (uploads / "2019/03/harbour.jpg").symlink_to(secret)
    hostile = tmp_path / "hostile.xml"
    hostile.write_text(
        WP6.read_text().replace("<![CDATA[2019/03/harbour.jpg]]>", "<![CDATA[../secret.jpg]]>")
    )
    report = run_import(hostile, uploads=uploads)
    assert post("encryption-and-the-law").featured is None
    assert any("secret.jpg" in line for line in report.missing_files)


def shared_export(path, *, bad_date="2019-03-04 10:00:00"):
    """Two posts by an author the export does not declare, with a new category, a new tag and
    one featured picture; the first post is the first to use each of them."""

    def item(wp_id, title, date):
        return (
            f"<item><title>{title}</title><dc:creator>zed</dc:creator>"
            f"<content:encoded><![CDATA[Hello {title}]]></content:encoded>"
            f"<wp:post_id>{wp_id}</wp:post_id><wp:post_date>{date}</wp:post_date>"
            "<wp:post_date_gmt>0000-00-00 00:00:00</wp:post_date_gmt>"
            f"<wp:post_name>{title.lower()}</wp:post_name><wp:status>publish</wp:status>"
            "<wp:post_type>post</wp:post_type>"
            '<category domain="category" nicename="newcat"><![CDATA[New cat]]></category>'
            '<category domain="post_tag" nicename="newtag"><![CDATA[New tag]]></category>'
            "<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key>"
            "<wp:meta_value>200</wp:meta_value></wp:postmeta></item>"
        )

    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>Shared</title>'
        "<wp:wxr_version>1.2</wp:wxr_version>"
        + item(100, "Bad", bad_date)
        + item(101, "Good", "2019-03-05 10:00:00")
        + "<item><title>pic</title><dc:creator>zed</dc:creator><wp:post_id>200</wp:post_id>"
        "<wp:post_type>attachment</wp:post_type><wp:status>inherit</wp:status>"
        "<wp:postmeta><wp:meta_key>_wp_attached_file</wp:meta_key>"
        "<wp:meta_value>2019/03/harbour.jpg</wp:meta_value></wp:postmeta></item>"
        "</channel></rss>"
    )
    return path


def test_a_failed_item_takes_the_author_terms_and_picture_it_made_with_it(
    run_import, uploads, tmp_path, monkeypatch, settings
):
    """The failed post was the first to use the author, category, tag and picture: they are
    rolled back with it, and the next post that uses them makes them again."""
    from django.db import connection

    from wordpress import importer

    real = importer.WordPressImport._addresses

    def fails_last(self, item, post, when):
        real(self, item, post, when)
        if item.wp_id == 100:
            raise ValueError("the last step of this post failed")

    monkeypatch.setattr(importer.WordPressImport, "_addresses", fails_last)
    report = run_import(shared_export(tmp_path / "shared.xml"), uploads=uploads)

    connection.check_constraints()  # no row points at one the rollback removed
    assert not Post.objects.filter(slug="bad").exists()
    good = post("good")
    assert good.author.username == "zed"
    assert list(good.categories.values_list("slug", flat=True)) == ["newcat"]
    assert list(good.tags.values_list("slug", flat=True)) == ["newtag"]
    assert good.featured is not None and good.featured.file.storage.exists(good.featured.file.name)
    originals = [f for f in stored_files(settings.MEDIA_ROOT) if "/renditions/" not in f]
    assert originals == [good.featured.file.name]
    assert report.problems == ["post #100 'Bad': ValueError: the last step of this post failed"]
    # Counted once, by the post that brought them.
    assert report.counts["author", "created"] == 1
    assert report.counts["category", "created"] == report.counts["tag", "created"] == 1
    assert report.counts["attachment", "created"] == 1
    assert report.counts["post", "created"] == 1 and report.counts["post", "failed"] == 1
    assert ImportedItem.objects.filter(kind="attachment", key="200").count() == 1


def test_a_post_whose_date_cannot_be_stored_fails_alone(db, uploads, tmp_path, capsys):
    """A local date that runs past the year 9999 in UTC: that post is reported, the others
    (using its author and picture) are imported, and the command prints no traceback."""
    export = shared_export(tmp_path / "far.xml", bad_date="9999-12-31 23:59:59")
    call_command("import_wordpress", str(export), "--uploads", str(uploads),
                 "--time-zone", "America/New_York")  # fmt: skip
    out = capsys.readouterr().out
    assert re.search(r"post #100 'Bad': \w+Error: .*(range|year)", out)
    assert not Post.objects.filter(slug="bad").exists()
    good = post("good")
    assert good.author.username == "zed" and good.featured is not None
    assert good.categories.get().slug == "newcat"


def test_a_whole_run_failure_is_a_clear_command_error(db, uploads, monkeypatch):
    from django.db import OperationalError

    from wordpress import importer

    def lost(self):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(importer.WordPressImport, "_index_now", lost)
    with pytest.raises(CommandError, match="rolled back; nothing changed.*OperationalError"):
        call_command("import_wordpress", str(WP6), "--uploads", str(uploads))
    assert not Post.objects.exists()


def test_a_rerun_that_changes_nothing_says_so_and_still_lists_missing_pictures(db, uploads, capsys):
    call_command("import_wordpress", str(WP6), "--uploads", str(uploads))
    first = capsys.readouterr().out
    assert "Nothing changed" not in first
    call_command("import_wordpress", str(WP6), "--uploads", str(uploads))
    again = capsys.readouterr().out
    assert "Nothing changed: every item is as imported before." in again

    def missing(out):
        """The report's list of missing pictures."""
        lines = out.split("missing or unreadable image files:")[1].splitlines()[1:]
        return list(itertools.takewhile(lambda line: line.startswith("      "), lines))

    assert "      2020/02/gone.png (in post #18)" in missing(first)
    assert missing(again) == missing(first)
    call_command("import_wordpress", str(WP6), "--uploads", str(uploads), "--dry-run")
    assert "Nothing would change: every item is as imported before." in capsys.readouterr().out


def test_a_rerun_with_a_change_does_not_say_nothing_changed(run_import, tmp_path):
    run_import()
    changed = tmp_path / "changed.xml"
    changed.write_text(WP6.read_text().replace("Nobody has built one that holds.", "Not so."))
    report = run_import(changed)
    assert not report.nothing_changed()
    assert not any(line.startswith("  Nothing") for line in report.lines())


@pytest.mark.parametrize("error", ["duplicate", "dangling"])
def test_a_database_error_in_one_item_is_that_items_failure(
    run_import, monkeypatch, tmp_path, error
):
    """A unique constraint broken by one post, or (PostgreSQL, which checks foreign keys at
    each statement during the import) a reference to a row that does not exist: that post
    is reported, the others are imported and the run commits."""
    from django.db import connection

    from wordpress import importer

    if error == "dangling" and connection.vendor != "postgresql":
        pytest.skip("SQLite checks foreign keys only at COMMIT")
    real = importer.WordPressImport._addresses

    def breaks(self, item, post, when):
        real(self, item, post, when)
        if item.wp_id == 100:
            if error == "duplicate":
                Category.objects.create(slug="newcat", name="New cat")
            else:
                Post.objects.filter(pk=post.pk).update(author_id=10**9)

    monkeypatch.setattr(importer.WordPressImport, "_addresses", breaks)
    report = run_import(shared_export(tmp_path / "shared.xml"))
    assert [p.split(":")[0] for p in report.problems] == ["post #100 'Bad'"]
    assert "IntegrityError" in report.problems[0]
    connection.check_constraints()
    assert not Post.objects.filter(slug="bad").exists()
    assert post("good").author.username == "zed"
    assert post("good").categories.get().slug == "newcat"
