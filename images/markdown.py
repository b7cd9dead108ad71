"""Pictures of the library placed in Markdown as figures.

A paragraph holding only a picture whose address is ``image:<id>`` is a figure:

    ![A harbour at dawn](image:42)
    ![A harbour at dawn](image:42 "Fishing boats leave at five (Source: Jane Doe)")

The text in brackets is the description (alt text); left empty, the library's is used. The
quoted title is the caption, with the credit in ``(Source: …)`` at its end; without a title the
library's caption and credit are shown, and follow their changes. The figure is rendered, when
the text is saved, to a ``<figure>`` with the picture's renditions (``srcset``, WebP) and its
caption, loaded lazily except (with ``eager_first``) a first figure near the top of the text.
A reference to no picture of the library renders nothing.
"""

import re
import xml.etree.ElementTree as etree

from markdown import Markdown
from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension
from markdown.util import AtomicString

from images.html import picture_element

FIGURE = re.compile(
    r"""^!\[(?P<alt>(?:[^\]\\\n]|\\.)*)\]\(\s*image:(?P<ref>[^\s")]*)"""
    r"""(?:\s+"(?P<title>(?:[^"\\\n]|\\.)*)")?\s*\)$"""
)
REFERENCE = re.compile(r"\]\(\s*image:(\d{1,18})\b")
CREDIT = re.compile(r"^(?P<caption>.*?)\s*\(Source:\s*(?P<credit>[^()]*)\)$", re.DOTALL)
ESCAPED = re.compile(r"\\(.)")
# A figure within the first blocks of a text (after a heading and a paragraph, say) is above
# the fold on most screens when nothing is shown above the text.
EAGER_WITHIN_BLOCKS = 3
# How wide a figure is shown in a post's column, for the browser to pick a rendition.
BODY_SIZES = "(max-width: 900px) calc(100vw - 48px), 700px"


def escape_alt(text: str) -> str:
    text = " ".join(str(text).split())
    return re.sub(r"([\\\[\]])", r"\\\1", text)


def escape_title(text: str) -> str:
    text = " ".join(str(text).split())
    return re.sub(r'([\\"])', r"\\\1", text)


def figure_markdown(image, *, alt=None, caption=None, credit=None) -> str:
    """The Markdown placing ``image`` as a figure: its description in brackets, and a caption
    only when it differs from the library's (so later edits in the library show through)."""
    alt = image.alt_text if alt is None else alt
    caption = image.caption if caption is None else caption
    credit = image.credit if credit is None else credit
    markdown = f"![{escape_alt(alt)}](image:{image.pk}"
    if (caption, credit) != (image.caption, image.credit):
        title = caption.strip()
        if credit.strip():
            title = f"{title} (Source: {credit.strip()})".strip()
        markdown += f' "{escape_title(title)}"'
    return markdown + ")"


def referenced_ids(source: str) -> set[int]:
    return {int(number) for number in REFERENCE.findall(source or "")}


class Figures:
    """The pictures a text places, read in one query, and what became of each reference:
    ``used`` (ids rendered) and ``problems`` (references to no picture)."""

    def __init__(self, source: str, *, images=None, eager_first: bool = False):
        ids = referenced_ids(source)
        # The first figure among the text's first blocks is seen without scrolling when nothing
        # is shown above the text (a post without a featured picture): it loads at once.
        self.eager_first = eager_first
        self.figures_placed = 0
        if images is None:
            from images.models import Image

            images = Image.objects.in_bulk(ids) if ids else {}
        self.images = images
        self.used: set[int] = set()
        self.problems: list[str] = []

    def extension(self) -> Extension:
        return FigureExtension(figures=self)

    def element(self, match: re.Match, *, block: int | None = None) -> etree.Element | None:
        """The figure of a match; ``block`` is its position among the text's top-level blocks
        (None inside a quote or list)."""
        ref = match["ref"]
        image = self.images.get(int(ref)) if ref.isdigit() and len(ref) <= 18 else None
        if image is None:
            self.problems.append(f"image:{ref}")
            return None
        self.used.add(image.pk)
        alt = ESCAPED.sub(r"\1", match["alt"]).strip() or image.description
        if match["title"] is None:
            caption, credit = image.caption, image.credit
        else:
            title = ESCAPED.sub(r"\1", match["title"]).strip()
            found = CREDIT.match(title)
            caption, credit = (found["caption"], found["credit"].strip()) if found else (title, "")
        eager = (
            self.eager_first
            and self.figures_placed == 0
            and block is not None
            and block < EAGER_WITHIN_BLOCKS
        )
        self.figures_placed += 1
        figure = etree.Element("figure")
        figure.append(picture_element(image, alt=alt, sizes=BODY_SIZES, lazy=not eager))
        if caption or credit:
            figcaption = etree.SubElement(figure, "figcaption")
            # Atomic: the text is shown as typed, never read again as Markdown or HTML.
            figcaption.text = AtomicString(f"{caption} " if caption and credit else caption)
            if credit:
                span = etree.SubElement(figcaption, "span", {"class": "credit"})
                span.text = AtomicString(f"(Source: {credit})")
        return figure


class FigureProcessor(BlockProcessor):
    def __init__(self, parser, figures: Figures):
        super().__init__(parser)
        self.figures = figures

    def test(self, parent, block) -> bool:
        return bool(FIGURE.match(block.strip()))

    def run(self, parent, blocks) -> None:
        match = FIGURE.match(blocks.pop(0).strip())
        block = len(parent) if parent is self.parser.root else None
        element = self.figures.element(match, block=block)
        if element is not None:
            parent.append(element)


class FigureExtension(Extension):
    def __init__(self, *, figures: Figures):
        self.figures = figures
        super().__init__()

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Markdown's API)
        # Before paragraphs (10) and after lists and quotes, so a figure may sit in a quote.
        md.parser.blockprocessors.register(FigureProcessor(md.parser, self.figures), "figure", 12)
