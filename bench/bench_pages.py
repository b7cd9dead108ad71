"""Reader-side throughput: home, post, archive and author pages through a real server.

Seeds a database with ``seed_demo --posts N`` (unless --no-seed), starts gunicorn with the
production settings on loopback (plain HTTP), and lets C concurrent readers fetch pages for a fixed
number of requests. Prints requests per second and latency percentiles for each page.

    python bench/bench_pages.py --posts 10000 --database sqlite
    python bench/bench_pages.py --posts 10000 --database postgres://postgres@127.0.0.1:5432/bench
"""

import argparse
import http.client
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def fetch_many(port: int, path: str, count: int, concurrency: int) -> tuple[float, list[float]]:
    latencies: list[float] = []
    errors: list[int] = []
    lock = threading.Lock()
    per_worker = count // concurrency

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for _ in range(per_worker):
            start = time.perf_counter()
            conn.request("GET", path, headers={"Host": "localhost"})
            response = conn.getresponse()
            response.read()
            elapsed = time.perf_counter() - start
            with lock:
                latencies.append(elapsed)
                if response.status != 200:
                    errors.append(response.status)
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    if errors:
        raise SystemExit(f"{path}: {len(errors)} non-200 answers, e.g. {errors[:5]}")
    return len(latencies) / wall, latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=10000)
    parser.add_argument("--database", default="sqlite", help="'sqlite' or a postgres:// URL")
    parser.add_argument("--requests", type=int, default=400, help="requests per page")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--port", type=int, default=8190)
    parser.add_argument("--no-seed", action="store_true")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    env = {
        **os.environ,
        "DJANGO_SECRET_KEY": "bench-only-" + "k" * 50,
        "DJANGO_ALLOWED_HOSTS": "localhost,127.0.0.1",
        "DJANGO_HTTPS": "0",
        "DJANGO_MEDIA_ROOT": str(workdir / "media"),
        "DATABASE_URL": (
            f"sqlite:///{workdir / 'bench.sqlite3'}" if args.database == "sqlite" else args.database
        ),
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    dev_env = {**env, "DJANGO_SETTINGS_MODULE": "config.settings.dev"}
    if not args.no_seed:
        subprocess.run([*manage, "migrate", "-v0"], env=dev_env, check=True, cwd=ROOT)
        started = time.perf_counter()
        subprocess.run(
            [*manage, "seed_demo", "--posts", str(args.posts)], env=dev_env, check=True, cwd=ROOT
        )
        print(f"seed_demo --posts {args.posts}: {time.perf_counter() - started:.1f} s")

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
                conn.request("GET", "/", headers={"Host": "localhost"})
                home = conn.getresponse().read().decode()
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise SystemExit("the server did not start")
        post_path = re.search(r'class="post-card__title"><a href="([^"]+)"', home).group(1)
        author_path = re.search(r'href="(/author/[^"]+/)"', home).group(1)
        year = post_path.split("/")[1]
        pages = {
            "home": "/",
            "home page 50": "/?page=50",
            "post": post_path,
            "year archive": f"/{year}/",
            "author": author_path,
            "feed": "/feed/",
        }
        print(
            f"\n{args.posts} posts, {args.database.split('://')[0]}, gunicorn "
            f"{args.workers} workers, {args.concurrency} concurrent readers, "
            f"{args.requests} requests a page"
        )
        print(f"{'page':<14} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
        for name, path in pages.items():
            fetch_many(args.port, path, args.concurrency * 2, args.concurrency)  # warm up
            rate, latencies = fetch_many(args.port, path, args.requests, args.concurrency)
            print(
                f"{name:<14} {rate:>8.0f} {statistics.median(latencies) * 1000:>8.1f} "
                f"{percentile(latencies, 0.95) * 1000:>8.1f} "
                f"{percentile(latencies, 0.99) * 1000:>8.1f}"
            )
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
