"""Server CPU per request with the page cache on and off, beside the Django floor, in one run.

Serves the same SQLite database with gunicorn (sync workers, production settings, plain HTTP on
loopback) four times in a row and loads the home, a post and a tag page through each:

- ``cache on``: the page cache answers (after a warm-up);
- ``cache off``: ``DJANGO_PAGE_CACHE=0``, every request renders (fragments warm, as between
  changes);
- ``cache off, after a vote``: the same, with the page generation moved before every request as
  a vote on another post (or any change that versioned fragments follow) moves it: the page and
  the fragments keyed by the generation render, the post cards stay cached;
- ``cache off, cold``: the same, with the fragment generation moved too before every request, so
  nothing cached helps (the first view after a bulk write or a rating setting change);
- ``before``: the code of another git revision (``--baseline``, default the last revision
  before the page cache), which had no page cache;
- ``floor``: a bare ``django-admin startproject`` with one view answering "Hello, world".

For each: requests per second, p50 / p99 latency, and the server's CPU time per request (the
gunicorn processes' user + system time over the run, divided by the requests), which is the
steadier figure on a shared machine; req/s and latency depend on whatever else runs. The load
comes from Python client processes (``wrk`` is not needed; gunicorn's sync workers close each
connection anyway).

    python bench/bench_cache.py --posts 2000                 # seeds a throwaway database
    python bench/bench_cache.py --database /path/db.sqlite3  # an existing, migrated one
"""

import argparse
import http.client
import multiprocessing
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TICKS = os.sysconf("SC_CLK_TCK")
# The last revision before the page cache and the cheaper renders (issue "Fast for every reader").
BEFORE_PAGE_CACHE = "81ccb77"

FLOOR_VIEW = """
from django.http import HttpResponse
from django.urls import path


def hello(request):
    return HttpResponse("Hello, world")


urlpatterns = [path("", hello)]
"""


def process_tree(pid: int) -> list[int]:
    pids = [pid]
    for task in Path(f"/proc/{pid}/task").iterdir():
        children = (task / "children").read_text().split()
        for child in children:
            pids += process_tree(int(child))
    return pids


def cpu_seconds(pid: int) -> float:
    total = 0.0
    for each in process_tree(pid):
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime
    return total


