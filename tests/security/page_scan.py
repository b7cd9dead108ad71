"""Reading a response the way a browser or a feed reader would, to find markup an attacker got in.

Every payload of the suite carries ``TOKEN``; an element, attribute or script that carries it
was written by the attacker, not by the site. Links with a script scheme are refused whoever
wrote them: the site and its admin never use one.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit
from xml.etree import ElementTree

TOKEN = "xss1337"
# The host names the test run serves under.
SITE_HOSTS = ("testserver", "blog.example.org")

# Attributes a browser shows or reads as text: a payload there, escaped, is harmless.
TEXT_ATTRIBUTES = {"alt", "title", "content", "value", "placeholder", "aria-label", "label"}
# Attributes whose value a browser follows or loads as an address.
URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "data", "poster", "background", "cite",
    "xlink:href", "srcset", "codebase", "dynsrc", "lowsrc",
}  # fmt: skip
# Elements whose addresses are loaded or submitted to without a click (a link or an image may
# point anywhere: writers link to other sites).
LOADING_ELEMENTS = {"script", "iframe", "frame", "object", "embed", "base", "link", "form",
                    "input", "button", "meta"}  # fmt: skip
# Elements the site never fills with anyone's text: carrying the token, they are the attacker's.
ACTIVE_ELEMENTS = {
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "svg",
    "math", "noscript", "template",
}  # fmt: skip
# A browser strips these before reading a scheme: "jav&#x09;ascript:" is javascript:.
IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20\x7f]+")
SCRIPT_SCHEMES = ("javascript:", "vbscript:", "data:text/html", "data:image/svg")
DATA_TYPES = {"application/ld+json", "application/json"}


def has_script_scheme(url: str) -> bool:
    return IGNORED_IN_SCHEME.sub("", url).lower().startswith(SCRIPT_SCHEMES)


def leaves_the_site(url: str) -> bool:
    """An address on another host (backslashes read as slashes, as browsers do)."""
    netloc = urlsplit(IGNORED_IN_SCHEME.sub("", url).replace("\\", "/")).netloc
    return netloc not in ("", *SITE_HOSTS)


class _Scan(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.findings: list[str] = []
        self.texts: list[str] = []
        self.json_blocks: list[str] = []
        self._raw: tuple[str, dict] | None = None  # inside <script> or <style>

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        for name, value in attributes.items():
            self.texts.append(value)
            if name in URL_ATTRIBUTES and has_script_scheme(value):
                self.findings.append(f"script address <{tag} {name}={value!r}>")
            if TOKEN not in value or name in TEXT_ATTRIBUTES:
                continue
            if name in URL_ATTRIBUTES:
                if tag in LOADING_ELEMENTS and leaves_the_site(value):
                    self.findings.append(f"attacker's address <{tag} {name}={value!r}>")
            else:
                self.findings.append(f"attacker's attribute <{tag} {name}={value!r}>")
        carries_token = any(TOKEN in value for value in attributes.values())
        if tag in ACTIVE_ELEMENTS and carries_token:
            self.findings.append(f"attacker's <{tag}> {attributes}")
        if tag == "meta" and "http-equiv" in attributes and carries_token:
            self.findings.append(f"attacker's <meta> {attributes}")
        new_tab = attributes.get("target") == "_blank"
        if tag == "a" and carries_token and new_tab and "noopener" not in attributes.get("rel", ""):
            self.findings.append(f"new-tab link without noopener {attributes}")
        if tag in ("script", "style"):
            self._raw = (tag, attributes)

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if self._raw and self._raw[0] == tag:
            self._raw = None

    def handle_data(self, data):
        if self._raw is None:
            self.texts.append(data)
            return
        tag, attributes = self._raw
        kind = attributes.get("type", "").lower()
        if tag == "script" and kind in DATA_TYPES:
            self.json_blocks.append(data)
        elif TOKEN in data and "src" not in attributes:
            self.findings.append(f"attacker's inline <{tag}>: {data[:120]!r}")

    def handle_comment(self, data):
        if TOKEN in data and ("-->" in data or "<" in data):
            self.findings.append(f"markup hidden in a comment: {data[:120]!r}")


class Scan:
    """What a page contains: ``findings`` (attacker markup that would run), ``text`` (every
    text node, attribute value and JSON string, decoded) and ``json_blocks`` (parsed data
    scripts such as JSON-LD)."""

    def __init__(self, findings: list[str], text: str, json_blocks: list):
        self.findings = findings
        self.text = text
        self.json_blocks = json_blocks


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def scan_html(html: str) -> Scan:
    parser = _Scan()
    parser.feed(html)
    parser.close()
    findings, blocks = list(parser.findings), []
    for raw in parser.json_blocks:
        try:
            blocks.append(json.loads(raw))
        except ValueError:
            findings.append(f"data script that is not JSON (broken out of?): {raw[:120]!r}")
    text = "\n".join(parser.texts + [s for block in blocks for s in _strings(block)])
    return Scan(findings, text, blocks)


# RSS elements that readers render as HTML (RSS has no type attribute: a description is HTML by
# custom, content:encoded by definition).
RSS_HTML_ELEMENTS = {"description", "{http://purl.org/rss/1.0/modules/content/}encoded"}


def scan_feed(xml: str) -> Scan:
    """An Atom or RSS feed: it must parse, and every element a reader renders as HTML (Atom's
    type="html" or "xhtml", RSS descriptions and content:encoded) is scanned as HTML; the others
    are shown as text."""
    root = ElementTree.fromstring(xml.encode())
    rss = root.tag == "rss"
    findings, texts = [], []
    for element in root.iter():
        texts.extend(element.attrib.values())
        content = "".join(element.itertext()) if element.get("type") == "xhtml" else element.text
        if not content:
            continue
        if element.get("type") in ("html", "xhtml") or (rss and element.tag in RSS_HTML_ELEMENTS):
            inner = scan_html(content)
            findings.extend(f"in <{element.tag}>: {f}" for f in inner.findings)
            texts.append(inner.text)
        else:
            texts.append(content)
    return Scan(findings, "\n".join(texts), [])


def scan_json(payload: dict) -> Scan:
    """A JSON answer whose ``html`` member a script inserts into the page."""
    findings, texts = [], _strings(payload)
    if isinstance(payload.get("html"), str):
        inner = scan_html(payload["html"])
        findings.extend(inner.findings)
        texts.append(inner.text)
    return Scan(findings, "\n".join(texts), [])


def scan_response(response) -> Scan:
    content_type = response.get("Content-Type", "")
    body = response.content.decode(response.charset or "utf-8")
    if "json" in content_type:
        return scan_json(json.loads(body))
    if "xml" in content_type:
        return scan_feed(body)
    return scan_html(body)


class _Code(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.inline: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        for name, value in attributes.items():
            if name.startswith("on"):
                self.inline.append(f"<{tag} {name}={value!r}>")
            if name in URL_ATTRIBUTES and has_script_scheme(value):
                self.inline.append(f"<{tag} {name}={value!r}>")
        if tag == "script":
            self._in_script = True
            kind = attributes.get("type", "").lower()
            if "src" in attributes:
                if leaves_the_site(attributes["src"]):
                    self.inline.append(f"script from another site: {attributes['src']}")
            elif kind not in DATA_TYPES:
                self.inline.append(f"inline <script type={kind!r}>")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False


def inline_code(html: str) -> list[str]:
    """Script the page itself would run without a file from this site: inline <script>
    elements (data blocks such as JSON-LD aside), event-handler attributes, script: addresses
    and scripts from other hosts. A Content-Security-Policy without 'unsafe-inline' blocks
    all of it; the site must not need any."""
    parser = _Code()
    parser.feed(html)
    parser.close()
    return parser.inline
