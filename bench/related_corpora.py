"""Labelled corpora of real text for the related-posts evaluation, built from what is installed
on this machine. Each document is a dict: title, body, label (what a suggestion must share to be
right), tags and category (what the corpus's own authors or maintainers assigned — never derived
from the label).

* ``stdlib`` (tuning) — docstrings of 16 packages of Python's standard library, label = top-level
  package; tags = the names its authors gave the object's base classes and decorators and the
  exceptions it raises; category = class or function. Medium-length technical prose.
* ``debian`` (tuning) — Debian package synopses from the APT lists, one post per source package,
  label = archive section (games, science, sound, mail, …); tags = the packages' debtags
  (``role::program``, ``use::editing``, …, assigned by the Debian maintainers and the debtags
  team); no category. Very short posts (a line or a few).
* ``django`` (held-out) — docstrings of Django's subpackages, label = second-level package
  (db, forms, contrib.admin, …); tags and category as for ``stdlib``.
* ``manpages`` (held-out) — English manual pages, label = the Debian package that ships them
  (coreutils, git-man, openssl, systemd, …); tags = the pages named in SEE ALSO (what the authors
  linked); category = the manual section (1 commands, 3 library calls, 5 file formats, 8 system
  administration, …). Long reference pages.
"""

from __future__ import annotations

import ast
import gzip
import random
import re
import subprocess
import sysconfig
from collections import defaultdict
from pathlib import Path

MIN_DOC_CHARS = 160
MIN_LABEL_DOCS = 15

# --- docstrings ----------------------------------------------------------------------------

STDLIB_PACKAGES = [
    "asyncio",
    "concurrent",
    "ctypes",
    "curses",
    "distutils",
    "email",
    "http",
    "importlib",
    "json",
    "lib2to3",
    "logging",
    "multiprocessing",
    "sqlite3",
    "unittest",
    "urllib",
    "xml",
]
DJANGO_PACKAGES = [
    "db",
    "contrib.gis",
    "http",
    "views",
    "middleware",
    "urls",
    "template",
    "templatetags",
    "forms",
    "contrib.admin",
    "contrib.auth",
    "contrib.messages",
    "contrib.sessions",
    "core",
    "utils",
    "test",
    "apps",
    "conf",
    "dispatch",
]


def stdlib_sources() -> list[tuple[str, Path]]:
    """(label, file): top-level stdlib packages, without their tests."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    return [
        (package, path)
        for package in STDLIB_PACKAGES
        for path in sorted((stdlib / package).rglob("*.py"))
        if "test" not in path.parts[len(stdlib.parts) :]
    ]


def django_sources() -> list[tuple[str, Path]]:
    """(label, file): Django's second-level packages, without migrations and translations."""
    import django

    root = Path(django.__file__).resolve().parent
    sources = []
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).parts
        if len(parts) < 2 or "migrations" in parts or "locale" in parts:
            continue
        if parts[0] == "contrib":
            if len(parts) < 3:
                continue
            label = f"contrib.{parts[1]}"
        else:
            label = parts[0]
        if label in DJANGO_PACKAGES:
            sources.append((label, path))
    return sources


def _name(node) -> str | None:
    """The last dotted part of a base class, decorator or raised exception expression."""
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return None


def _authored_tags(node) -> list[str]:
    """What the author wrote about the object besides its docstring: base classes, decorators,
    exceptions it raises (its own body only)."""
    names = set()
    if isinstance(node, ast.ClassDef):
        names.update(_name(b) for b in node.bases)
    names.update(_name(d) for d in node.decorator_list)
    if not isinstance(node, ast.ClassDef):
        for child in ast.walk(node):
            if isinstance(child, ast.Raise) and child.exc is not None:
                names.add(_name(child.exc))
    names.discard(None)
    names.discard("object")
    return sorted(names)


