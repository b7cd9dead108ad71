"""Scale of the related-posts engine: rebuild time, one incremental update, peak memory.

Generates N published posts quickly with bulk_create (text: sentences of this machine's Python
standard-library docstrings, one package per post, so topics cluster as on a real blog; tags from
a Zipf-distributed pool, on two thirds of the posts), then times ``rebuild_related`` and the
refresh that runs after one more post is published (median of 5).

    python bench/bench_related.py --db sqlite --sizes 1000 10000 100000
    DATABASE_URL=postgres://… python bench/bench_related.py --db postgres --sizes 1000 10000

The posts are written by one process and the rebuild runs in a fresh one, as an operator's
``manage.py rebuild_related`` does, so its peak memory (ru_maxrss) is the rebuild's own. SQLite
runs in a throwaway file under /tmp; PostgreSQL uses DATABASE_URL, whose tables it EMPTIES.
"""

import argparse
import datetime
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def sentences_by_label(rng) -> dict[str, list[str]]:
    from eval_related import harvest, stdlib_sources

    result: dict[str, list[str]] = {}
    for doc in harvest(stdlib_sources(), 10_000, rng):
        parts = [s.strip() for s in doc["body"].replace("\n", " ").split(". ") if len(s) > 30]
        result.setdefault(doc["label"], []).extend([doc["title"], *parts])
    return result


def make_post_fields(rng, sentences, labels, tag_pool, weights):
    label = rng.choice(labels)
    pool = sentences[label]
    title = rng.choice(pool)[:120]
    body = ". ".join(rng.choice(pool) for _ in range(rng.randint(6, 14)))
    tags = []
    if rng.random() < 0.66:
        tags = sorted(set(rng.choices(tag_pool, weights=weights, k=rng.randint(1, 4))))
    return title, body, tags