def rss_mb(pid: int) -> list[float]:
    sizes = []
    for each in process_tree(pid)[1:]:
        for line in Path(f"/proc/{each}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(int(line.split()[1]) / 1024)
    return sizes


def client(args) -> list[float]:
    port, path, count, bump = args
    latencies = []
    for _ in range(count):
        if bump:
            bump_generation(fragments=bump == "cold")
        start = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", path, headers={"Host": "localhost"})
        response = conn.getresponse()
        response.read()
        conn.close()
        latencies.append(time.perf_counter() - start)
        if response.status != 200:
            raise SystemExit(f"{path}: HTTP {response.status}")
    return latencies


_bump_connection = None


def bump_generation(*, fragments: bool):
    """Move the content generation as another process's write would (core.pagecache): the page
    generation alone (a vote), or the fragment generation with it (a bulk write)."""
    global _bump_connection
    import sqlite3

    if _bump_connection is None:
        _bump_connection = sqlite3.connect(os.environ["BENCH_DB"], timeout=30)
    also = ", fragments_value = value + 1, fragments_changed_at = datetime('now')"
    _bump_connection.execute(
        "UPDATE core_contentgeneration SET value = value + 1, changed_at = datetime('now')"
        + (also if fragments else "")
    )
    _bump_connection.commit()


def load(port, path, requests, connections, bump=False):
    per = requests // connections
    with multiprocessing.Pool(connections) as pool:
        started = time.perf_counter()
        results = pool.map(client, [(port, path, per, bump)] * connections)
        wall = time.perf_counter() - started
    latencies = sorted(x for r in results for x in r)
    return len(latencies) / wall, latencies


class Server:
    def __init__(self, cwd, env, port, workers, app="config.wsgi"):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", app, "--workers", str(workers),
             "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
            cwd=cwd, env=env,
        )  # fmt: skip
        for _ in range(150):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/", headers={"Host": "localhost"})
                conn.getresponse().read()
                return
            except OSError:
                time.sleep(0.2)
        raise SystemExit("the server did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=15)


def measure(server, port, path, requests, connections, bump=False):
    load(port, path, connections * 4, connections, bump)  # warm up every worker
    before = cpu_seconds(server.process.pid)
    rate, latencies = load(port, path, requests, connections, bump)
    cpu = cpu_seconds(server.process.pid) - before
    return {
        "rate": rate,
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
        "cpu": cpu / len(latencies) * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--database", help="an existing, migrated SQLite file (no seeding)")
    parser.add_argument(
        "--baseline", default=BEFORE_PAGE_CACHE, help="git revision measured as 'before'"
    )
    parser.add_argument("--requests", type=int, default=400, help="requests a page, rendering")
    parser.add_argument("--cached-requests", type=int, default=2000, help="… from the cache")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8191)
    args = parser.parse_args()

    load_before = os.getloadavg()
    workdir = Path(tempfile.mkdtemp(prefix="bench-cache-"))
    database = Path(args.database) if args.database else workdir / "bench.sqlite3"
    os.environ["BENCH_DB"] = str(database)
    env = {
        **os.environ,
        "DJANGO_SECRET_KEY": "bench-only-" + "k" * 50,
        "DJANGO_ALLOWED_HOSTS": "localhost,127.0.0.1",
        "DJANGO_HTTPS": "0",
        "DJANGO_DATA_DIR": str(workdir),
        "DJANGO_MEDIA_ROOT": str(workdir / "media"),
        "DATABASE_URL": f"sqlite:///{database}",
    }
    env.pop("REDIS_URL", None)
    manage = [sys.executable, "manage.py"]
    dev_env = {**env, "DJANGO_SETTINGS_MODULE": "config.settings.dev"}
    prod_env = {**env, "DJANGO_SETTINGS_MODULE": "config.settings.production"}
    try:
        if not args.database:
            subprocess.run([*manage, "migrate", "-v0"], env=dev_env, check=True, cwd=ROOT)
            subprocess.run(
                [*manage, "seed_demo", "--posts", str(args.posts)],
                env=dev_env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL,
            )  # fmt: skip
        subprocess.run(
            [*manage, "collectstatic", "--noinput", "-v0"], env=prod_env, check=True, cwd=ROOT
        )

        # The code before: a copy of the baseline revision, with its own static files.
        before_dir = workdir / "before"
        before_dir.mkdir()
        archive = subprocess.run(
            ["git", "archive", args.baseline], cwd=ROOT, check=True, capture_output=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(before_dir)], input=archive, check=True)
        before_env = {**prod_env, "DJANGO_DATA_DIR": str(before_dir)}
        subprocess.run(
            [*manage, "collectstatic", "--noinput", "-v0"],
            env=before_env, check=True, cwd=before_dir,
        )  # fmt: skip

        # The floor: a bare startproject with one view.
        floor_dir = workdir / "floor"
        floor_dir.mkdir()
        subprocess.run(
            [sys.executable, "-m", "django", "startproject", "floor", str(floor_dir)], check=True
        )
        (floor_dir / "floor" / "urls.py").write_text(FLOOR_VIEW)
        floor_env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "floor.settings",
            "PYTHONPATH": str(floor_dir),
        }
        settings_file = floor_dir / "floor" / "settings.py"
        settings_file.write_text(
            settings_file.read_text()
            .replace("DEBUG = True", "DEBUG = False")
            .replace("ALLOWED_HOSTS = []", "ALLOWED_HOSTS = ['localhost', '127.0.0.1']")
        )

        server = Server(ROOT, prod_env, args.port, args.workers)
        try:
            conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=10)
            conn.request("GET", "/", headers={"Host": "localhost"})
            home = conn.getresponse().read().decode()
        finally:
            server.stop()
        post = re.search(r'class="post-card__title"><a href="([^"]+)"', home).group(1)
        tag = re.search(r'href="(/tag/[^"]+/)"', home).group(1)
        pages = {"post": post, "home": "/", "tag": tag}

        off_env = {**prod_env, "DJANGO_PAGE_CACHE": "0"}
        runs = [
            ("cache on", ROOT, prod_env, args.cached_requests, False),
            ("cache off", ROOT, off_env, args.requests, False),
            ("cache off, after a vote", ROOT, off_env, args.requests, "vote"),
            ("cache off, cold", ROOT, off_env, args.requests, "cold"),
            (f"before ({args.baseline})", before_dir, before_env, args.requests, False),
        ]
        results = {}
        memory = {}
        for name, cwd, run_env, requests, bump in runs:
            server = Server(cwd, run_env, args.port, args.workers)
            try:
                for page, path in pages.items():
                    results[(name, page)] = measure(
                        server, args.port, path, requests, args.connections, bump
                    )
                memory[name] = rss_mb(server.process.pid)
            finally:
                server.stop()
        server = Server(floor_dir, floor_env, args.port, args.workers, app="floor.wsgi")
        try:
            floor = measure(server, args.port, "/", args.cached_requests, args.connections)
        finally:
            server.stop()

        load_after = os.getloadavg()
        print(
            f"\nload average (1, 5, 15 min) at the start: {load_before[0]:.2f}, "
            f"{load_before[1]:.2f}, {load_before[2]:.2f}; at the end: {load_after[0]:.2f}, "
            f"{load_after[1]:.2f}, {load_after[2]:.2f}"
        )
        print(
            f"SQLite, {args.workers} gunicorn sync workers, {args.connections} connections; "
            f"server CPU ms per request (gunicorn processes' user+system time / requests)"
        )
        print(
            f"{'page':<6} {'mode':<24} {'CPU ms':>7} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} "
            f"{'req/s of floor':>15}"
        )
        for page in pages:
            for name, *_ in runs:
                r = results[(name, page)]
                print(
                    f"{page:<6} {name:<24} {r['cpu']:>7.2f} {r['rate']:>7.0f} {r['p50']:>7.1f} "
                    f"{r['p99']:>7.1f} {r['rate'] / floor['rate']:>14.0%}"
                )
        print(
            f"{'floor':<6} {'hello world':<24} {floor['cpu']:>7.2f} {floor['rate']:>7.0f} "
            f"{floor['p50']:>7.1f} {floor['p99']:>7.1f} {1:>14.0%}"
        )
        print("\nworker memory after the run (MB RSS):")
        for name, sizes in memory.items():
            print(f"  {name}: {', '.join(f'{s:.0f}' for s in sizes)}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