def harvest(sources: list[tuple[str, Path]], per_label: int, rng: random.Random) -> list[dict]:
    """Classes and functions with real docstrings, at most ``per_label`` per label."""
    docs_by_label: dict[str, list[dict]] = defaultdict(list)
    for label, path in sources:
        try:
            tree = ast.parse(path.read_text(encoding="utf-8", errors="replace"))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                doc = ast.get_docstring(node) or ""
                if len(doc) < MIN_DOC_CHARS:
                    continue
                first, _, rest = doc.strip().partition("\n")
                if not rest.strip():
                    first, rest = node.name.replace("_", " "), doc
                docs_by_label[label].append(
                    {
                        "title": first.strip()[:190],
                        "body": rest.strip(),
                        "label": label,
                        "tags": _authored_tags(node),
                        "category": "Class" if isinstance(node, ast.ClassDef) else "Function",
                    }
                )
    return _sample(docs_by_label, per_label, rng)


def _sample(docs_by_label: dict[str, list[dict]], per_label: int, rng) -> list[dict]:
    corpus = []
    for _label, docs in sorted(docs_by_label.items()):
        if len(docs) < MIN_LABEL_DOCS:
            continue
        rng.shuffle(docs)
        corpus.extend(docs[:per_label])
    return corpus


def stdlib_corpus(per_label: int, rng) -> list[dict]:
    return harvest(stdlib_sources(), per_label, rng)


def django_corpus(per_label: int, rng) -> list[dict]:
    return harvest(django_sources(), per_label, rng)


# --- Debian package descriptions -----------------------------------------------------------

DEBIAN_SECTIONS = [
    "admin",
    "database",
    "editors",
    "electronics",
    "games",
    "graphics",
    "hamradio",
    "mail",
    "math",
    "net",
    "science",
    "sound",
    "text",
    "video",
    "web",
    "vcs",
]


def _apt_records() -> str:
    return subprocess.run(
        ["apt-cache", "dumpavail"], capture_output=True, text=True, check=True
    ).stdout


def debian_corpus(per_label: int, rng) -> list[dict]:
    """One post per source package: title = the first binary package's synopsis, body = the
    other binaries' synopses (the APT lists on this machine carry no long descriptions, so
    these are very short posts), label = section, tags = the union of their debtags."""
    by_source: dict[str, dict] = {}
    for record in _apt_records().split("\n\n"):
        fields: dict[str, str] = {}
        key = None
        for line in record.splitlines():
            if line.startswith((" ", "\t")) and key:
                fields[key] += " " + line.strip()
            elif ":" in line:
                key, _, value = line.partition(":")
                fields[key] = value.strip()
        section = fields.get("Section", "").rsplit("/", 1)[-1]
        synopsis = fields.get("Description", "").strip()
        if section not in DEBIAN_SECTIONS or not synopsis:
            continue
        source = fields.get("Source", fields.get("Package", "")).split(" ")[0]
        tags = {t.strip() for t in fields.get("Tag", "").split(",") if t.strip()}
        doc = by_source.setdefault(source, {"section": section, "synopses": [], "tags": set()})
        if synopsis not in doc["synopses"]:
            doc["synopses"].append(synopsis)
        doc["tags"] |= tags
    docs_by_label: dict[str, list[dict]] = defaultdict(list)
    for _source, doc in sorted(by_source.items()):
        title, *rest = doc["synopses"]
        docs_by_label[doc["section"]].append(
            {
                "title": title[:190],
                "body": "\n".join(rest),
                "label": doc["section"],
                "tags": sorted(doc["tags"]),
                "category": None,
            }
        )
    return _sample(docs_by_label, per_label, rng)


# --- manual pages ----------------------------------------------------------------------------

MAN_ROOT = Path("/usr/share/man")
MAN_PAGE = re.compile(r"^/usr/share/man/man([1-8])/([^/]+)\.[1-8][^/]*\.gz$")
SEE_ALSO_REF = re.compile(r"\b([A-Za-z0-9_.:+-]+)\s*\(([1-8])[a-z]*\)")
ESCAPES = re.compile(r"\\(?:f(?:\[[^\]]*\]|\(..|.)|\(..|\[[^\]]*\]|\*(?:\(..|\[[^\]]*\]|.)|.)")
MAN_BODY_CHARS = 6000
# Packages whose pages are copies of another package's under other names.
MAN_DUPLICATES = {"llvm", "binutils-x86-64-linux-gnu"}


