"""What pages tell search engines, feed readers and sharing sites: canonical addresses,
breadcrumb trails with their schema.org JSON-LD, descriptions and share links. Views prepare
these; templates only show them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

# Search engines show about this many characters of a description.
DESCRIPTION_CHARS = 160
# What may not appear raw inside a <script> element: "</script>" or "<!--" would end or bend it.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def canonical_url(request, page_number: int = 1) -> str:
    """The page's one absolute address: its path, with ``?page=N`` past the first page and no
    other query string (tracking parameters, sort orders)."""
    url = request.build_absolute_uri(request.path)
    return f"{url}?page={page_number}" if page_number > 1 else url


def describe(text: str) -> str:
    """A meta description: the text on one line, cut at a word near the length search engines
    show."""
    return Truncator(" ".join(text.split())).chars(DESCRIPTION_CHARS)


def json_ld(data: dict) -> SafeString:
    """A ``<script type="application/ld+json">`` block whose text no value can break out of."""
    payload = json.dumps(data, ensure_ascii=False).translate(_JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))


@dataclass(frozen=True)
class Crumb:
    name: str
    url: str


@dataclass(frozen=True)
class Breadcrumbs:
    """A trail from the home page to the current page (its last crumb)."""

    crumbs: list[Crumb]
    json_ld: SafeString


def breadcrumbs(request, *trail: tuple[str, str]) -> Breadcrumbs:
    """The trail Home › … › the current page, from ``(name, path)`` pairs after Home, with its
    schema.org ``BreadcrumbList`` (absolute addresses)."""
    crumbs = [Crumb("Home", reverse("blog:post_list")), *(Crumb(n, u) for n, u in trail)]
    data = {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": crumb.name,
                "item": request.build_absolute_uri(crumb.url),
            }
            for position, crumb in enumerate(crumbs, start=1)
        ],
    }
    return Breadcrumbs(crumbs, json_ld(data))


@dataclass(frozen=True)
class ShareLink:
    name: str
    url: str
    new_tab: bool = True


def _query(**params: str) -> str:
    # %20 for spaces, not "+": mail programs read a mailto: address's "+" as a plus sign.
    return urlencode(params, quote_via=quote)


def share_links(title: str, url: str) -> list[ShareLink]:
    """Plain links that share a post on other sites (opened in a new tab) or by e-mail; nothing
    is loaded from those sites until a reader follows one."""
    mail_body = f"{title}\n\n{url}"
    return [
        ShareLink("E-mail", f"mailto:?{_query(subject=title, body=mail_body)}", new_tab=False),
        ShareLink("Mastodon", f"https://mastodonshare.com/?{_query(text=title, url=url)}"),
        ShareLink("LinkedIn", f"https://www.linkedin.com/sharing/share-offsite/?{_query(url=url)}"),
        ShareLink("X", f"https://x.com/intent/tweet?{_query(text=title, url=url)}"),
        ShareLink("Facebook", f"https://www.facebook.com/sharer/sharer.php?{_query(u=url)}"),
    ]
