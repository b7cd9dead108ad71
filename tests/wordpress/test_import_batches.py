"""The import's writes per post: a fixed handful of queries whatever the size of the export, the
links and dates of new posts written in batches, and a post that fails leaving nothing behind."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from taggit.models import TaggedItem

from blog.models import Post
from wordpress.models import ImportedItem, OldAddress

pytestmark = pytest.mark.django_db

HEAD = (
    '<?xml version="1.0" encoding="UTF-8" ?>\n<rss version="2.0" '
    'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
    'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n'
    "<title>Many posts</title><link>https://many.example.org</link>\n"
    "<wp:wxr_version>1.2</wp:wxr_version>\n"
    "<wp:author><wp:author_id>1</wp:author_id><wp:author_login>ada</wp:author_login>"
    "<wp:author_email>ada@many.example.org</wp:author_email></wp:author>\n"
)


def export(tmp_path, posts: int, name="many.xml", first: int = 0):
    items = []
    for n in range(first, first + posts):
        items.append(
            f"<item><title>Post number {n}</title>"
            f"<link>https://many.example.org/2020/03/0{1 + n % 9}/post-{n}/</link>"
            f"<dc:creator>ada</dc:creator>"
            f'<guid isPermaLink="false">https://many.example.org/?p={100 + n}</guid>'
            f"<content:encoded><![CDATA[First paragraph {n}.\n\nSecond one.]]></content:encoded>"
            f"<wp:post_id>{100 + n}</wp:post_id>"
            f"<wp:post_date>2020-03-0{1 + n % 9} 10:00:00</wp:post_date>"
            f"<wp:post_date_gmt>2020-03-0{1 + n % 9} 09:00:00</wp:post_date_gmt>"
            f"<wp:post_name>post-{n}</wp:post_name><wp:status>publish</wp:status>"
            "<wp:post_type>post</wp:post_type>"
            f'<category domain="category" nicename="topic-{n % 3}">Topic {n % 3}</category>'
            f'<category domain="post_tag" nicename="tag-{n % 5}">Tag {n % 5}</category>'
            f'<category domain="post_tag" nicename="tag-x{n % 7}">Tag x{n % 7}</category>'
            "</item>\n"
        )
    path = tmp_path / name
    path.write_text(HEAD + "".join(items) + "</channel>\n</rss>\n")
    return path


def queries(run_import, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        run_import(path)
    return len(captured)


def test_new_posts_cost_a_fixed_handful_of_queries_each(run_import, tmp_path):
    run_import(export(tmp_path, 10, "terms.xml"))  # the author and every term
    small = queries(run_import, export(tmp_path, 10, "small.xml", first=100))
    large = queries(run_import, export(tmp_path, 40, "large.xml", first=200))
    # The savepoint and its release, the import record looked for, the slug checked (two), the
    # post, its pictures, its old addresses read and written, its import record: 10. Links and
    # dates come with the batch. In a test's transaction the page cache's generation moves at
    # each save (two more), in a real run once at the commit.
    assert (large - small) / 30 <= 10 + 2


def test_a_rerun_costs_a_few_queries_per_post(run_import, tmp_path):
    path = export(tmp_path, 10)
    run_import(path)
    small = queries(run_import, path)
    path = export(tmp_path, 40)
    run_import(path)
    large = queries(run_import, path)
    assert (large - small) / 30 <= 5


def test_new_posts_get_their_links_and_dates(run_import, tmp_path):
    run_import(export(tmp_path, 7))
    post = Post.objects.get(slug="post-5")
    assert sorted(post.categories.values_list("slug", flat=True)) == ["topic-2"]
    assert sorted(post.tags.values_list("slug", flat=True)) == ["tag-0", "tag-x5"]
    assert post.created_at == datetime.datetime(2020, 3, 6, 9, tzinfo=datetime.UTC)
    assert Post.objects.filter(tags__slug="tag-x5").count() == 1


def test_changed_terms_of_an_imported_post_are_replaced(run_import, tmp_path):
    run_import(export(tmp_path, 7))
    path = tmp_path / "changed.xml"
    path.write_text(
        export(tmp_path, 7)
        .read_text()
        .replace('nicename="tag-0">Tag 0', 'nicename="tag-9">Tag 9')
        .replace('nicename="topic-2">Topic 2', 'nicename="topic-1">Topic 1')
    )
    report = run_import(path)
    assert report.counts["post", "updated"] == 3  # posts 0 and 5 (tag-0), 2 and 5 (topic-2)
    post = Post.objects.get(slug="post-5")
    assert sorted(post.categories.values_list("slug", flat=True)) == ["topic-1"]
    assert sorted(post.tags.values_list("slug", flat=True)) == ["tag-9", "tag-x5"]


def test_a_post_failing_after_its_save_leaves_no_links_or_rows(run_import, tmp_path, monkeypatch):
    from wordpress import importer

    real = importer.WordPressImport._addresses

    def fragile(self, item, post, when):
        if item.wp_id == 103:
            raise RuntimeError("disk full")
        return real(self, item, post, when)

    monkeypatch.setattr(importer.WordPressImport, "_addresses", fragile)
    report = run_import(export(tmp_path, 7))
    assert report.counts["post", "created"] == 6
    assert report.problems == ["post #103 'Post number 3': RuntimeError: disk full"]
    assert not Post.objects.filter(slug="post-3").exists()
    post_ids = set(Post.objects.values_list("pk", flat=True))
    assert set(Post.categories.through.objects.values_list("post_id", flat=True)) == post_ids
    assert set(TaggedItem.objects.values_list("object_id", flat=True)) == post_ids
    assert set(OldAddress.objects.values_list("post_id", flat=True)) == post_ids
    assert not ImportedItem.objects.filter(kind="post", key="103").exists()
    assert Post.objects.get(slug="post-4").created_at.date() == datetime.date(2020, 3, 5)