def setup_django():
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    django.setup()


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generate(size: int) -> dict:
    """Empty the tables and write ``size`` published posts with their tags."""
    setup_django()
    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone
    from taggit.models import Tag, TaggedItem

    from blog.models import Post

    call_command("migrate", verbosity=0)
    # Empty the tables in SQL: a Django delete() of a previous run's 100,000 posts would load
    # them all and inflate this size's peak memory.
    tables = [
        "related_relatedpost",
        "related_relatedpostoverride",
        "related_postterm",
        "related_postindex",
        "related_termstat",
        "related_postembedding",
        TaggedItem._meta.db_table,
        Post.categories.through._meta.db_table,
        Post._meta.db_table,
        Tag._meta.db_table,
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")

    rng = random.Random(size)
    sentences = sentences_by_label(rng)
    labels = sorted(sentences)
    tag_pool = [f"topic {i}" for i in range(600)]
    weights = [1 / (i + 1) for i in range(len(tag_pool))]
    tags = {
        t.name: t
        for t in Tag.objects.bulk_create(Tag(name=n, slug=n.replace(" ", "-")) for n in tag_pool)
    }
    user, _ = get_user_model().objects.get_or_create(username="bench")
    content_type = ContentType.objects.get_for_model(Post)
    now = timezone.now()

    started = time.perf_counter()
    for start in range(0, size, 5000):
        batch, batch_tags = [], []
        for i in range(start, min(start + 5000, size)):
            title, body, post_tags = make_post_fields(rng, sentences, labels, tag_pool, weights)
            batch.append(
                Post(
                    title=title,
                    slug=f"bench-{i}",
                    author=user,
                    body=body,
                    body_html="",
                    status=Post.Status.PUBLISHED,
                    published_at=now - datetime.timedelta(minutes=i),
                )
            )
            batch_tags.append(post_tags)
        posts = Post.objects.bulk_create(batch)
        TaggedItem.objects.bulk_create(
            TaggedItem(content_type=content_type, object_id=p.pk, tag=tags[name])
            for p, names in zip(posts, batch_tags, strict=True)
            for name in names
        )
    return {"generate_s": time.perf_counter() - started, "generate_peak_mb": peak_mb()}


def rebuild(size: int, chunk_size: int, trace: bool) -> dict:
    """In a process of its own, as ``manage.py rebuild_related`` runs: the full rebuild, then
    the refresh after each of five more posts is published."""
    setup_django()
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from blog.models import Post
    from related.rebuild import related_rebuild
    from related.services import related_refresh_for_post

    if trace:
        import tracemalloc

        tracemalloc.start(5)
    before_mb = peak_mb()
    started = time.perf_counter()

    def progress(stage: str, done: int, total: int) -> None:
        # On stderr as it goes, so a run stopped early still shows its stages, pace and memory.
        if done % (chunk_size * 10) == 0 or done == total:
            elapsed = time.perf_counter() - started
            print(
                f"  {elapsed:7.0f} s  {stage:<15} {done:>7}/{total}  peak {peak_mb():.0f} MB",
                file=sys.stderr,
                flush=True,
            )

    related_rebuild(chunk_size=chunk_size, progress=progress)
    rebuild_s = time.perf_counter() - started
    rebuild_peak = peak_mb()
    if trace:
        current, traced_peak = tracemalloc.get_traced_memory()
        print(
            f"traced: {current / 2**20:.1f} MB now, {traced_peak / 2**20:.1f} MB peak",
            file=sys.stderr,
        )
        tracemalloc.stop()

    rng = random.Random(size + 1)
    sentences = sentences_by_label(rng)
    labels = sorted(sentences)
    tag_pool = [f"topic {i}" for i in range(600)]
    weights = [1 / (i + 1) for i in range(len(tag_pool))]
    user = get_user_model().objects.get(username="bench")
    now = timezone.now()
    timings = []
    for i in range(5):
        title, body, post_tags = make_post_fields(rng, sentences, labels, tag_pool, weights)
        post = Post.objects.create(
            title=title, slug=f"bench-new-{i}", author=user, body=body, status=Post.Status.DRAFT
        )
        Post.objects.filter(pk=post.pk).update(status=Post.Status.PUBLISHED, published_at=now)
        started = time.perf_counter()
        related_refresh_for_post(post_id=post.pk)
        timings.append(time.perf_counter() - started)
    return {
        "size": size,
        "rebuild_s": rebuild_s,
        "incremental_ms": statistics.median(timings) * 1000,
        "incremental_max_ms": max(timings) * 1000,
        "start_mb": before_mb,
        "peak_mb": rebuild_peak,
    }


def run_child(env: dict, *args: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, *args], env=env, stdout=subprocess.PIPE, text=True
    )
    if out.returncode:
        sys.exit(f"{args[0]} failed (exit code {out.returncode})")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--chunk-size", type=int, default=1000)
    parser.add_argument(
        "--trace", action="store_true", help="also trace the rebuild's Python allocations (slower)"
    )
    parser.add_argument("--generate", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--rebuild", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate:
        print(json.dumps(generate(args.generate)))
        return
    if args.rebuild:
        print(json.dumps(rebuild(args.rebuild, args.chunk_size, args.trace)))
        return
    env = dict(os.environ)
    if args.db == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='related-bench-')}/bench.sqlite3"
    elif not env.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database this benchmark may empty.")
    print(f"{args.db}: {os.cpu_count()} CPUs; chunk size {args.chunk_size}")
    header = ("posts", "generate s", "rebuild s", "incr. ms (median/max)", "rebuild peak MB")
    print("{:>8} {:>11} {:>10} {:>22} {:>16}".format(*header))
    for size in args.sizes:
        made = run_child(env, "--generate", str(size))
        extra = ["--trace"] if args.trace else []
        r = run_child(env, "--rebuild", str(size), "--chunk-size", str(args.chunk_size), *extra)
        print(
            f"{r['size']:>8} {made['generate_s']:>11.1f} {r['rebuild_s']:>10.1f} "
            f"{r['incremental_ms']:>11.1f} / {r['incremental_max_ms']:<8.1f} "
            f"{r['peak_mb']:>16.0f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
