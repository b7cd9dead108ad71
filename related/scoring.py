"""Term vectors, look-up terms and similarity: pure functions, no database.

A post's stored vector joins three parts, each scaled by the square root of its signal weight:
text terms (field-boosted sublinear term frequency divided by the post's term-frequency length;
the ``terms_per_post`` strongest by tf·idf kept), tags and categories (1/sqrt(count) each). The
score of two posts sums, over the terms they share, both weights times the term's rarity squared
(inverse document frequency relative to a term found on one post), so

    score = text·tfidf_cosine-like + tags·tag_overlap + categories·category_overlap

is symmetric, 0 when nothing or only everyday words are shared, at most the sum of the signal
weights; a rare shared tag counts fully, a tag on half the posts almost nothing.

Rarity comes from the term statistics (document frequencies and post count) taken by the last
full rebuild, not from live counts: every score in every stored list is then computed against
the same statistics, so a score never depends on when it was computed, and the lists kept up to
date one post at a time are exactly the lists a rebuild would make. A term the statistics have
never seen counts as rare.

Sums run over terms in sorted order, so the score of a pair is the same float whichever post is
scored against which and whichever path (one post, or a rebuild) computes it.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Mapping

from related.text import FILLER, STOP_WORDS

# A shared word explains a suggestion only when it is this rare (rarity squared: a word on a
# handful of a blog's posts, not on a third of them).
WHY_MIN_RARITY2 = 0.15

TAG_PREFIX = "#tag:"
CATEGORY_PREFIX = "#cat:"


def idf(df: int, n: int) -> float:
    """Inverse document frequency (the BM25 form): near 0 for a term on every post."""
    df = max(df, 1)
    n = max(n, df)
    return math.log(1.0 + (n - df + 0.5) / (df + 0.5))


def rarity(df: int, n: int) -> float:
    """A term's inverse document frequency relative to a term found on a single post (0..1)."""
    return idf(df, n) / idf(1, n)


def squared_rarities(terms: Iterable[str], df: Mapping[str, int], n: int) -> dict[str, float]:
    """Each term's rarity squared, the factor a shared term is scored with."""
    return {t: rarity(df.get(t, 0), n) ** 2 for t in terms}


def meaningful(term: str) -> bool:
    """Whether a word may be shown to editors: not a stop word or everyday filler, at least four
    letters, not a number."""
    return (
        len(term) >= 4
        and term not in STOP_WORDS
        and term not in FILLER
        and not any(c.isdigit() for c in term)
    )


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


def _scaled(weights: dict[str, float], norm: float, scale: float) -> dict[str, float]:
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
    tf = {term: (1.0 + math.log(c) if c >= 1 else c) for term, c in counts.items()}
    if len(tf) > terms_per_post:
        # Words no other post had when the statistics were taken come last: they match
        # nothing, and a long post's many one-off words would crowd out its topic words.
        strongest = sorted(tf, key=lambda t: (df.get(t, 0) < 2, -tf[t] * idf(df.get(t, 1), n), t))[
            :terms_per_post
        ]
        text = {t: tf[t] for t in strongest}
    else:
        text = tf
    # The length of the kept terms: a long post is scored on its strongest terms as fully as a
    # short one on all of its terms (dividing by every term's length made long posts' scores
    # too small to reach the minimum score, and their lists stayed short).
    length = math.sqrt(sum(v * v for v in text.values()))
    return {
        **_scaled(text, length, weights["text"]),
        **_evenly(tag_terms, weights["tags"]),
        **_evenly(category_terms, weights["categories"]),
    }


def _evenly(terms: Iterable[str], scale: float) -> dict:
    """Tags (or categories) share their signal's weight evenly, so a post with many tags does
    not match everything; their rarity is applied when scoring."""
    terms = sorted(set(terms))
    if not terms or scale <= 0:
        return {}
    factor = math.sqrt(scale) / math.sqrt(len(terms))
    return {t: factor for t in terms}


def lookup_terms(
    vector: Mapping[str, float],
    df: Mapping[str, int],
    n: int,
    *,
    limit: int,
    max_df: int,
) -> list[str]:
    """The post's most telling terms (weight times rarity squared) among those on no more than
    ``max_df`` posts (a term on many posts finds too much): its tags and categories, and the
    words the statistics show on at least two posts (a word only this post has finds nothing,
    and would crowd out those that do). Sorted by term."""
    eligible = [
        (w * rarity(df.get(t, 0), n) ** 2, t)
        for t, w in vector.items()
        if df.get(t, 0) <= max_df and (df.get(t, 0) >= 2 or kind_of(t) != "text")
    ]
    return sorted(t for _, t in heapq.nlargest(limit, eligible))


def similarity(
    a: Mapping[str, float], b: Mapping[str, float], rarities2: Mapping[str, float]
) -> float:
    """Sum over shared terms (in term order) of both weights times the term's rarity squared;
    symmetric to the last bit."""
    shared = a.keys() & b.keys()
    total = 0.0
    for t in sorted(shared) if len(shared) > 1 else shared:
        total += a[t] * b[t] * rarities2[t]
    return total


def reason(
    a: Mapping[str, float],
    b: Mapping[str, float],
    *,
    rarities2: Mapping[str, float],
    names: Mapping[str, str],
    top_terms: int = 4,
    meaning: float | None = None,
) -> str:
    """Why b was suggested for a, for editors: shared tags, categories and the strongest shared
    meaningful words (no stop words or everyday filler, none that half the blog shares)."""
    shared = [(a[t] * b[t] * rarities2[t], t) for t in a.keys() & b.keys()]
    shared.sort(reverse=True)
    parts = []
    tags = [names.get(t, t[len(TAG_PREFIX) :]) for _, t in shared if kind_of(t) == "tags"]
    cats = [
        names.get(t, t[len(CATEGORY_PREFIX) :]) for _, t in shared if kind_of(t) == "categories"
    ]
    words = [
        t
        for _, t in shared
        if kind_of(t) == "text" and meaningful(t) and rarities2[t] >= WHY_MIN_RARITY2
    ][:top_terms]
    if tags:
        parts.append("tags: " + ", ".join(tags))
    if cats:
        parts.append("categories: " + ", ".join(cats))
    if words:
        parts.append("terms: " + ", ".join(words))
    if meaning is not None:
        parts.append(f"similar meaning: {meaning:.2f}")
    return "; ".join(parts)[:300]
