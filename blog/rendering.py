"""Markdown → sanitized HTML for post bodies and author bios.

Bodies are rendered once, when saved, and the HTML is stored: readers never pay for rendering. Raw
HTML is allowed in the Markdown source but passes an allowlist: no script or style, no event
handlers, no javascript: or data: URLs.
"""

import re
import xml.etree.ElementTree as etree

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "cite", "code", "dd", "del", "div", "dl", "dt", "em",
    "figcaption", "figure", "footer", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins",
    "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small", "span", "strong", "sub", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "blockquote": {"cite"},
    "footer": {"class"},
    "img": {"src", "alt", "title", "width", "height"},
    "q": {"cite"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "code": {"class"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

ATTRIBUTION = re.compile(r"^\s*(?:—|–|--)\s*")


class QuoteAttributionProcessor(Treeprocessor):
    """A blockquote's last paragraph that starts with an em dash becomes its attribution footer."""

    def run(self, root: etree.Element) -> None:
        for quote in root.iter("blockquote"):
            if len(quote) < 2 or quote[-1].tag != "p":
                continue
            last = quote[-1]
            if last.text and ATTRIBUTION.match(last.text):
                last.tag = "footer"
                last.set("class", "attribution")
                last.text = "— " + ATTRIBUTION.sub("", last.text, count=1)


class QuoteAttributionExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown's API)
        md.treeprocessors.register(QuoteAttributionProcessor(md), "quote_attribution", 5)


def render_markdown(source: str) -> str:
    """Render Markdown (with raw HTML allowed) and sanitize the result with an allowlist."""
    html = markdown.markdown(
        source or "",
        extensions=["extra", "sane_lists", QuoteAttributionExtension()],
        output_format="html",
    )
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
