"""Old WordPress addresses in one normal form, so a stored address and a request for it meet:
the path percent-decoded and lower-cased with a trailing slash, and of the query only the
parameters WordPress addressed posts by (``p``, ``page_id``, ``attachment_id``)."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, unquote, urlsplit

ID_PARAMETERS = ("p", "page_id", "attachment_id")
MAX_LENGTH = 500
_DIGITS = re.compile(r"[0-9]{1,18}")


def address_key(url: str) -> str | None:
    """The normal form of an address (a full URL or a path with its query); None when it
    cannot name a post (the home page itself, or too long)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    path = unquote(parts.path or "/", errors="replace").lower()
    for query_name, value in parse_qsl(parts.query, keep_blank_values=False):
        if query_name in ID_PARAMETERS and _DIGITS.fullmatch(value):
            return f"/?{query_name}={int(value)}"
    if path.endswith("/index.php"):
        path = path[: -len("index.php")]
    if not path.startswith("/"):
        path = "/" + path
    if not path.endswith("/"):
        path += "/"
    if path == "/" or len(path) > MAX_LENGTH:
        return None
    return path
