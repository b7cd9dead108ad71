"""Fetch a running site's home page and every stylesheet it links; fail unless all answer 200 with
real content. Usage: check_site.py http://127.0.0.1:PORT [seconds to wait for the server]"""

import re
import sys
import time
import urllib.error
import urllib.request


def fetch(url: str) -> tuple[int, str, bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.headers.get("Content-Type", ""), response.read()


def wait_for(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            fetch(url)
            return
        except (urllib.error.URLError, ConnectionError) as error:
            if time.monotonic() > deadline:
                sys.exit(f"{url} did not answer within {seconds:.0f} s: {error}")
            time.sleep(0.5)


def main() -> None:
    base = sys.argv[1].rstrip("/")
    wait_for(base + "/", float(sys.argv[2]) if len(sys.argv) > 2 else 30)

    status, content_type, body = fetch(base + "/")
    html = body.decode()
    assert status == 200 and content_type.startswith("text/html"), (status, content_type)
    cards = html.count('class="post-card"')
    assert cards >= 1, "the home page lists no post"
    print(f"/ -> {status}, {len(body)} bytes, {cards} posts")

    stylesheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert any("/css/site." in href for href in stylesheets), stylesheets
    for href in stylesheets:
        status, content_type, body = fetch(base + href if href.startswith("/") else href)
        assert status == 200 and content_type.startswith("text/css"), (href, status, content_type)
        assert len(body) > 500 and b"{" in body, f"{href} is not a stylesheet: {body[:200]!r}"
        if "/css/site." in href:
            assert b".site-header" in body, f"{href} is not the site's stylesheet"
        print(f"{href} -> {status}, {len(body)} bytes")


if __name__ == "__main__":
    main()
