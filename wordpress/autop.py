"""WordPress's automatic paragraphs (``wpautop`` in wp-includes/formatting.php), rule for rule:
a blank line starts a paragraph, a single newline inside one becomes ``<br />``, block elements
are never wrapped, ``<pre>`` keeps its text as written. WordPress applies it when it shows a
classic-editor post, so the stored text has no ``<p>``; the importer applies it once so the
post reads as it did."""

from __future__ import annotations

import re

ALL_BLOCKS = (
    r"(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|"
    r"map|area|blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend|section|article|aside|"
    r"hgroup|header|footer|nav|figure|figcaption|details|menu|summary)"
)

_PRE = re.compile(r"<pre[\s>].*?</pre>", re.S | re.I)
_KEEP_NEWLINES = re.compile(r"<(script|style|svg)[\s>].*?</\1>", re.S | re.I)
_TAG = re.compile(r"<[^>]*>", re.S)


def wpautop(text: str, *, br: bool = True) -> str:
    """Paragraphs and line breaks for text written in WordPress's classic editor."""
    if not text.strip():
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n") + "\n"

    # <pre> is kept exactly: set aside and put back at the end.
    pre_blocks: list[str] = []

    def keep_pre(match: re.Match) -> str:
        pre_blocks.append(match.group(0))
        return f"<pre wp-pre-tag-{len(pre_blocks) - 1}></pre>"

    text = _PRE.sub(keep_pre, text)

    text = re.sub(r"<br\s*/?>\s*<br\s*/?>", "\n\n", text, flags=re.I)
    text = re.sub(rf"(<{ALL_BLOCKS}[\s/>])", r"\n\n\1", text, flags=re.I)
    text = re.sub(rf"(</{ALL_BLOCKS}>)", r"\1\n\n", text, flags=re.I)
    text = re.sub(r"(<hr\s*?/?>)", r"\1\n\n", text, flags=re.I)

    # Newlines inside tags are not line breaks.
    text = _TAG.sub(lambda m: m.group(0).replace("\n", " <!-- wpnl --> "), text)

    # Whitespace around captions and their options.
    text = re.sub(r"\s*<figcaption", "<figcaption", text, flags=re.I)
    text = re.sub(r"</figcaption>\s*", "</figcaption>", text, flags=re.I)
    text = re.sub(r"\s*(<option|</?optgroup)", r"\1", text, flags=re.I)

    text = re.sub(r"\n\n+", "\n\n", text)
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    text = "".join("<p>" + p.strip("\n") + "</p>\n" for p in paragraphs)

    text = re.sub(r"<p>\s*</p>", "", text)
    text = re.sub(r"<p>([^<]+)</(div|address|form)>", r"<p>\1</p></\2>", text, flags=re.I)
    text = re.sub(rf"<p>\s*(</?{ALL_BLOCKS}[^>]*>)\s*</p>", r"\1", text, flags=re.I)
    text = re.sub(r"<p>(<li.+?)</p>", r"\1", text, flags=re.I)
    text = re.sub(r"<p><blockquote([^>]*)>", r"<blockquote\1><p>", text, flags=re.I)
    text = text.replace("</blockquote></p>", "</p></blockquote>")
    text = re.sub(rf"<p>\s*(</?{ALL_BLOCKS}[^>]*>)", r"\1", text, flags=re.I)
    text = re.sub(rf"(</?{ALL_BLOCKS}[^>]*>)\s*</p>", r"\1", text, flags=re.I)

    if br:
        kept: list[str] = []

        def keep(match: re.Match) -> str:
            kept.append(match.group(0))
            return f"<wp-keep-{len(kept) - 1}>"

        text = _KEEP_NEWLINES.sub(keep, text)
        text = re.sub(r"<br\s*/?>", "<br />", text, flags=re.I)
        text = re.sub(r"(?<!<br />)\s*\n", "<br />\n", text)
        for n, block in enumerate(kept):
            text = text.replace(f"<wp-keep-{n}>", block)

    text = re.sub(rf"(</?{ALL_BLOCKS}[^>]*>)\s*<br />", r"\1", text, flags=re.I)
    text = re.sub(
        r"<br />(\s*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^>]*>)", r"\1", text, flags=re.I
    )
    text = re.sub(r"\n</p>$", "</p>", text)

    for n, block in enumerate(pre_blocks):
        text = text.replace(f"<pre wp-pre-tag-{n}></pre>", block)
    text = text.replace(" <!-- wpnl --> ", "\n").replace("<!-- wpnl -->", "\n")
    return text.strip()


# --- shortcodes ----------------------------------------------------------------------------------

_ATTRIBUTE = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s'"\]]+))""")
SHORTCODE_NAME = re.compile(r"\[(/?)([a-zA-Z][\w-]*)(?=[\s\]/])")


def shortcode_attributes(text: str) -> dict[str, str]:
    """``id="attachment_12" align='left' width=300`` → a dict (names lower-cased)."""
    return {
        m.group(1).lower(): next(v for v in m.group(2, 3, 4) if v is not None)
        for m in _ATTRIBUTE.finditer(text)
    }


def shortcode_names(text: str) -> list[str]:
    """The names of the shortcodes opened in the text, in order (``[[escaped]]`` ones left out)."""
    names = []
    for match in SHORTCODE_NAME.finditer(text):
        if match.group(1):
            continue
        start = match.start()
        if start > 0 and text[start - 1] == "[":
            continue
        names.append(match.group(2).lower())
    return names
