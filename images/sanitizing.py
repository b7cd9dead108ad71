"""What the HTML sanitizer of rendered text must let through for figures, and no more.

A figure's ``<picture>``, ``<source>`` and the ``srcset``/``sizes``/``loading`` of its ``<img>``
are allowed, but their values are checked: a ``srcset`` may only point into the site's media
storage (an author's raw HTML cannot fetch from elsewhere through it), ``sizes`` holds only a
media condition, and the only class a span may carry is the credit's.
"""

import contextlib
import re

from django.conf import settings
from django.core.files.storage import default_storage

FIGURE_TAGS = {"picture", "source"}
FIGURE_ATTRIBUTES = {
    "img": {"srcset", "sizes", "loading", "decoding"},
    "source": {"type", "srcset", "sizes"},
    "span": {"class"},
}
SIZES = re.compile(r"^[0-9a-z().,%:+\- ]{1,200}$")
ALLOWED_VALUES = {
    ("img", "loading"): {"lazy", "eager"},
    ("img", "decoding"): {"async"},
    ("source", "type"): {"image/webp", "image/jpeg", "image/png"},
    ("span", "class"): {"credit"},
}


def media_prefixes() -> tuple[str, ...]:
    prefixes = {settings.MEDIA_URL}
    # A storage that cannot tell its address without a file name: MEDIA_URL only.
    with contextlib.suppress(Exception):
        prefixes.add(default_storage.url("images/"))
    return tuple(p for p in prefixes if p)


def srcset_is_ours(value: str) -> bool:
    prefixes = media_prefixes()
    for candidate in value.split(","):
        url = candidate.strip().split(" ")[0]
        if not url or not url.startswith(prefixes) or url.startswith("//"):
            return False
    return True


def figure_attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    """nh3's attribute filter: None drops the attribute."""
    allowed = ALLOWED_VALUES.get((tag, attribute))
    if allowed is not None:
        return value if value in allowed else None
    if attribute == "srcset":
        return value if srcset_is_ours(value) else None
    if attribute == "sizes":
        return value if SIZES.match(value) else None
    return value
