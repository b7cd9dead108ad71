"""Reading a WordPress eXtended RSS export (WXR 1.0 to 1.2, as WordPress 3.x–6.x write it) as a
stream: one author, term or item at a time, in bounded memory whatever the file's size.

The XML goes through defusedxml: any document type declaration (``<!DOCTYPE …>``: entities,
the "billion laughs", external entities or DTDs) is refused before anything is read from it,
with ``WXRError``, as is an RSS feed that is not a WordPress export. Each ``<item>`` is
dropped from the tree once read, so a 500 MB export needs no more memory than its largest post.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

NS_CONTENT = "http://purl.org/rss/1.0/modules/content/"
NS_DC = "http://purl.org/dc/elements/1.1/"
WP_PREFIX = "http://wordpress.org/export/"


NOT_WORDPRESS = (
    "This is an RSS feed, not a WordPress export: it has none of the export's wp: elements "
    "(no wxr_version, authors or post ids). Export the blog from WordPress's dashboard: "
    "Tools → Export → All content."
)


class WXRError(Exception):
    """The file is not a WordPress export this importer can read safely."""


@dataclass
class Site:
    title: str = ""
    link: str = ""
    base_site_url: str = ""
    base_blog_url: str = ""
    wxr_version: str = ""


@dataclass
class Author:
    wp_id: int | None
    login: str
    email: str = ""
    display_name: str = ""
    first_name: str = ""
    last_name: str = ""
    description: str = ""


@dataclass
class Term:
    """A category or tag declared at the top of the export."""

    kind: str  # "category" or "tag"
    wp_id: int | None
    slug: str
    name: str
    parent_slug: str = ""
    description: str = ""


@dataclass
class Item:
    """One ``<item>``: a post, page, attachment or anything else WordPress exported."""

    wp_id: int
    post_type: str
    title: str = ""
    link: str = ""
    guid: str = ""
    creator: str = ""
    content: str = ""
    excerpt: str = ""
    post_date: str = ""
    post_date_gmt: str = ""
    post_name: str = ""
    status: str = ""
    parent: int = 0
    is_sticky: bool = False
    password: str = ""
    attachment_url: str = ""
    # (domain, nicename, name): domain "category" or "post_tag" (others are kept and ignored).
    terms: list[tuple[str, str, str]] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    comments: int = 0


def _local(tag: str) -> str:
    """``{namespace}name`` → ``prefix:name`` for the namespaces a WXR uses, whatever its
    version (wp: and excerpt: carry the export version in their address)."""
    if not tag.startswith("{"):
        return tag
    uri, _, name = tag[1:].partition("}")
    if uri.startswith(WP_PREFIX):
        return f"excerpt:{name}" if uri.rstrip("/").endswith("/excerpt") else f"wp:{name}"
    if uri == NS_CONTENT:
        return f"content:{name}"
    if uri == NS_DC:
        return f"dc:{name}"
    return f"other:{name}"


def _text(element) -> str:
    return (element.text or "").strip() if element is not None else ""


def _int(value: str) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _children(element) -> dict[str, object]:
    found: dict[str, object] = {}
    for child in element:
        found.setdefault(_local(child.tag), child)
    return found


def _author(element) -> Author:
    c = _children(element)
    return Author(
        wp_id=_int(_text(c.get("wp:author_id"))),
        login=_text(c.get("wp:author_login")),
        email=_text(c.get("wp:author_email")),
        display_name=_text(c.get("wp:author_display_name")),
        first_name=_text(c.get("wp:author_first_name")),
        last_name=_text(c.get("wp:author_last_name")),
        description=_text(c.get("wp:author_description")),
    )


def _term(element, kind: str) -> Term:
    c = _children(element)
    if kind == "category":
        return Term(
            kind="category",
            wp_id=_int(_text(c.get("wp:term_id"))),
            slug=_text(c.get("wp:category_nicename")),
            name=_text(c.get("wp:cat_name")),
            parent_slug=_text(c.get("wp:category_parent")),
            description=_text(c.get("wp:category_description")),
        )
    if kind == "tag":
        return Term(
            kind="tag",
            wp_id=_int(_text(c.get("wp:term_id"))),
            slug=_text(c.get("wp:tag_slug")),
            name=_text(c.get("wp:tag_name")),
            description=_text(c.get("wp:tag_description")),
        )
    # <wp:term> (WXR 1.2, any taxonomy): categories and tags keep their own elements above.
    taxonomy = _text(c.get("wp:term_taxonomy"))
    return Term(
        kind={"category": "category", "post_tag": "tag"}.get(taxonomy, taxonomy),
        wp_id=_int(_text(c.get("wp:term_id"))),
        slug=_text(c.get("wp:term_slug")),
        name=_text(c.get("wp:term_name")),
        parent_slug=_text(c.get("wp:term_parent")),
        description=_text(c.get("wp:term_description")),
    )


def _item(element) -> Item:
    item = Item(wp_id=0, post_type="")
    for child in element:
        name = _local(child.tag)
        raw = child.text or ""
        if name == "title":
            item.title = raw.strip()
        elif name == "link":
            item.link = raw.strip()
        elif name == "guid":
            item.guid = raw.strip()
        elif name == "dc:creator":
            item.creator = raw.strip()
        elif name == "content:encoded":
            item.content = raw
        elif name == "excerpt:encoded":
            item.excerpt = raw
        elif name == "wp:post_id":
            item.wp_id = _int(raw.strip()) or 0
        elif name == "wp:post_type":
            item.post_type = raw.strip()
        elif name == "wp:post_date":
            item.post_date = raw.strip()
        elif name == "wp:post_date_gmt":
            item.post_date_gmt = raw.strip()
        elif name == "wp:post_name":
            item.post_name = raw.strip()
        elif name == "wp:status":
            item.status = raw.strip()
        elif name == "wp:post_parent":
            item.parent = _int(raw.strip()) or 0
        elif name == "wp:is_sticky":
            item.is_sticky = raw.strip() == "1"
        elif name == "wp:post_password":
            item.password = raw.strip()
        elif name == "wp:attachment_url":
            item.attachment_url = raw.strip()
        elif name == "category":
            item.terms.append((child.get("domain", ""), child.get("nicename", ""), raw.strip()))
        elif name == "wp:postmeta":
            c = _children(child)
            key = _text(c.get("wp:meta_key"))
            if key:
                item.meta[key] = (c.get("wp:meta_value").text or "") if "wp:meta_value" in c else ""
        elif name == "wp:comment":
            c = _children(child)
            # Pingbacks, trackbacks and spam are not comments readers wrote.
            kind = _text(c.get("wp:comment_type"))
            if _text(c.get("wp:comment_approved")) == "1" and kind not in ("pingback", "trackback"):
                item.comments += 1
    return item


def read(stream: IO[bytes]) -> Iterator[Site | Author | Term | Item]:
    """The export's site information, then each author, term and item as it is read."""
    site = Site()
    site_sent = False
    channel = None
    depth = 0
    wordpress = False  # an element of WordPress's namespace seen: a WordPress export
    try:
        for event, element in iterparse(stream, events=("start", "end"), forbid_dtd=True):
            if event == "start":
                depth += 1
                if not wordpress and element.tag.startswith("{" + WP_PREFIX):
                    wordpress = True
                if depth == 2 and _local(element.tag) == "channel":
                    channel = element
                continue
            depth -= 1
            if depth != 2 or channel is None:
                if depth == 0 and _local(element.tag) != "rss":
                    raise WXRError("This is not a WordPress export: its root element is not <rss>.")
                continue
            name = _local(element.tag)
            if name == "item":
                if not wordpress:
                    raise WXRError(NOT_WORDPRESS)
                if not site_sent:
                    site_sent = True
                    yield site
                yield _item(element)
            elif name == "wp:author":
                yield _author(element)
            elif name == "wp:category":
                yield _term(element, "category")
            elif name == "wp:tag":
                yield _term(element, "tag")
            elif name == "wp:term":
                yield _term(element, "term")
            elif name == "title":
                site.title = _text(element)
            elif name == "link":
                site.link = _text(element)
            elif name == "wp:base_site_url":
                site.base_site_url = _text(element)
            elif name == "wp:base_blog_url":
                site.base_blog_url = _text(element)
            elif name == "wp:wxr_version":
                site.wxr_version = _text(element)
            # Read: drop it, so memory stays bounded by the largest item.
            channel.remove(element)
    except DefusedXmlException as exc:
        raise WXRError(
            "The export declares XML entities or a document type (<!DOCTYPE …>, an external "
            "DTD), which a WordPress export never does; it was refused unread "
            f"({type(exc).__name__})."
        ) from exc
    except ParseError as exc:
        raise WXRError(f"The export is not well-formed XML: {exc}.") from exc
    if channel is None:
        raise WXRError("This is not a WordPress export: it has no <rss><channel>.")
    if not wordpress:
        raise WXRError(NOT_WORDPRESS)
    if not site_sent:
        yield site


def parse_wp_date(value: str) -> datetime.datetime | None:
    """'2019-03-05 14:02:00' → a naive datetime; WordPress's zero date and garbage → None."""
    if not value or value.startswith("0000-00-00"):
        return None
    try:
        return datetime.datetime.strptime(value[:19], "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None
