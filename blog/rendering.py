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
from markdown.preprocessors import Preprocessor
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

# What starts a quote's attribution: an em dash, an en dash, two hyphens (what keyboards type) or a
# tilde, followed by the name. Not three hyphens (a rule) nor two tildes.
ATTRIBUTION = re.compile(r"^\s*(?:—|–|--(?!-)|~(?!~))\s*")
# A quoted line: its ">" markers (the nesting depth) and what follows them.
QUOTED_LINE = re.compile(r"^((?: {0,3}>)+) ?(.*)$")
FENCE = re.compile(r"^ {0,3}(```|~~~)")


def quote_depth(line: str) -> tuple[int, str]:
    """How many quotes deep ``line`` is, and its text without the markers."""
    match = QUOTED_LINE.match(line)
    if not match:
        return 0, line
    return match.group(1).count(">"), match.group(2)


class QuoteAttributionPreprocessor(Preprocessor):
    """``> text`` directly followed by ``> — Name`` (or ``— Name`` without its ``>``) as the
    quote's last line: a blank quote line is put between them, so the name is a paragraph of its
    own (the tree processor below makes it the attribution) instead of the end of the quote's
    last sentence. Fenced and indented code is left as it is."""

    def run(self, lines: list[str]) -> list[str]:
        result: list[str] = []
        fenced = False
        for index, line in enumerate(lines):
            depth, text = quote_depth(line)
            if FENCE.match(text):
                fenced = not fenced
            if not fenced and not depth and result and self.lazy_attribution(lines, index):
                # "> text" then "-- Name" without its ">": Markdown would run the name into the
                # quote's last sentence (a lazy continuation line); it is the attribution.
                previous_depth, _ = quote_depth(lines[index - 1])
                result.append(">" * previous_depth)
                result.append(">" * previous_depth + " " + line.strip())
                continue
            if not fenced and depth and result and self.ends_quote(lines, index, depth):
                previous_depth, previous_text = quote_depth(result[-1])
                if (
                    previous_depth >= depth
                    and previous_text.strip()
                    and not text.startswith("    ")
                    and ATTRIBUTION.match(text)
                    and ATTRIBUTION.sub("", text, count=1).strip()
                ):
                    result.append(">" * depth)
                    result.append(line)
                    # A shallower quote going on after it: the nested quote ends here rather
                    # than taking the next line into its attribution.
                    next_depth, next_text = (
                        quote_depth(lines[index + 1]) if index + 1 < len(lines) else (0, "")
                    )
                    if next_depth and next_text.strip():
                        result.append(">" * next_depth)
                    continue
            result.append(line)
        return result

    @staticmethod
    def lazy_attribution(lines: list[str], index: int) -> bool:
        """The line at ``index`` has no ">" but directly follows a quoted line of text, ends the
        paragraph and reads as an attribution (a dash or tilde, then a name)."""
        line = lines[index]
        if index == 0 or line.startswith("    ") or not line.strip():
            return False
        previous_depth, previous_text = quote_depth(lines[index - 1])
        if not previous_depth or not previous_text.strip():
            return False
        if index + 1 < len(lines) and lines[index + 1].strip():
            return False
        return bool(ATTRIBUTION.match(line) and ATTRIBUTION.sub("", line, count=1).strip())

    @staticmethod
    def ends_quote(lines: list[str], index: int, depth: int) -> bool:
        """The line at ``index`` is the last line of its quote (at ``depth``)."""
        if index + 1 == len(lines):
            return True
        following = lines[index + 1]
        next_depth, next_text = quote_depth(following)
        if next_depth == 0:
            # A blank line ends the quote; any other line would continue its paragraph.
            return not following.strip()
        return next_depth < depth


class QuoteAttributionProcessor(Treeprocessor):
    """A blockquote's last paragraph that starts with a dash (—, –, --) or a tilde becomes its
    attribution footer; a quote made of that line alone is not an attribution."""

    def run(self, root: etree.Element) -> None:
        for quote in root.iter("blockquote"):
            if len(quote) < 2 or quote[-1].tag != "p":
                continue
            last = quote[-1]
            if not last.text or not ATTRIBUTION.match(last.text):
                continue
            if ATTRIBUTION.sub("", last.text, count=1).strip() or len(last):
                last.tag = "footer"
                last.set("class", "attribution")
                last.text = "— " + ATTRIBUTION.sub("", last.text, count=1)


class QuoteAttributionExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown's API)
        # After fenced code (25) and raw HTML (20) are set aside, so neither is touched.
        md.preprocessors.register(QuoteAttributionPreprocessor(md), "quote_attribution", 15)
        md.treeprocessors.register(QuoteAttributionProcessor(md), "quote_attribution", 5)


def render_markdown(
    source: str,
    *,
    used_images: set | None = None,
    figures: Figures | None = None,
    eager_first_figure: bool = False,
) -> str:
    """Render Markdown (with raw HTML allowed) and sanitize the result with an allowlist.
    Pictures of the media library placed as figures (``images.markdown``) are rendered with
    their renditions, loaded lazily except, with ``eager_first_figure``, a first one within
    the first blocks; their ids are added to ``used_images`` when given, and ``figures`` (when
    given) tells which references placed no picture."""
    if figures is None:
        figures = Figures(source or "", eager_first=eager_first_figure)
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


# What a post's stored body depends on besides its text (``render_body``).
BODY_FIELDS = ("pk", "body", "body_html", "featured", "featured_image")


def render_body(post, *, used_images: set | None = None) -> str:
    """A post's body as stored: a first figure near the top loads at once when the post has no
    featured picture (the figure is then the first thing readers see); with one, every figure
    of the body is below it and loads lazily. Works with a migration's historical model."""
    featured = getattr(post, "featured_id", None) or getattr(post, "featured_image", None)
    return render_markdown(post.body, used_images=used_images, eager_first_figure=not featured)


def bodies_rerender(
    post_model, *, using: str = "default", batch_size: int = 500
) -> tuple[int, int]:
    """Render every stored body again with today's rules and store the HTML where it differs;
    nothing else of the post changes (no new version, revision or modification time). Takes the
    model so a migration can pass its historical one. Returns (posts checked, posts changed)."""
    checked = changed = 0
    pending = []
    manager = post_model._base_manager.db_manager(using)
    rows = manager.order_by("pk").only(*BODY_FIELDS)
    for post in rows.iterator(chunk_size=batch_size):
        checked += 1
        html = render_body(post)
        if html != post.body_html:
            post.body_html = html
            pending.append(post)
        if len(pending) >= batch_size:
            manager.bulk_update(pending, ["body_html"])
            changed += len(pending)
            pending = []
    if pending:
        manager.bulk_update(pending, ["body_html"])
        changed += len(pending)
    return checked, changed
