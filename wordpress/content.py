"""A WordPress post's HTML as this site's body: Markdown with raw HTML, which the blog renders
through its sanitizer (blog.rendering). The post must read as it did on WordPress:

- classic-editor text gets WordPress's paragraphs (``wpautop``); block-editor content
  (``<!-- wp:… -->``) is already HTML and loses only its block comments;
- ``[caption]`` becomes a figure with its caption, and a credit when the caption ends with one
  ("(Source: …)", "Photo: …", "Credit: …");
- images from the uploads folder are replaced by their copies in the media library;
- a quote's last line starting with a dash, or its ``<cite>``, becomes the quote's attribution
  as the blog's Markdown writes it (``<footer class="attribution">— …</footer>``);
- any other shortcode stays as text and is reported.

The result is stored as HTML blocks separated by blank lines, which the Markdown renderer keeps
as they are: no character of the post is re-read as Markdown.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from wordpress.autop import shortcode_attributes, shortcode_names, wpautop

_BLOCK_COMMENT = re.compile(r"<!--\s*/?wp:.*?-->\s*", re.S)
_CAPTION = re.compile(r"\[(wp_caption|caption)(\s[^\]]*)?\](.*?)\[/\1\]", re.S | re.I)
_IMG = re.compile(r"<img\b[^>]*>", re.I | re.S)
_LINKED_IMG = re.compile(r"<a\b[^>]*>\s*(<img\b[^>]*>)\s*</a>", re.I | re.S)
_ATTR = re.compile(r"""([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
_HREF = re.compile(r"""(<a\b[^>]*?\bhref\s*=\s*)(["'])([^"']*)\2""", re.I)
_FIGURE_TOKEN = "WPIMPORTFIGURE{}X"
# The block editor's image: <figure class="wp-block-image"><img …><figcaption>…</figcaption>.
_BLOCK_FIGURE = re.compile(
    r"<figure\b[^>]*>\s*((?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)\s*"
    r"(?:<figcaption\b[^>]*>(.*?)</figcaption>)?\s*</figure>",
    re.S | re.I,
)
_FIGURE_PARA = re.compile(r"(?:<p>)?\s*WPIMPORTFIGURE(\d+)X\s*(?:</p>)?")
_BLOCKQUOTE = re.compile(r"(<blockquote\b[^>]*>)(.*?)(</blockquote>)", re.S | re.I)
_DASH = r"(?:—|–|--|&#8212;|&mdash;|&#8211;|&ndash;)"
_CREDIT_WORDS = r"(?:source|credit|photo credit|photo|image|picture)"
_CREDIT_PATTERNS = [
    # "Protesters in Berlin (Source: Reuters)"
    re.compile(
        rf"^(?P<caption>.*?)\s*\({_CREDIT_WORDS}s?\s*:\s*(?P<credit>[^()]+)\)\s*\.?$", re.I | re.S
    ),
    # "Protesters in Berlin. Photo: Reuters"
    re.compile(rf"^(?P<caption>.*?)[\s.|–—-]*\b{_CREDIT_WORDS}\s*:\s*(?P<credit>.+)$", re.I | re.S),
    # "Protesters in Berlin, photo by Jane Doe"
    re.compile(
        r"^(?P<caption>.*?)[\s.,|–—-]*\b(?:photo|image|picture) by\s+(?P<credit>.+)$", re.I | re.S
    ),
]
UPLOADS_MARKERS = ("/wp-content/uploads/", "/files/", "/uploads/")
_SIZE_SUFFIX = re.compile(r"-\d+x\d+(?=\.[A-Za-z0-9]+$)")


@dataclass
class Figure:
    """An image the body shows, as the importer resolved it: ``html`` replaces the image."""

    html: str


@dataclass
class Converted:
    body: str
    # Shortcodes left in the text as written (WordPress would have run them).
    shortcodes: list[str] = field(default_factory=list)
    # Images the body refers to that could not be brought into the media library.
    missing_images: list[str] = field(default_factory=list)


# (src, attachment id or None, alt, caption, credit, figure?) → the HTML that replaces the image,
# or None when the image is not in the uploads folder (it is then left as it was).
ImageResolver = Callable[..., str | None]


def attributes(tag: str) -> dict[str, str]:
    """The attributes of one HTML tag, entity-decoded."""
    found = {}
    for m in _ATTR.finditer(tag):
        value = next(v for v in m.group(2, 3, 4) if v is not None)
        found[m.group(1).lower()] = html.unescape(value)
    return found


def attachment_id(img_tag: str) -> int | None:
    """WordPress marks an image inserted from the library with ``class="wp-image-<id>"``."""
    m = re.search(r"\bwp-image-(\d+)\b", attributes(img_tag).get("class", ""))
    return int(m.group(1)) if m else None


def uploads_path(url: str) -> str | None:
    """The file's path inside the uploads folder, from its address on the old site
    (``…/wp-content/uploads/2019/03/a.jpg`` → ``2019/03/a.jpg``); None for other addresses."""
    path = unquote(urlsplit(url.strip()).path)
    for marker in UPLOADS_MARKERS:
        if marker in path:
            relative = path.split(marker, 1)[1].lstrip("/")
            parts = relative.split("/")
            if relative and ".." not in parts and "" not in parts:
                return relative
    return None


def original_path(relative: str) -> str:
    """The full-size file WordPress resized ``a-300x200.jpg`` from: ``a.jpg``."""
    return _SIZE_SUFFIX.sub("", relative)


def split_credit(caption: str) -> tuple[str, str]:
    """'Protesters in Berlin (Source: Reuters)' → ('Protesters in Berlin', 'Reuters')."""
    text = caption.strip()
    for pattern in _CREDIT_PATTERNS:
        m = pattern.match(text)
        if m and m.group("caption").strip() and m.group("credit").strip():
            return m.group("caption").strip().rstrip(".,;:|–—-").strip(), m.group(
                "credit"
            ).strip().rstrip(".")
    return text, ""


def _caption_parts(attrs_text: str, inner: str) -> tuple[str, str, str]:
    """The image tag, caption and credit of one ``[caption]``."""
    attrs = shortcode_attributes(attrs_text or "")
    linked = _LINKED_IMG.search(inner)
    img_match = linked or _IMG.search(inner)
    img = ""
    caption = inner
    if img_match:
        img = linked.group(1) if linked else img_match.group(0)
        caption = inner[: img_match.start()] + inner[img_match.end() :]
    caption = attrs.get("caption") or caption
    caption = " ".join(caption.split())
    caption_text, credit = split_credit(caption)
    return img, caption_text, credit


def convert_body(source: str, *, resolve_image: ImageResolver) -> Converted:
    """A WordPress post's content as this site's body (see the module's docstring)."""
    result = Converted(body="")
    text = source or ""
    is_blocks = "<!-- wp:" in text
    if is_blocks:
        text = _BLOCK_COMMENT.sub("", text)

    figures: list[str] = []

    def caption_figure(m: re.Match) -> str:
        img, caption, credit = _caption_parts(m.group(2), m.group(3))
        return figure_of(img, caption, credit)

    def caption_figure_from(inner: str, caption_html: str) -> str:
        img_match = _IMG.search(inner)
        caption, credit = split_credit(caption_html)
        return figure_of(img_match.group(0) if img_match else "", caption, credit)

    def figure_of(img: str, caption: str, credit: str) -> str:
        rendered = None
        if img:
            a = attributes(img)
            rendered = resolve_image(
                src=a.get("src", ""),
                attachment=attachment_id(img),
                alt=a.get("alt", ""),
                caption=caption,
                credit=credit,
                figure=True,
            )
            if rendered is None:
                result.missing_images.append(a.get("src", ""))
                rendered = _plain_figure(img, caption, credit)
        else:
            rendered = _plain_figure("", caption, credit)
        figures.append(rendered)
        return "\n\n" + _FIGURE_TOKEN.format(len(figures) - 1) + "\n\n"

    text = _CAPTION.sub(caption_figure, text)
    text = _BLOCK_FIGURE.sub(
        lambda m: caption_figure_from(m.group(1), " ".join((m.group(2) or "").split())), text
    )
    result.shortcodes = shortcode_names(text)
    if not is_blocks:
        text = wpautop(text)

    def inline_image(m: re.Match) -> str:
        tag = m.group(0)
        a = attributes(tag)
        src = a.get("src", "")
        if uploads_path(src) is None and attachment_id(tag) is None:
            return tag
        rendered = resolve_image(
            src=src,
            attachment=attachment_id(tag),
            alt=a.get("alt", ""),
            caption="",
            credit="",
            figure=False,
            width=a.get("width", ""),
            height=a.get("height", ""),
        )
        if rendered is None:
            result.missing_images.append(src)
            return tag
        return rendered

    text = _IMG.sub(inline_image, text)
    text = _HREF.sub(lambda m: _relink(m, resolve_image), text)
    text = _FIGURE_PARA.sub(lambda m: "\n\n" + figures[int(m.group(1))] + "\n\n", text)
    text = _BLOCKQUOTE.sub(_attribution, text)
    result.body = _blocks(text)
    return result


def _relink(m: re.Match, resolve_image: ImageResolver) -> str:
    """A link to an uploaded file (the full-size image around a thumbnail) follows the copy."""
    url = html.unescape(m.group(3))
    if uploads_path(url) is None:
        return m.group(0)
    new = resolve_image(src=url, attachment=None, alt="", caption="", credit="", figure=None)
    if new is None:
        return m.group(0)
    return f"{m.group(1)}{m.group(2)}{html.escape(new, quote=True)}{m.group(2)}"


def _plain_figure(img: str, caption: str, credit: str) -> str:
    credit_html = f" <span>(Source: {credit})</span>" if credit else ""
    return f"<figure>{img}<figcaption>{caption}{credit_html}</figcaption></figure>"


def _attribution(m: re.Match) -> str:
    """A quote's closing attribution as the blog writes it."""
    opening, inner, closing = m.groups()
    cite = re.search(r"<cite\b[^>]*>(.*?)</cite>\s*$", inner, re.S | re.I)
    if cite:
        who = re.sub(rf"^\s*{_DASH}\s*", "", cite.group(1).strip())
        inner = inner[: cite.start()].rstrip()
        return f'{opening}{inner}<footer class="attribution">— {who}</footer>{closing}'
    paragraphs = list(re.finditer(r"<p\b[^>]*>(.*?)</p>\s*", inner, re.S | re.I))
    last_p = paragraphs[-1] if paragraphs else None
    if last_p is None or inner[last_p.end() :].strip():
        return m.group(0)
    content = last_p.group(1)
    lines = re.split(r"<br\s*/?>\s*", content)
    line = re.match(rf"^\s*{_DASH}\s*(.+)$", lines[-1], re.S)
    if not line:
        return m.group(0)
    footer = f'<footer class="attribution">— {line.group(1).strip()}</footer>'
    if len(lines) == 1:
        # The whole last paragraph is the attribution; a quote of that line alone is a quote.
        if not inner[: last_p.start()].strip():
            return m.group(0)
        return f"{opening}{inner[: last_p.start()].rstrip()}{footer}{closing}"
    kept = "<br />\n".join(lines[:-1]).rstrip()
    return f"{opening}{inner[: last_p.start()]}<p>{kept}</p>{footer}{closing}"


def _blocks(text: str) -> str:
    """Blank lines between the top-level blocks, none inside them: the Markdown renderer then
    keeps each block as raw HTML."""
    text = re.sub(r"\n{3,}", "\n\n", text.strip())
    lines = text.split("\n")
    out: list[str] = []
    depth = 0
    block_open = re.compile(r"<(blockquote|ul|ol|table|figure|div|pre|dl)\b", re.I)
    block_close = re.compile(r"</(blockquote|ul|ol|table|figure|div|pre|dl)>", re.I)
    for line in lines:
        if (
            depth == 0
            and out
            and out[-1] != ""
            and re.match(
                r"\s*<(p|h[1-6]|blockquote|ul|ol|table|figure|div|pre|dl|hr)\b", line, re.I
            )
        ):
            out.append("")
        if depth > 0 or line.strip() or out[-1:] != [""]:
            out.append(line)
        depth += len(block_open.findall(line)) - len(block_close.findall(line))
        depth = max(depth, 0)
    return "\n".join(out).strip() + "\n"
