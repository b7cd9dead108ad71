"""Quality of search: recall@5 and MRR of labelled reader queries over the demo blog.

The queries and what each reader means are in bench/search_queries.json (tuning and held-out
halves; the held-out half was never used to choose weights). The same run scores, on a fresh
demo blog (``seed_demo --posts 300 --seed 1``):

* the search on SQLite (FTS5, bm25),
* the search on PostgreSQL (tsvector, ts_rank),
* the old search as a baseline: every word ``icontains`` title, excerpt or body, newest first.

    python bench/eval_search.py [--postgres postgres://postgres@127.0.0.1:5432/postgres]
                                [--no-postgres] [--relabel]

``--relabel`` rewrites the 'relevant' titles of the query file from each query's rule (run it
after changing the demo content). Runs against throwaway databases (a SQLite file in /tmp and a
``search_eval`` database on the PostgreSQL server), never the site's.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
QUERIES = Path(__file__).with_name("search_queries.json")
K = 5


# --- worker: one backend, in its own process ---------------------------------------------------


def fresh_postgres(url: str) -> str:
    import psycopg2

    parts = urlparse(url)
    admin = psycopg2.connect(url)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("DROP DATABASE IF EXISTS search_eval")
        cursor.execute("CREATE DATABASE search_eval")
    admin.close()
    return parts._replace(path="/search_eval").geturl()


def worker(database: str, relabel: bool) -> None:
    import django

    workdir = Path(tempfile.mkdtemp(prefix="eval-search-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    os.environ["DJANGO_MEDIA_ROOT"] = str(workdir / "media")
    os.environ["DATABASE_URL"] = (
        f"sqlite:///{workdir}/eval.sqlite3" if database == "sqlite" else fresh_postgres(database)
    )
    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.core.management import call_command
    from django.db.models import Q

    from blog.models import Post
    from blog.search import parse_query, search_posts
    from demo.content import demo_seed

    spec = json.loads(QUERIES.read_text())
    call_command("migrate", verbosity=0)
    demo_seed(posts=spec["posts"], seed=spec["seed"])
    published = Post.objects.published().for_listing()

    def icontains(query: str) -> list[str]:
        result = Post.objects.published()
        for word in query.split()[:8]:
            result = result.filter(
                Q(title__icontains=word) | Q(excerpt__icontains=word) | Q(body__icontains=word)
            )
        return list(result.order_by("-published_at", "-pk").values_list("title", flat=True)[:K])

    def ranked(query: str) -> list[str]:
        return [post.title for post in search_posts(parse_query(query), listing=published)[0:K]]

    out = {}
    if relabel:
        posts = list(published)
        for item in spec["queries"]:
            rule = item["rule"]
            chosen = []
            for post in posts:
                tags = {tag.name for tag in post.tags.all()}
                text = " ".join([post.title, post.excerpt, post.body, *tags]).lower()
                if "tags_any" in rule and not tags & set(rule["tags_any"]):
                    continue
                if "author" in rule and post.author.last_name != rule["author"]:
                    continue
                if "text_excludes" in rule and rule["text_excludes"] in text:
                    continue
                chosen.append(post.title)
            out[item["query"]] = sorted(chosen)
    else:
        for item in spec["queries"]:
            out[item["query"]] = {"search": ranked(item["query"])}
            if database == "sqlite":
                out[item["query"]]["icontains"] = icontains(item["query"])
    shutil.rmtree(workdir, ignore_errors=True)
    print(json.dumps(out))


def run_worker(database: str, relabel: bool = False) -> dict:
    args = [sys.executable, __file__, "--worker", database] + (["--relabel"] if relabel else [])
    done = subprocess.run(args, capture_output=True, text=True, cwd=ROOT)
    if done.returncode:
        raise SystemExit(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- scoring ------------------------------------------------------------------------------------


def scores(top: list[str], relevant: list[str]) -> tuple[float, float]:
    """recall@K out of min(K, relevant), and the reciprocal rank of the first relevant post."""
    wanted = set(relevant)
    recall = len([t for t in top[:K] if t in wanted]) / min(K, len(wanted))
    rank = next((i for i, title in enumerate(top[:K], 1) if title in wanted), None)
    return recall, (1 / rank if rank else 0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--relabel", action="store_true")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.relabel)
        return

    spec = json.loads(QUERIES.read_text())
    if args.relabel:
        labels = run_worker("sqlite", relabel=True)
        for item in spec["queries"]:
            item["relevant"] = labels[item["query"]]
            if not item["relevant"]:
                raise SystemExit(f"no post matches the rule of {item['query']!r}")
        text = json.dumps(spec, ensure_ascii=False, indent=1)
        QUERIES.write_text(text + "\n")
        print(f"relabelled {len(spec['queries'])} queries in {QUERIES.name}")
        return

    runs = {"sqlite": run_worker("sqlite")}
    if not args.no_postgres:
        runs["postgresql"] = run_worker(args.postgres)
    methods = [("old icontains", "sqlite", "icontains"), ("SQLite FTS5", "sqlite", "search")]
    if "postgresql" in runs:
        methods.append(("PostgreSQL", "postgresql", "search"))

    print(f"demo blog: {spec['posts']} posts, seed {spec['seed']}; recall@{K} / MRR per query\n")
    print(f"{'query':<36} {'split':<9} {'rel':>4} " + " ".join(f"{m[0]:>15}" for m in methods))
    totals = {}
    for item in spec["queries"]:
        cells = []
        for name, run, key in methods:
            recall, rr = scores(runs[run][item["query"]][key], item["relevant"])
            totals.setdefault((name, item["split"]), []).append((recall, rr))
            cells.append(f"{recall:>7.2f} / {rr:>5.2f}")
        print(
            f"{item['query'][:36]:<36} {item['split']:<9} {len(item['relevant']):>4} "
            + " ".join(cells)
        )
    print(f"\n{'mean':<15} " + " ".join(f"{m[0]:>22}" for m in methods))
    for split in ("tuning", "held-out"):
        row = []
        for name, _, _ in methods:
            values = totals[(name, split)]
            recall = sum(v[0] for v in values) / len(values)
            mrr = sum(v[1] for v in values) / len(values)
            row.append(f"R@5 {recall:.2f} MRR {mrr:.2f}")
        print(f"{split:<15} " + " ".join(f"{cell:>22}" for cell in row))


if __name__ == "__main__":
    main()
