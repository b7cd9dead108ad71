"""Votes per second through ratings.services.votes_import, the bulk import of past votes.

Migrates a throwaway database (a temporary SQLite file, or the PostgreSQL database named by
--database, whose ratings and blog tables it fills), adds P published posts, then imports N
ballots spread over them in one call, and checks with aggregates_recount that the stored
aggregates match the votes. Prints the import's wall time, votes per second and query count.

    python bench/bench_votes_import.py                          # 100,000 ballots on SQLite
    python bench/bench_votes_import.py --ballots 300000 --posts 10000
    python bench/bench_votes_import.py --database postgres://postgres@127.0.0.1:5432/bench
"""

import argparse
import datetime
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(ballot_count: int, post_count: int) -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from blog.models import Post
    from ratings.services import Ballot, aggregates_recount, votes_import

    call_command("migrate", verbosity=0)
    author, _ = get_user_model().objects.get_or_create(username="bench-import")
    now = timezone.now()
    posts = Post.objects.bulk_create(
        Post(
            title=f"Imported votes {i}",
            slug=f"bench-import-{now.timestamp():.0f}-{i}",
            author=author,
            body="",
            body_html="",
            status=Post.Status.PUBLISHED,
            published_at=now - datetime.timedelta(hours=i),
        )
        for i in range(post_count)
    )
    rng = random.Random(ballot_count)
    run_id = f"{now.timestamp():.0f}"
    ballots = [
        Ballot(
            object_id=posts[i % post_count].pk,
            reader_key=f"a:bench-{run_id}-{i}",
            score=rng.randint(1, 5),
            ip_hash=f"{rng.getrandbits(128):032x}",
            created_at=now - datetime.timedelta(minutes=rng.randint(1, 500_000)),
        )
        for i in range(ballot_count)
    ]
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        written = votes_import(model=Post, ballots=ballots)
    elapsed = time.perf_counter() - started
    drift = aggregates_recount()
    return {
        "vendor": connection.vendor,
        "written": written,
        "seconds": elapsed,
        "queries": len(queries.captured_queries),
        "drift": len(drift),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=100_000)
    parser.add_argument("--posts", type=int, default=2_000)
    parser.add_argument("--database", default="sqlite", help='"sqlite" or a PostgreSQL URL')
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        if args.database == "sqlite":
            os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        else:
            os.environ["DATABASE_URL"] = args.database
        result = run(args.ballots, args.posts)
    print(
        f"{result['vendor']}: {result['written']:,} votes on {args.posts:,} posts in "
        f"{result['seconds']:.2f} s ({result['written'] / result['seconds']:,.0f} votes/s), "
        f"{result['queries']:,} queries; aggregates off after the import: {result['drift']}"
    )


if __name__ == "__main__":
    main()
