"""Semantic candidates from pgvector, on PostgreSQL databases that have the ``vector`` extension.

Whether the extension exists is checked once per process (``available``); the project never
creates it (that needs the database's superuser and the extension's package on the server).
When it exists, ``rebuild_related`` (re)creates the table ``related_embedding_vector`` — one row
per stored embedding, in pgvector's ``vector`` type, with an HNSW index for cosine distance —
and new embeddings are written to it as they are stored; the nearest posts are then read from
that index instead of the chunked scan of ``related.semantic``. Until the first rebuild the table
does not exist and the scan is used. An error from this path is logged once and the process goes
back to the scan for good (the lists stay right, only slower to find).

Not testable on the machines the project is developed on (pgvector is not installed there): the
tests cover the check and the fallback, not the queries against a real index.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import DatabaseError, connection, transaction

from blog.models import Post
from related.index import chunks

logger = logging.getLogger(__name__)

TABLE = "related_embedding_vector"
_state: dict[str, bool] = {}  # "extension", "table", "broken": checked once per process


def enabled() -> bool:
    """pgvector is there, not turned off (``RELATED_POSTS_PGVECTOR = False``), not broken."""
    if connection.vendor != "postgresql" or not getattr(settings, "RELATED_POSTS_PGVECTOR", True):
        return False
    if _state.get("broken"):
        return False
    if "extension" not in _state:
        _state["extension"] = _guarded(_has_extension, default=False)
    return _state["extension"]


def ready() -> bool:
    """The extension is there and the table has been built by a rebuild."""
    if not enabled():
        return False
    if not _state.get("table"):
        _state["table"] = bool(_guarded(_has_table, default=False))
    return _state["table"]


def forget() -> None:
    """Check again on next use (tests, and a process that created the table)."""
    _state.clear()


def _has_extension() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'vector'")
        return cursor.fetchone() is not None


def _has_table() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [TABLE])
        return bool(cursor.fetchone()[0])


def _guarded(work, *, default):
    """Run ``work`` in a savepoint; on a database error log it once and use the scan."""
    try:
        with transaction.atomic():
            return work()
    except DatabaseError:
        logger.exception("Related posts: pgvector failed; using the chunked scan from now on.")
        _state["broken"] = True
        return default


def _literal(vector: Iterable[float]) -> str:
    return "[" + ",".join(repr(float(x)) for x in vector) + "]"


def rebuild(rows: Iterable[tuple[int, Iterable[float]]], *, dimensions: int) -> None:
    """Recreate the table from ``(post_id, vector)`` rows, then its index."""

    def work():
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
            cursor.execute(
                f"CREATE TABLE {TABLE} (post_id bigint PRIMARY KEY REFERENCES "
                f"{Post._meta.db_table} (id) ON DELETE CASCADE, "
                f"embedding vector({int(dimensions)}) NOT NULL)"
            )
            for batch in chunks(rows, 1000):  # a thousand vectors' text at a time
                _insert(cursor, batch)
            cursor.execute(
                f"CREATE INDEX {TABLE}_hnsw ON {TABLE} USING hnsw (embedding vector_cosine_ops)"
            )
        return True

    if enabled():
        _state["table"] = bool(_guarded(work, default=False))


def store(rows: Iterable[tuple[int, Iterable[float]]]) -> None:
    """Write new embeddings to the table (once a rebuild has built it)."""

    def work():
        with connection.cursor() as cursor:
            _insert(cursor, rows)

    if ready():
        _guarded(work, default=None)


def _insert(cursor, rows) -> None:
    cursor.executemany(
        f"INSERT INTO {TABLE} (post_id, embedding) VALUES (%s, %s::vector) "
        "ON CONFLICT (post_id) DO UPDATE SET embedding = EXCLUDED.embedding",
        [(post_id, _literal(vector)) for post_id, vector in rows],
    )


def nearest(queries: dict[int, Iterable[float]], *, limit: int, floor: float):
    """For each query post, the published posts closest in meaning (cosine at least ``floor``,
    at most ``limit``), from the HNSW index; None when the index cannot answer."""

    def work():
        result = {}
        with connection.cursor() as cursor:
            for post_id, vector in queries.items():
                literal = _literal(vector)
                cursor.execute(
                    f"SELECT e.post_id, 1 - (e.embedding <=> %s::vector) FROM {TABLE} e "
                    f"JOIN {Post._meta.db_table} p ON p.id = e.post_id "
                    "WHERE p.status = %s AND e.post_id <> %s "
                    "ORDER BY e.embedding <=> %s::vector LIMIT %s",
                    [literal, Post.Status.PUBLISHED.value, post_id, literal, limit],
                )
                result[post_id] = {
                    other: cosine for other, cosine in cursor.fetchall() if cosine >= floor
                }
        return result

    if not ready():
        return None
    return _guarded(work, default=None)
