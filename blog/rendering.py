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

from images.markdown import Figures
from images.sanitizing import FIGURE_ATTRIBUTES, FIGURE_TAGS, figure_attribute_filter

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "cite", "code", "dd", "del", "div", "dl", "dt", "em",
    "figcaption", "figure", "footer", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins",
    "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small", "span", "strong", "sub", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
} | FIGURE_TAGS  # fmt: skip
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
for _tag, _names in FIGURE_ATTRIBUTES.items():
    ALLOWED_ATTRIBUTES[_tag] = ALLOWED_ATTRIBUTES.get(_tag, set()) | _names
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


def render_markdown(
    source: str, *, used_images: set | None = None, figures: Figures | None = None
) -> str:
    """Render Markdown (with raw HTML allowed) and sanitize the result with an allowlist.
    Pictures of the media library placed as figures (``images.markdown``) are rendered with
    their renditions; their ids are added to ``used_images`` when given, and ``figures`` (when
    given) tells which references placed no picture."""
    figures = figures if figures is not None else Figures(source or "")
    html = markdown.markdown(
        source or "",
        extensions=["extra", "sane_lists", QuoteAttributionExtension(), figures.extension()],
        output_format="html",
    )
    if used_images is not None:
        used_images.update(figures.used)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
        attribute_filter=figure_attribute_filter,
    )