def _man_owners() -> dict[str, list[tuple[str, str, Path]]]:
    """Package → its English manual pages (section, name, path), from dpkg's file lists."""
    owners: dict[str, list[tuple[str, str, Path]]] = defaultdict(list)
    for listing in sorted(Path("/var/lib/dpkg/info").glob("*.list")):
        package = listing.stem.split(":")[0]
        for line in listing.read_text(errors="replace").splitlines():
            match = MAN_PAGE.match(line)
            if match and Path(line).is_file():
                owners[package].append((match.group(1), match.group(2), Path(line)))
    return owners


def _man_text(path: Path) -> tuple[str, str, list[str]] | None:
    """(NAME line, text, SEE ALSO page names) of a roff page; None for a redirect or a stub."""
    try:
        raw = gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace")
    except (OSError, EOFError):
        return None
    if raw.lstrip().startswith(".so "):
        return None
    sections: dict[str, list[str]] = defaultdict(list)
    current = "PREAMBLE"
    for line in raw.splitlines():
        if line.startswith(('.\\"', "'\\\"", '\\"')):
            continue
        if line.startswith((".", "'")):
            macro, _, rest = line[1:].partition(" ")
            if macro in ("SH", "Sh"):
                current = ESCAPES.sub("", rest).strip().strip('"').upper()
                continue
            line = rest if macro in ("B", "I", "BR", "IR", "RB", "BI", "IB", "RI", "Nm") else ""
            line = line.replace('"', "")
        text = ESCAPES.sub("", line).strip()
        if text:
            sections[current].append(text)
    name = " ".join(sections.get("NAME", []))
    body = "\n".join(
        line
        for key, lines in sections.items()
        if key not in ("NAME", "PREAMBLE", "SEE ALSO", "AUTHOR", "AUTHORS", "COPYRIGHT")
        for line in lines
    )
    if not name or len(body) < 300:
        return None
    refs = sorted({ref for ref, _ in SEE_ALSO_REF.findall(" ".join(sections.get("SEE ALSO", [])))})
    return name, body[:MAN_BODY_CHARS], refs


def man_corpus(per_label: int, rng) -> list[dict]:
    """Manual pages by owning package (packages with at least 15 real pages)."""
    docs_by_label: dict[str, list[dict]] = defaultdict(list)
    for package, pages in sorted(_man_owners().items()):
        if len(pages) < MIN_LABEL_DOCS or package in MAN_DUPLICATES:
            continue
        pages = list(pages)
        rng.shuffle(pages)
        for section, _name, path in pages[: per_label * 2]:
            parsed = _man_text(path)
            if parsed is None:
                continue
            name, body, refs = parsed
            docs_by_label[package].append(
                {
                    "title": name[:190],
                    "body": body,
                    "label": package,
                    "tags": refs,
                    "category": f"Section {section}",
                }
            )
    return _sample(docs_by_label, per_label, rng)


# name: (builder, role, what it is)
CORPORA = {
    "stdlib": (stdlib_corpus, "tuning", "stdlib docstrings by package"),
    "debian": (debian_corpus, "tuning", "Debian package descriptions by section"),
    "django": (django_corpus, "held-out", "Django docstrings by subpackage"),
    "manpages": (man_corpus, "held-out", "manual pages by package"),
}

VARIANTS = ("tagged", "half-tagged", "untagged")


def variant(corpus: list[dict], name: str, rng: random.Random) -> list[dict]:
    """The corpus as authored (``tagged``), with tags and category dropped on a random half of
    the posts (``half-tagged``), or on all of them (``untagged``)."""
    result = []
    for doc in corpus:
        keep = name == "tagged" or (name == "half-tagged" and rng.random() < 0.5)
        tags, category = (doc["tags"], doc["category"]) if keep else ([], None)
        result.append({**doc, "tags": tags, "category": category})
    return result
