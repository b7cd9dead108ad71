"""Search latency at scale: the search page through a real server, and the search queries alone.

Seeds a throwaway database with the demo blog (``demo_seed``, the code behind ``seed_demo``,
without the related-posts rebuild that the benchmark does not need) unless --no-seed, times a
full ``rebuild_search_index``, starts gunicorn with the production settings on loopback and fetches
the search page for a set of reader queries, one reader at a time (latency) and C at a time
(throughput). Then times the search alone in one process (the count and the ranked page with
snippets: what the search adds to a page).

    python bench/bench_search.py --posts 100000
    python bench/bench_search.py --posts 2000 --multiply 49     # 100,000 posts in minutes
    python bench/bench_search.py --posts 10000 --database sqlite
"""

import argparse
import http.client
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlparse

ROOT = Path(__file__).resolve().parent.parent
QUERIES = [
    "ransomware",  # a subject word: many matches
    "sanctions",  # a word in a category name: about one post in eight
    "encryption",  # a tag
    "Okafor",  # an author: about a fifth of the posts
    "botnets",  # a plural
    '"zero-day exploits"',  # a phrase
    "export controls -semiconductors",  # an exclusion
    "satellites or space",  # either word
    "hypersonic missile treaty verification",  # four words
    "xylophone",  # nothing
    "the",  # a stop word alone: no search
]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def fetch_many(port: int, path: str, count: int, concurrency: int) -> tuple[float, list[float]]:
    latencies: list[float] = []
    errors: list[int] = []
    lock = threading.Lock()

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for _ in range(count // concurrency):
            start = time.perf_counter()
            conn.request("GET", path, headers={"Host": "localhost"})
            response = conn.getresponse()
            response.read()
            with lock:
                latencies.append(time.perf_counter() - start)
                if response.status != 200:
                    errors.append(response.status)
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise SystemExit(f"{path}: {len(errors)} non-200 answers, e.g. {errors[:5]}")
    return len(latencies) / (time.perf_counter() - started), latencies


def fresh_postgres(url: str, name: str) -> str:
    import psycopg2

    admin = psycopg2.connect(url)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {name}")
        cursor.execute(f"CREATE DATABASE {name}")
    admin.close()
    return urlparse(url)._replace(path=f"/{name}").geturl()


# Copies of the published posts, for a large data set in seconds instead of the half hour that
# seeding 100,000 posts takes: each copy gets a new id and slug, its tags and categories, and a
# publication date moved back by some days (spread over three years), and the search tables'
# rows are copied with it (the text, tags, categories and author are the original's, so the
# copied vectors are exactly what indexing the copy would write).
MULTIPLY_SQL = """
CREATE TEMP TABLE bench_copies AS
SELECT p.id AS source, k, p.id + k * (SELECT max(id) + 1000 FROM blog_post) AS id,
       make_interval(days => (k * 37 + p.id::int % 29) % 1095) AS shift
FROM blog_post p CROSS JOIN generate_series(1, {copies}) AS k WHERE p.status = 'published';
INSERT INTO blog_post (id, title, slug, excerpt, body, body_html, featured_image,
    featured_image_alt, featured_image_caption, featured_image_credit, source_name, source_url,
    status, published_at, created_at, updated_at, author_id, featured_image_height,
    featured_image_width, version)
SELECT c.id, p.title, left(p.slug, 180) || '-c' || c.k, p.excerpt, p.body, p.body_html,
    p.featured_image, p.featured_image_alt, p.featured_image_caption, p.featured_image_credit,
    p.source_name, p.source_url, p.status, p.published_at - c.shift, p.created_at - c.shift,
    p.updated_at - c.shift, p.author_id, p.featured_image_height, p.featured_image_width, 1
FROM bench_copies c JOIN blog_post p ON p.id = c.source;
INSERT INTO taggit_taggeditem (object_id, content_type_id, tag_id)
SELECT c.id, t.content_type_id, t.tag_id FROM bench_copies c
JOIN taggit_taggeditem t ON t.object_id = c.source
JOIN django_content_type ct ON ct.id = t.content_type_id
WHERE ct.app_label = 'blog' AND ct.model = 'post';
INSERT INTO blog_post_categories (post_id, category_id)
SELECT c.id, pc.category_id FROM bench_copies c
JOIN blog_post_categories pc ON pc.post_id = c.source;
SELECT setval(pg_get_serial_sequence('blog_post', 'id'), (SELECT max(id) FROM blog_post));
"""


def multiply(copies: int) -> None:
    """Add ``copies`` copies of every published post (PostgreSQL), search rows included."""
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(MULTIPLY_SQL.replace("{copies}", str(int(copies))))
        cursor.execute(
            "SELECT table_name, string_agg(column_name, ', ' ORDER BY ordinal_position) "
            "FROM information_schema.columns WHERE table_name LIKE %s "
            "AND table_schema = current_schema() GROUP BY table_name",
            ["blog\\_post\\_search%"],
        )
        for table, columns in cursor.fetchall():
            copied = columns.replace("post_id", "c.id").replace(
                "published_at", "s.published_at - c.shift"
            )
            names = [name.strip() for name in copied.split(",")]
            select = ", ".join(name if name.startswith("c.") or " " in name else f"s.{name}"
                               for name in names)  # fmt: skip
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT {select} FROM bench_copies c "
                f"JOIN {table} s ON s.post_id = c.source"
            )
        cursor.execute("DROP TABLE bench_copies")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def in_process(repeat: int) -> None:
    """Time the search alone (count, then the ranked first page with snippets)."""
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from blog.models import Post
    from blog.search import parse_query, search_posts

    listing = Post.objects.published().for_listing()
    print(
        f"\nthe search alone, in one process ({repeat} runs each): count + ranked page of 10 "
        "and its posts (on PostgreSQL counted up to 1,000: '>1000')"
    )
    print(f"{'query':<40} {'results':>8} {'p50 ms':>8} {'p95 ms':>8}")
    for query in QUERIES:
        timings = []
        for _ in range(repeat + 2):
            started = time.perf_counter()
            results = search_posts(parse_query(query), listing=listing, page=(0, 10))
            count = results.count()
            list(results[0:10])
            timings.append(time.perf_counter() - started)
        timings = timings[2:]
        shown = f">{count}" if getattr(results, "more", False) else str(count)
        print(
            f"{query:<40} {shown:>8} {statistics.median(timings) * 1000:>8.1f} "
            f"{percentile(timings, 0.95) * 1000:>8.1f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument(
        "--database",
        default="postgres://postgres@127.0.0.1:5432/postgres",
        help="'sqlite', or a PostgreSQL server URL (a search_bench database is created there)",
    )
    parser.add_argument("--requests", type=int, default=60, help="requests per query")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--port", type=int, default=8101)
    parser.add_argument("--keep", metavar="DIR", help="keep the database (SQLite: in DIR)")
    parser.add_argument("--no-seed", action="store_true", help="reuse the database of --keep")
    parser.add_argument(
        "--multiply",
        type=int,
        default=0,
        metavar="N",
        help="PostgreSQL: after seeding --posts, add N copies of each published post (a minute "
        "for 100,000 posts: --posts 2000 --multiply 49)",
    )
    parser.add_argument("--in-process", type=int, metavar="N", help=argparse.SUPPRESS)
    parser.add_argument("--copies", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.in_process:
        in_process(args.in_process)
        return
    if args.copies:
        multiply(args.copies)
        return

    workdir = Path(args.keep or tempfile.mkdtemp(prefix="bench-search-"))
    workdir.mkdir(parents=True, exist_ok=True)
    if args.database == "sqlite":
        database = f"sqlite:///{workdir / 'bench.sqlite3'}"
    elif args.no_seed:
        database = urlparse(args.database)._replace(path="/search_bench").geturl()
    else:
        database = fresh_postgres(args.database, "search_bench")
    env = {
        **os.environ,
        "DJANGO_SECRET_KEY": "bench-only-" + "k" * 50,
        "DJANGO_ALLOWED_HOSTS": "localhost,127.0.0.1",
        "DJANGO_HTTPS": "0",
        "DJANGO_MEDIA_ROOT": str(workdir / "media"),
        "DATABASE_URL": database,
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    dev_env = {**env, "DJANGO_SETTINGS_MODULE": "config.settings.dev"}
    if not args.no_seed:
        subprocess.run([*manage, "migrate", "-v0"], env=dev_env, check=True, cwd=ROOT)
        started = time.perf_counter()
        seed = f"from demo.content import demo_seed; demo_seed(posts={args.posts}, seed=1)"
        subprocess.run([*manage, "shell", "-c", seed], env=dev_env, check=True, cwd=ROOT)
        print(
            f"demo_seed --posts {args.posts} (search index included): "
            f"{time.perf_counter() - started:.0f} s"
        )
        if args.multiply and args.database != "sqlite":
            started = time.perf_counter()
            copy = [sys.executable, __file__, "--copies", str(args.multiply)]
            subprocess.run(copy, env=dev_env, check=True, cwd=ROOT)
            print(f"{args.multiply} copies of each post: {time.perf_counter() - started:.0f} s")
        started = time.perf_counter()
        subprocess.run(
            [*manage, "rebuild_search_index", "--no-progress"], env=dev_env, check=True, cwd=ROOT
        )
        print(f"rebuild_search_index: {time.perf_counter() - started:.0f} s")
        if args.database != "sqlite":
            analyze = "from django.db import connection; connection.cursor().execute('ANALYZE')"
            subprocess.run([*manage, "shell", "-c", analyze], env=dev_env, check=True, cwd=ROOT)

    prod_env = {**env, "DJANGO_SETTINGS_MODULE": "config.settings.production"}
    subprocess.run(
        [*manage, "collectstatic", "--noinput", "-v0"], env=prod_env, check=True, cwd=ROOT
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", str(args.workers),
         "--bind", f"127.0.0.1:{args.port}", "--log-level", "warning"],
        env=prod_env,
        cwd=ROOT,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=2)
                conn.request("GET", "/search/", headers={"Host": "localhost"})
                conn.getresponse().read()
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise SystemExit("the server did not start")
        vendor = args.database.split("://")[0]
        print(
            f"\n{args.posts} posts, {vendor}, gunicorn {args.workers} workers; the search page "
            f"(whole page: layout, results, snippets), {args.requests} requests a query"
        )
        print(
            f"{'query':<40} {'p50 ms':>8} {'p95 ms':>8}   {args.concurrency} readers: "
            f"{'req/s':>6} {'p95 ms':>7}"
        )
        for query in QUERIES:
            path = "/search/?q=" + quote(query)
            fetch_many(args.port, path, 4, 1)  # warm up
            _, alone = fetch_many(args.port, path, args.requests, 1)
            rate, together = fetch_many(args.port, path, args.requests, args.concurrency)
            print(
                f"{query:<40} {statistics.median(alone) * 1000:>8.1f} "
                f"{percentile(alone, 0.95) * 1000:>8.1f}   {'':>{len(str(args.concurrency)) + 9}}"
                f"{rate:>6.0f} {percentile(together, 0.95) * 1000:>7.1f}"
            )
    finally:
        server.terminate()
        server.wait(timeout=10)
    subprocess.run(
        [sys.executable, __file__, "--in-process", "30"],
        env=dev_env,
        check=True,
        cwd=ROOT,
    )
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
