"""Votes per second through the real vote endpoint.

Starts gunicorn (config.wsgi, production settings, plain HTTP on loopback) against SQLite and/or
PostgreSQL, publishes one post, prepares N anonymous readers (each GETs the post page for its own
CSRF cookie and token), then lets them all vote at once from a pool of client threads, each
reader behind its own address (X-Forwarded-For, with DJANGO_TRUSTED_PROXY_COUNT=1 as behind a
proxy). Prints votes/second and latency percentiles, and checks that the stored count equals the
number of accepted votes.

    python bench/bench_votes.py                      # SQLite, then PostgreSQL if DATABASE_URL_PG
    python bench/bench_votes.py --db sqlite --readers 2000 --clients 64
    DATABASE_URL_PG=postgres://postgres@127.0.0.1:5432/mydb python bench/bench_votes.py --db pg
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
TOKEN_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

SETUP = """
from django.core.management import call_command
from tests.factories import PostFactory
from ratings.models import Vote
Vote.objects.filter(object_id__in=[]).delete()
post = PostFactory(title="Benchmark post")
print(post.pk, post.get_absolute_url())
"""

COUNT = """
from django.contrib.contenttypes.models import ContentType
from blog.models import Post
from ratings.models import RatingAggregate, Vote
ct = ContentType.objects.get_for_model(Post)
agg = RatingAggregate.objects.get(content_type=ct, object_id={pk})
print(agg.count, Vote.objects.filter(content_type=ct, object_id={pk}).count(), agg.total)
"""


def run_manage(env: dict, *args: str, stdin: str | None = None) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def wait_for(port: int, timeout: float = 30) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/", headers={"Host": "127.0.0.1"})
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server on port {port} did not start")


class Reader:
    def __init__(self, n: int):
        self.n = n
        self.ip = f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"
        self.cookies: dict[str, str] = {}
        self.token = ""

    def headers(self) -> dict:
        return {
            "Host": "127.0.0.1",
            "X-Forwarded-For": self.ip,
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }

    def keep_cookies(self, response) -> None:
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]


def prepare(port: int, path: str, reader: Reader) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers=reader.headers())
    response = conn.getresponse()
    html = response.read().decode()
    reader.keep_cookies(response)
    reader.token = TOKEN_RE.search(html).group(1)
    conn.close()


def vote(port: int, vote_path: str, referer: str, reader: Reader) -> tuple[int, float]:
    body = urlencode({"score": str(reader.n % 5 + 1), "csrfmiddlewaretoken": reader.token})
    headers = {
        **reader.headers(),
        "Accept": "application/json",
        "Content-Type": "application/x-www-form-urlencoded",
        "Referer": referer,
    }
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    start = time.perf_counter()
    conn.request("POST", vote_path, body=body, headers=headers)
    response = conn.getresponse()
    response.read()
    elapsed = time.perf_counter() - start
    conn.close()
    return response.status, elapsed


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def bench(name: str, database_url: str, args) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_HTTPS": "0",
        "DJANGO_TRUSTED_PROXY_COUNT": "1",
        "PYTHONPATH": str(ROOT),
    }
    run_manage(env, "migrate", "--noinput", "-v0")
    run_manage(env, "collectstatic", "--noinput", "-v0")
    pk, path = run_manage(env, "shell", stdin=SETUP).split()[-2:]
    server = subprocess.Popen(
        [
            PYTHON, "-m", "gunicorn", "config.wsgi",
            "--bind", f"127.0.0.1:{args.port}",
            "--workers", str(args.workers), "--threads", str(args.threads),
            "--worker-class", "gthread", "--log-level", "warning",
        ],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        wait_for(args.port)
        readers = [Reader(n) for n in range(args.readers)]
        with ThreadPoolExecutor(args.clients) as pool:
            list(pool.map(lambda r: prepare(args.port, path, r), readers))
        vote_path = f"/ratings/vote/blog.post/{pk}/"
        referer = f"http://127.0.0.1:{args.port}{path}"
        go = threading.Event()

        def fire(reader):
            go.wait()
            return vote(args.port, vote_path, referer, reader)

        with ThreadPoolExecutor(args.clients) as pool:
            futures = [pool.submit(fire, r) for r in readers]
            start = time.perf_counter()
            go.set()
            results = [f.result() for f in futures]
            wall = time.perf_counter() - start
    finally:
        server.terminate()
        server.wait(timeout=30)
    statuses: dict[int, int] = {}
    for status, _ in results:
        statuses[status] = statuses.get(status, 0) + 1
    accepted = statuses.get(200, 0)
    stored, rows, total = (
        int(x) for x in run_manage(env, "shell", stdin=COUNT.format(pk=pk)).split()[-3:]
    )
    expected_total = sum(n % 5 + 1 for n in range(args.readers))
    latencies = [t * 1000 for _, t in results]
    return {
        "name": name,
        "votes": len(results),
        "accepted": accepted,
        "statuses": statuses,
        "stored": stored,
        "rows": rows,
        "exact": stored == rows == accepted and total == expected_total,
        "wall": wall,
        "rate": accepted / wall,
        "p50": statistics.median(latencies),
        "p95": percentile(latencies, 95),
        "p99": percentile(latencies, 99),
        "max": max(latencies),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "pg", "both"], default="both")
    parser.add_argument("--readers", type=int, default=1000, help="votes to cast (one each)")
    parser.add_argument("--clients", type=int, default=50, help="concurrent client threads")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--port", type=int, default=8311)
    args = parser.parse_args()

    targets = []
    if args.db in ("sqlite", "both"):
        db_file = Path(tempfile.mkdtemp(prefix="bench-votes-")) / "bench.sqlite3"
        targets.append(("SQLite (WAL, IMMEDIATE)", f"sqlite:///{db_file}"))
    if args.db in ("pg", "both"):
        url = os.environ.get("DATABASE_URL_PG")
        if url:
            targets.append(("PostgreSQL", url))
        elif args.db == "pg":
            parser.error("set DATABASE_URL_PG to a PostgreSQL database the benchmark may write to")
    print(
        f"{args.readers} readers, {args.clients} concurrent clients, gunicorn "
        f"{args.workers} workers x {args.threads} threads, one post"
    )
    print(
        f"{'database':26} {'votes/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
        f"{'max ms':>7}  accepted/stored  statuses"
    )
    failed = False
    for name, url in targets:
        r = bench(name, url, args)
        failed |= not r["exact"]
        print(
            f"{r['name']:26} {r['rate']:8.0f} {r['p50']:7.1f} {r['p95']:7.1f} {r['p99']:7.1f} "
            f"{r['max']:7.1f}  {r['accepted']}/{r['stored']} "
            f"{'exact' if r['exact'] else 'MISMATCH'}  {r['statuses']}"
        )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
