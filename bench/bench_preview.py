"""The editor's live preview: how long an author waits for the server-rendered preview.

Migrates a fresh SQLite database, creates an Author, starts gunicorn with the production settings
on loopback (plain HTTP), signs in, and posts bodies of three sizes to the preview endpoint one
after the other, as one person typing does (the editor sends at most one request per pause).
Prints the endpoint's latency percentiles beside the in-process rendering time of the same body
(the baseline: what rendering alone costs, without HTTP, session and permission checks).

    python bench/bench_preview.py
    python bench/bench_preview.py --requests 200
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
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PARAGRAPH = (
    "Export controls on **dual-use** items have moved from the margins of trade policy to its "
    "centre. The [official account](https://example.org/report) is more cautious than the press "
    "coverage suggests, and the _implementing rules_ are still being written. "
)
SECTION = (
    "## A section heading\n\n"
    + (PARAGRAPH * 3 + "\n\n") * 3
    + "> Security is a process, not a product.\n> -- Bruce Schneier\n\n"
    + "- **Timing.** How long the transition lasts.\n- **Scope.** Who is covered.\n\n"
    + "1. First\n2. Second\n\n`code` and <abbr title='Export Administration Regulations'>EAR"
    + "</abbr>.\n\n"
)


def bodies() -> dict[str, str]:
    typical = SECTION * 4  # about 1,300 words: a long blog post
    longest = (SECTION * 200)[:400_000]  # the most the preview accepts
    return {
        "short (60 words)": PARAGRAPH * 2,
        "typical (1,300 words)": typical,
        "400,000 chars": longest,
    }


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


class Session:
    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, fields: dict | None = None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        all_headers = {
            "Host": "localhost",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            **(headers or {}),
        }
        body = None
        if fields is not None:
            body = urllib.parse.urlencode(fields)
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=all_headers)
        response = conn.getresponse()
        data = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        conn.close()
        return response.status, data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100, help="previews per body size")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--port", type=int, default=8191)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-preview-"))
    env = {
        **os.environ,
        "DJANGO_SECRET_KEY": "bench-only-" + "k" * 50,
        "DJANGO_ALLOWED_HOSTS": "localhost,127.0.0.1",
        "DJANGO_HTTPS": "0",
        "DJANGO_MEDIA_ROOT": str(workdir / "media"),
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    dev_env = {**env, "DJANGO_SETTINGS_MODULE": "config.settings.dev"}
    subprocess.run([*manage, "migrate", "-v0"], env=dev_env, check=True, cwd=ROOT)
    subprocess.run(
        [*manage, "shell", "-c",
         "from django.contrib.auth.models import Group, User\n"
         "u = User.objects.create_user('bench', password='bench-pass-Word-1', is_staff=True)\n"
         "u.groups.add(Group.objects.get(name='Authors'))"],
        env=dev_env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    prod_env = {**env, "DJANGO_SETTINGS_MODULE": "config.settings.production"}
    subprocess.run(
        [*manage, "collectstatic", "--noinput", "-v0"], env=prod_env, check=True, cwd=ROOT
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", str(args.workers),
         "--bind", f"127.0.0.1:{args.port}", "--log-level", "warning"],
        env=prod_env, cwd=ROOT,
    )  # fmt: skip
    try:
        session = Session(args.port)
        for _ in range(100):
            try:
                status, page = session.request("GET", "/admin/login/")
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise SystemExit("the server did not start")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        status, _ = session.request(
            "POST",
            "/admin/login/?next=/admin/",
            {"csrfmiddlewaretoken": token, "username": "bench", "password": "bench-pass-Word-1"},
        )
        if status != 302 or "sessionid" not in session.cookies:
            raise SystemExit(f"could not sign in (status {status})")
        status, page = session.request("GET", "/admin/blog/post/add/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
        import django

        django.setup()
        from blog.rendering import render_markdown

        print(
            f"\nPreview endpoint, gunicorn {args.workers} workers on loopback, SQLite, "
            f"{args.requests} previews a size, one at a time"
        )
        print(f"{'body':<24} {'render only':>12} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
        for name, body in bodies().items():
            renders = []
            for _ in range(min(args.requests, 20)):
                started = time.perf_counter()
                render_markdown(body)
                renders.append(time.perf_counter() - started)
            fields = {"csrfmiddlewaretoken": token, "body": body}
            headers = {"X-CSRFToken": token, "Referer": "http://localhost/admin/blog/post/add/"}
            for _ in range(3):  # warm up every worker
                session.request("POST", "/admin/blog/post/add/preview/", fields, headers)
            latencies = []
            for _ in range(args.requests):
                started = time.perf_counter()
                status, data = session.request(
                    "POST", "/admin/blog/post/add/preview/", fields, headers
                )
                latencies.append(time.perf_counter() - started)
                if status != 200:
                    raise SystemExit(f"{name}: status {status}: {data[:200]!r}")
            print(
                f"{name:<24} {statistics.median(renders) * 1000:>10.1f} ms "
                f"{statistics.median(latencies) * 1000:>8.1f} "
                f"{percentile(latencies, 0.95) * 1000:>8.1f} {max(latencies) * 1000:>8.1f}"
            )
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
