"""Term vectors and their similarity: pure functions, no database.

A post's vector joins three unit-length parts, each scaled by the square root of its signal
weight: text terms (field-boosted, sublinear term frequency times inverse document frequency, the
strongest ``terms_per_post`` kept), tags and categories (each weighted by its inverse document
frequency, so a rare tag says more than one on half the posts). The dot product of two vectors is
then ``text·cos_text + tags·cos_tags + categories·cos_categories``: symmetric, 0 when nothing is
shared, the sum of the signal weights when everything is.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

TAG_PREFIX = "#tag:"
CATEGORY_PREFIX = "#cat:"


def idf(df: int, n: int) -> float:
    """Inverse document frequency (the BM25 form): near 0 for a term on every post."""
    df = max(df, 1)
    n = max(n, df)
    return math.log(1.0 + (n - df + 0.5) / (df + 0.5))


def tag_term(slug: str) -> str:
    return f"{TAG_PREFIX}{slug}"[:64]


def category_term(slug: str) -> str:
    return f"{CATEGORY_PREFIX}{slug}"[:64]


def kind_of(term: str) -> str:
    if term.startswith(TAG_PREFIX):
        return "tags"
    if term.startswith(CATEGORY_PREFIX):
        return "categories"
    return "text"


def _unit(weights: dict[str, float], scale: float) -> dict[str, float]:
    norm = math.sqrt(sum(w * w for w in weights.values()))
    if norm == 0 or scale <= 0:
        return {}
    factor = math.sqrt(scale) / norm
    return {term: w * factor for term, w in weights.items()}


def build_vector(
    *,
    counts: Mapping[str, float],
    tag_terms: Iterable[str],
    category_terms: Iterable[str],
    df: Mapping[str, int],
    n: int,
    weights: Mapping[str, float],
    terms_per_post: int,
) -> dict[str, float]:
    """The post's weighted vector from its boosted term counts, tags and categories."""
    text = {
        term: (1.0 + math.log(c) if c >= 1 else c) * idf(df.get(term, 1), n)
        for term, c in counts.items()
    }
    if len(text) > terms_per_post:
        text = dict(sorted(text.items(), key=lambda kv: (-kv[1], kv[0]))[:terms_per_post])
    tags = {t: idf(df.get(t, 1), n) for t in tag_terms}
    categories = {t: idf(df.get(t, 1), n) for t in category_terms}
    return {
        **_unit(text, weights["text"]),
        **_unit(tags, weights["tags"]),
        **_unit(categories, weights["categories"]),
    }


def similarity(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """The dot product of two vectors (symmetric)."""
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b[t] for t, w in a.items() if t in b)


def reason(
    a: Mapping[str, float], b: Mapping[str, float], *, names: Mapping[str, str], top_terms: int = 4
) -> str:
    """Why b was suggested for a, for editors: shared tags, categories and strongest terms."""
    shared = [(a[t] * b[t], t) for t in a.keys() & b.keys()]
    shared.sort(reverse=True)
    parts = []
    tags = [names.get(t, t[len(TAG_PREFIX) :]) for _, t in shared if kind_of(t) == "tags"]
    cats = [
        names.get(t, t[len(CATEGORY_PREFIX) :]) for _, t in shared if kind_of(t) == "categories"
    ]
    words = [t for _, t in shared if kind_of(t) == "text"][:top_terms]
    if tags:
        parts.append("tags: " + ", ".join(tags))
    if cats:
        parts.append("categories: " + ", ".join(cats))
    if words:
        parts.append("terms: " + ", ".join(words))
    return "; ".join(parts)[:300]
