"""Time and peak memory of ``import_wordpress`` on a large generated WordPress export.

Writes a WXR 1.2 file of N posts (default 10,000: classic-editor bodies of ~600 words with
paragraphs, a quote with its attribution and a shortcode, 12 authors, 40 categories in two
levels, 300 tags, comments), migrates a throwaway database (a temporary SQLite file, or the
PostgreSQL database named by --database, which it empties of posts first), imports the file,
then imports it again (nothing changes: every item is recognised by its WordPress id). Prints
the file's size, each run's wall time and posts per second, and the process's peak resident
memory (which bounds the parser's, as it holds one item at a time).

    python bench/bench_wordpress_import.py                       # 10,000 posts on SQLite
    python bench/bench_wordpress_import.py --posts 2000
    python bench/bench_wordpress_import.py --database postgres://postgres@127.0.0.1:5432/bench
"""

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

WORDS = [
    "policy",
    "encryption",
    "security",
    "law",
    "court",
    "privacy",
    "data",
    "state",
    "agency",
    "report",
    "vendor",
    "patch",
    "breach",
    "audit",
    "oversight",
    "regulation",
    "surveillance",
    "network",
    "citizen",
    "market",
    "risk",
    "evidence",
]


def paragraph(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def write_export(path: Path, posts: int, rng: random.Random) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8" ?>\n<rss version="2.0" '
            'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n'
            "<title>Bench blog</title><link>https://bench.example.org</link>\n"
            "<wp:wxr_version>1.2</wp:wxr_version>\n"
        )
        for a in range(12):
            out.write(
                f"<wp:author><wp:author_id>{a + 1}</wp:author_id><wp:author_login>author{a}"
                f"</wp:author_login><wp:author_email>author{a}@bench.example.org"
                f"</wp:author_email><wp:author_display_name><![CDATA[Author {a}]]>"
                "</wp:author_display_name></wp:author>\n"
            )
        for c in range(40):
            parent = f"topic-{c % 8}" if c >= 8 else ""
            out.write(
                f"<wp:category><wp:term_id>{c + 1}</wp:term_id><wp:category_nicename>topic-{c}"
                f"</wp:category_nicename><wp:category_parent>{parent}</wp:category_parent>"
                f"<wp:cat_name><![CDATA[Topic {c}]]></wp:cat_name></wp:category>\n"
            )
        for t in range(300):
            out.write(
                f"<wp:tag><wp:term_id>{100 + t}</wp:term_id><wp:tag_slug>tag-{t}</wp:tag_slug>"
                f"<wp:tag_name><![CDATA[Tag {t}]]></wp:tag_name></wp:tag>\n"
            )
        for n in range(posts):
            wp_id = 1000 + n
            year, month, day = 2010 + n % 14, 1 + n % 12, 1 + n % 28
            body = "\n\n".join(paragraph(rng, 60) for _ in range(9))
            body += f"\n\n<blockquote>{paragraph(rng, 25)}\n— A. Source</blockquote>"
            body += '\n\n[gallery ids="1,2,3"]\n\n' + paragraph(rng, 40)
            comments = "".join(
                f"<wp:comment><wp:comment_id>{wp_id * 10 + k}</wp:comment_id>"
                "<wp:comment_approved>1</wp:comment_approved><wp:comment_type>comment"
                "</wp:comment_type><wp:comment_content><![CDATA[Agreed.]]></wp:comment_content>"
                "</wp:comment>"
                for k in range(n % 3)
            )
            out.write(
                f"<item><title><![CDATA[{paragraph(rng, 6)}]]></title>"
                f"<link>https://bench.example.org/{year}/{month:02d}/{day:02d}/post-{n}/</link>"
                f"<dc:creator>author{n % 12}</dc:creator>"
                f'<guid isPermaLink="false">https://bench.example.org/?p={wp_id}</guid>'
                f"<content:encoded><![CDATA[{body}]]></content:encoded>"
                f"<excerpt:encoded><![CDATA[{paragraph(rng, 20)}]]></excerpt:encoded>"
                f"<wp:post_id>{wp_id}</wp:post_id>"
                f"<wp:post_date>{year}-{month:02d}-{day:02d} 10:00:00</wp:post_date>"
                f"<wp:post_date_gmt>{year}-{month:02d}-{day:02d} 09:00:00</wp:post_date_gmt>"
                f"<wp:post_name>post-{n}</wp:post_name><wp:status>publish</wp:status>"
                "<wp:post_type>post</wp:post_type>"
                f'<category domain="category" nicename="topic-{n % 40}">'
                f"<![CDATA[Topic {n % 40}]]></category>"
                f'<category domain="post_tag" nicename="tag-{n % 300}">'
                f"<![CDATA[Tag {n % 300}]]></category>"
                f'<category domain="post_tag" nicename="tag-{(n * 7) % 300}">'
                f"<![CDATA[Tag {(n * 7) % 300}]]></category>"
                f"{comments}</item>\n"
            )
        out.write("</channel>\n</rss>\n")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(export: Path) -> list[tuple[str, float, str]]:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    os.environ.setdefault("DJANGO_DEBUG", "0")  # as in production: no SQL kept in memory
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from blog.models import Post
    from wordpress.importer import WordPressImport
    from wordpress.models import ImportedItem

    call_command("migrate", verbosity=0)
    Post.objects.all().delete()
    ImportedItem.objects.all().delete()
    results = []
    for label in ("first import", "second import (unchanged)"):
        started = time.perf_counter()
        report = WordPressImport(source=export).run()
        elapsed = time.perf_counter() - started
        line = next(x.strip() for x in report.lines() if x.strip().startswith("posts:"))
        line += f"; load average {os.getloadavg()[0]:.1f}"
        results.append((f"{connection.vendor}: {label}", elapsed, line))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--database", default="sqlite", help='"sqlite" or a PostgreSQL URL')
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory(prefix="bench-wp-") as tmp:
        os.environ["DATABASE_URL"] = (
            f"sqlite:///{tmp}/bench.sqlite3" if args.database == "sqlite" else args.database
        )
        os.environ["DJANGO_MEDIA_ROOT"] = f"{tmp}/media"
        export = Path(tmp) / "export.xml"
        write_export(export, args.posts, random.Random(args.posts))
        size = export.stat().st_size / 1024 / 1024
        before = peak_rss_mb()
        results = run(export)
        print(f"export: {args.posts:,} posts, {size:.1f} MB")
        for label, seconds, line in results:
            print(f"{label}: {seconds:.1f} s ({args.posts / seconds:,.0f} posts/s) — {line}")
        print(f"peak resident memory: {peak_rss_mb():.0f} MB (before importing: {before:.0f} MB)")


if __name__ == "__main__":
    main()
