"""Reading rows of a MySQL table as the plugin's owner can export them, without a MySQL server
and without running any SQL:

- ``mysql -B -e 'SELECT * FROM wp_gdsr_votes_log'`` (tab-separated, a header row, ``\\t``
  ``\\n`` ``\\\\`` escapes, ``NULL``);
- phpMyAdmin's CSV export (``,`` or ``;`` separated, ``"`` quoted, with or without the column
  names in the first row, ``NULL`` for nulls);
- a ``mysqldump`` file: its ``INSERT INTO `…_table` … VALUES (…),(…);`` statements are
  tokenized as data (strings, numbers, NULL) and nothing else in the file is interpreted.

Rows come one at a time as dicts (column name → text, or None for NULL).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path


class TableError(Exception):
    """The file cannot be read as the table asked for."""


_MYSQL_B_ESCAPES = {"t": "\t", "n": "\n", "\\": "\\", "0": "\0", "r": "\r"}
_SQL_ESCAPES = {"0": "\0", "b": "\b", "n": "\n", "r": "\r", "t": "\t", "Z": "\x1a"}
_VALUE = re.compile(
    r"""\s*(?:'(?P<str>(?:[^'\\]|\\.|'')*)'|(?P<null>NULL)|(?P<num>[-+]?[0-9][0-9.eE+-]*)"""
    r"""|(?P<open>\()|(?P<close>\))|(?P<comma>,)|(?P<end>;))""",
    re.S | re.I,
)
_INSERT = re.compile(
    r"INSERT\s+(?:IGNORE\s+)?INTO\s+`?(?P<table>[\w$]+)`?\s*(?:\((?P<columns>[^)]*)\))?\s*VALUES",
    re.I,
)
_CREATE = re.compile(r"CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?`?(?P<table>[\w$]+)`?", re.I)
_DUMP_START = re.compile(r"\A\s*(?:--|/\*|#|INSERT\b|CREATE\b|DROP\b|LOCK\b|SET\b)", re.I)
_COLUMN_LINE = re.compile(r"^\s*`(?P<name>[^`]+)`\s+\w", re.M)


def _unescape_sql(text: str) -> str:
    return re.sub(
        r"\\(.)|''",
        lambda m: _SQL_ESCAPES.get(m.group(1), m.group(1)) if m.group(1) else "'",
        text,
        flags=re.S,
    )


def _unescape_tab(text: str) -> str | None:
    if text == "NULL":
        return None
    return re.sub(r"\\(.)", lambda m: _MYSQL_B_ESCAPES.get(m.group(1), m.group(1)), text)


_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")
_NUMBER = re.compile(r"^\s*[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?\s*$")


class _Layout:
    """What the file must hold to be the table asked for: the columns the import reads (named
    in a header row or an INSERT's column list, or in the plugin's order) and numbers where the
    plugin keeps numbers. A file that is not the table is refused, naming what is missing."""

    def __init__(self, path: Path, table: str, columns: list[str], required, numeric):
        self.path, self.table, self.columns = path, table, columns
        self.required = [c for c in columns if c in set(required)] or list(columns)
        self.numeric = set(numeric)
        self.minimum = max(columns.index(c) for c in self.required) + 1
        self.checked: set[tuple[str, ...]] = set()
        self.found = False

    def refuse(self, reason: str):
        raise TableError(
            f"{self.path} is not the plugin's {self.table} table: {reason}. Nothing was imported."
        )

    def header(self, names: list[str]) -> None:
        if tuple(names) in self.checked:
            return
        missing = [c for c in self.required if c not in names]
        if missing:
            self.refuse(
                f"the column(s) {', '.join(missing)} are missing (its columns: "
                f"{', '.join(n for n in names if n) or 'none'})"
            )
        self.checked.add(tuple(names))

    def row(self, header: list[str], values: list, n: int) -> dict:
        self.found = True
        if len(values) > len(header):
            self.refuse(
                f"row {n} has {len(values)} values for {len(header)} columns (if it is, export "
                "it with its column names in the first row)"
            )
        if header is self.columns and len(values) < self.minimum:
            self.refuse(
                f"row {n} has {len(values)} value(s), and the table's columns are "
                f"{', '.join(self.columns)} (export the whole table, with the column names in "
                "the first row)"
            )
        row = dict(zip(header, values, strict=False))
        for name in self.numeric:
            value = row.get(name)
            if value not in (None, "") and not _NUMBER.match(value):
                self.refuse(f"row {n}: {name} should be a number, not {value[:40]!r}")
        return row


def read_rows(
    path: Path,
    *,
    table: str,
    columns: list[str],
    required=(),
    numeric=(),
    optional_in_dump: bool = False,
) -> Iterator[dict[str, str | None]]:
    """The rows of ``table`` (matched whatever its prefix, ``wp_`` or another) in the file;
    ``columns`` is the plugin's column order, used when the file names none. The columns in
    ``required`` must be there and those in ``numeric`` hold numbers, or the file is refused
    (TableError) — as is a dump without the table, unless ``optional_in_dump``."""
    path = Path(path)
    if not path.is_file():
        raise TableError(f"No file at {path}.")
    layout = _Layout(path, table, columns, required, numeric)
    with path.open("r", encoding="utf-8", errors="replace", newline="") as stream:
        head = stream.read(65536)
        stream.seek(0)
        if head.lstrip("\ufeff \t\r\n").startswith("<"):
            layout.refuse("it is an XML or HTML file (a WordPress export?)")
        if _DUMP_START.match(head):
            yield from _dump_rows(stream, table=table, columns=columns, layout=layout)
            if not layout.found and not optional_in_dump:
                layout.refuse(f"it has no INSERT INTO …{table} or CREATE TABLE …{table}")
        else:
            yield from _delimited_rows(stream, columns=columns, layout=layout)


