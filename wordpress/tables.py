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


def read_rows(path: Path, *, table: str, columns: list[str]) -> Iterator[dict[str, str | None]]:
    """The rows of ``table`` (matched whatever its prefix, ``wp_`` or another) in the file;
    ``columns`` is the plugin's column order, used when the file names none."""
    path = Path(path)
    if not path.is_file():
        raise TableError(f"No file at {path}.")
    with path.open("r", encoding="utf-8", errors="replace", newline="") as stream:
        head = stream.read(65536)
        stream.seek(0)
        if _DUMP_START.match(head):
            yield from _dump_rows(stream, table=table, columns=columns)
        else:
            yield from _delimited_rows(stream, columns=columns)


def _delimited_rows(stream, *, columns: list[str]) -> Iterator[dict]:
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
                if set(names) & set(columns):
                    header = names
                    continue
                header = columns
            yield _row(header, [_unescape_tab(f) for f in fields], n)
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
            if set(names) & set(columns):
                header = names
                continue
            header = columns
        yield _row(header, [None if f == "NULL" else f for f in fields], n)


def _row(header: list[str], values: list, n: int) -> dict:
    if len(values) > len(header):
        raise TableError(
            f"Row {n} has {len(values)} values for {len(header)} columns; export the table "
            "with its column names in the first row."
        )
    return dict(zip(header, values, strict=False))


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


def _dump_rows(stream, *, table: str, columns: list[str]) -> Iterator[dict]:
    known: dict[str, list[str]] = {}
    n = 0
    for statement in _statements(stream):
        text = re.sub(r"^\s*/\*.*?\*/\s*", "", statement, flags=re.S)
        create = _CREATE.match(text.lstrip())
        if create:
            known[create.group("table").lower()] = [
                m.group("name").lower() for m in _COLUMN_LINE.finditer(text)
            ]
            continue
        insert = _INSERT.match(text.lstrip())
        if not insert or not insert.group("table").lower().endswith(table):
            continue
        if insert.group("columns"):
            header = [c.strip().strip("`").lower() for c in insert.group("columns").split(",")]
        else:
            header = known.get(insert.group("table").lower()) or columns
        body = text.lstrip()[insert.end() :]
        for values in _tuples(body):
            n += 1
            yield _row(header, values, n)


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