def _is_header(names: list[str], columns: list[str]) -> bool:
    """A first row of column names: some of the plugin's, or only names, no values."""
    if set(names) & set(columns):
        return True
    return any(names) and all(_IDENTIFIER.match(n) for n in names if n)


def _delimited_rows(stream, *, columns: list[str], layout: _Layout) -> Iterator[dict]:
    first = stream.readline()
    stream.seek(0)
    if not first.strip():
        return
    if "\t" in first:
        lines = (line.rstrip("\r\n") for line in stream)
        header = None
        for n, line in enumerate(lines, start=1):
            if not line:
                continue
            fields = line.split("\t")
            if header is None:
                names = [f.strip().lower() for f in fields]
                if _is_header(names, columns):
                    layout.header(names)
                    header = names
                    continue
                header = columns
            yield layout.row(header, [_unescape_tab(f) for f in fields], n)
        return
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(
        stream, delimiter=delimiter, quotechar='"', escapechar=None, doublequote=True
    )
    header = None
    for n, fields in enumerate(reader, start=1):
        if not fields:
            continue
        if header is None:
            names = [f.strip().lower() for f in fields]
            if _is_header(names, columns):
                layout.header(names)
                header = names
                continue
            header = columns
        yield layout.row(header, [None if f == "NULL" else f for f in fields], n)


def _statements(stream) -> Iterator[str]:
    """The file's statements, one at a time (mysqldump ends each with ';' and a newline)."""
    buffer: list[str] = []
    for line in stream:
        stripped = line.strip()
        if not buffer and (not stripped or stripped.startswith("--")):
            continue
        buffer.append(line)
        if stripped.endswith(";"):
            statement = "".join(buffer)
            if _complete(statement):
                buffer = []
                yield statement
    if buffer:
        yield "".join(buffer)


def _complete(statement: str) -> bool:
    """Whether the ';' that ends the text is outside any quoted string."""
    quoted = re.sub(r"'(?:[^'\\]|\\.|'')*'", "", statement, flags=re.S)
    return "'" not in quoted


def _dump_rows(stream, *, table: str, columns: list[str], layout: _Layout) -> Iterator[dict]:
    known: dict[str, list[str]] = {}
    n = 0
    for statement in _statements(stream):
        text = re.sub(r"^\s*/\*.*?\*/\s*", "", statement, flags=re.S)
        create = _CREATE.match(text.lstrip())
        if create:
            known[create.group("table").lower()] = [
                m.group("name").lower() for m in _COLUMN_LINE.finditer(text)
            ]
            if create.group("table").lower().endswith(table):
                layout.found = True
                if known[create.group("table").lower()]:
                    layout.header(known[create.group("table").lower()])
            continue
        insert = _INSERT.match(text.lstrip())
        if not insert or not insert.group("table").lower().endswith(table):
            continue
        layout.found = True
        if insert.group("columns"):
            header = [c.strip().strip("`").lower() for c in insert.group("columns").split(",")]
            layout.header(header)
        else:
            header = known.get(insert.group("table").lower()) or columns
        body = text.lstrip()[insert.end() :]
        for values in _tuples(body):
            n += 1
            yield layout.row(header, values, n)


def _tuples(body: str) -> Iterator[list]:
    """``(1,'a',NULL),(2,'b\\'c',3.5);`` → lists of values; anything else is an error."""
    position, row, depth = 0, None, 0
    while position < len(body):
        m = _VALUE.match(body, position)
        if not m:
            rest = body[position:].strip()
            if not rest:
                return
            raise TableError(f"Unexpected text in an INSERT statement: {rest[:40]!r}.")
        position = m.end()
        if m.group("open"):
            if depth:
                raise TableError("Nested parentheses in an INSERT statement.")
            depth, row = 1, []
        elif m.group("close"):
            depth = 0
            yield row
            row = None
        elif m.group("comma") or m.group("end"):
            if m.group("end"):
                return
        elif depth == 0:
            raise TableError("A value outside parentheses in an INSERT statement.")
        elif m.group("null"):
            row.append(None)
        elif m.group("str") is not None:
            row.append(_unescape_sql(m.group("str")))
        else:
            row.append(m.group("num"))


# --- PHP's serialize() format, for the plugin's multi-criteria votes ----------------------------


def php_unserialize(text: str):
    """Arrays, integers, floats, strings, booleans and null in PHP's serialize() format (what
    the plugin stores for a multi-criteria vote); objects are refused."""
    value, _ = _php_value(text or "", 0)
    return value


def _php_value(text: str, i: int):
    kind = text[i : i + 1]
    if kind == "N":
        return None, i + 2
    if kind in ("i", "b", "d"):
        end = text.index(";", i)
        raw = text[i + 2 : end]
        if kind == "d":
            return float(raw), end + 1
        return (int(raw) if kind == "i" else raw == "1"), end + 1
    if kind == "s":
        colon = text.index(":", i + 2)
        length = int(text[i + 2 : colon])
        # The length counts bytes of the UTF-8 text.
        raw = text[colon + 2 :].encode("utf-8")[:length].decode("utf-8", errors="replace")
        end = colon + 2 + len(raw) + 2
        return raw, end
    if kind == "a":
        colon = text.index(":", i + 2)
        count = int(text[i + 2 : colon])
        i = colon + 2  # past ':{'
        items = {}
        for _ in range(count):
            key, i = _php_value(text, i)
            value, i = _php_value(text, i)
            items[key] = value
        return items, i + 1
    raise ValueError(f"Unsupported serialized value {kind!r}.")
