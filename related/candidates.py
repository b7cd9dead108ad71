"""The candidate rule, one for both paths (one post after a save, every post in a rebuild).

Two posts are candidates of each other when they share a look-up term (each post's most telling
terms, ``related.scoring.lookup_terms``) and their shared look-up terms alone score at least
``RELATED_POSTS_LOOKUP_MIN_SCORE``; candidates are then scored exactly over every shared term.
The rule is symmetric and depends on the two posts only, never on the rest of the blog: the
posts whose lists a changed post may enter are exactly its own candidates, and a list kept up
to date one post at a time holds what a rebuild would put in it.

Where the postings come from is the only difference between the paths: the database's inverted
index (``DatabasePostings``) or the rebuild's in-memory copy (``MemoryPostings``).
"""

from __future__ import annotations

from array import array
from collections import ChainMap, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from related import conf
from related.index import chunks
from related.models import PostTerm
from related.scoring import similarity

try:  # the rebuild's scoring is several times faster with it (the semantic extra brings it)
    import numpy as _numpy
except ImportError:  # pragma: no cover - exercised where NumPy is not installed
    _numpy = None

NUMPY_FROM = 64  # candidates from which a post is scored with NumPy, when installed
NUMPY_ROWS = 4096  # candidates scored per NumPy block (about 2 MB per array)


class Postings(Protocol):
    def lookup_postings(self, terms: list[str]) -> Mapping[str, Iterable[tuple[int, float]]]:
        """For each term, the (post id, weight) of every post having it as a look-up term."""

    def weights(self, post_ids: list[int], terms: Iterable[str]) -> Mapping[int, dict[str, float]]:
        """The weights the posts have for those of the terms they have."""


@dataclass
class Candidates:
    scores: dict[int, float]  # exact score of each candidate
    shared: Mapping[int, Mapping[str, float]]  # each candidate's weights (at least) on the terms
    meaning: dict[int, float] = field(default_factory=dict)  # cosines, when semantic is on


def scored_candidates(
    *,
    post_id: int,
    vector: Mapping[str, float],
    lookup: list[str],
    rarities2: Mapping[str, float],
    postings: Postings,
    keep: int | None = None,
) -> Candidates:
    """The post's candidates, each scored exactly against it. With ``keep`` (the rebuild, with
    NumPy) only that many of the best (by score, then lowest id, as lists rank them)."""
    threshold = conf.lookup_min_score()
    if isinstance(postings, MemoryPostings) and _numpy is not None:
        chosen, slots = postings.chosen_numpy(post_id, vector, lookup, rarities2, threshold)
        return Candidates(
            scores=postings.scores_numpy(post_id, chosen, slots, rarities2, keep),
            shared=postings.decoded(),
        )
    by_term = postings.lookup_postings(lookup)
    partial: dict[int, float] = {}
    for term in sorted(lookup):  # term order, so both posts of a pair add the same floats
        weight, r2 = vector[term], rarities2[term]
        for other, other_weight in by_term.get(term, ()):
            if other != post_id:
                partial[other] = partial.get(other, 0.0) + weight * other_weight * r2
    chosen = sorted(other for other, score in partial.items() if score >= threshold)
    if isinstance(postings, MemoryPostings):  # the rebuild: scored straight from its arrays
        return Candidates(
            scores=postings.scores(post_id, chosen, rarities2), shared=postings.decoded()
        )
    shared = postings.weights(chosen, vector) if chosen else {}
    scores = {other: similarity(vector, shared[other], rarities2) for other in chosen}
    return Candidates(scores=scores, shared=shared)


def with_meaning(
    found: Candidates,
    *,
    vector: Mapping[str, float],
    rarities2: Mapping[str, float],
    postings: Postings,
    near: Mapping[int, float],
) -> Candidates:
    """The hybrid: the semantic candidates (cosine at least the floor) join the lexical ones,
    scored exactly on the words they share, and every one of them gains the semantic bonus."""
    from related.semantic import bonus

    missing = sorted(set(near) - set(found.scores))
    fetched: dict[int, Mapping[str, float]] = {}
    shared = ChainMap(fetched, found.shared)  # no copy: the rebuild's is a view of every post
    scores = dict(found.scores)
    if missing:
        weights = postings.weights(missing, vector)
        for other in missing:
            fetched[other] = weights.get(other, {})
            scores[other] = similarity(vector, fetched[other], rarities2)
    for other, cosine in near.items():
        scores[other] = scores[other] + bonus(cosine)
    return Candidates(scores=scores, shared=shared, meaning=dict(near))


class DatabasePostings:
    """The inverted index in the database (the path after one post changes)."""

    def lookup_postings(self, terms):
        by_term: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for batch in chunks(terms):
            rows = PostTerm.objects.filter(term__in=batch, lookup=True).values_list(
                "term", "post_id", "weight"
            )
            for term, post_id, weight in rows:
                by_term[term].append((post_id, weight))
        return by_term

    def weights(self, post_ids, terms):
        result: dict[int, dict[str, float]] = {pk: {} for pk in post_ids}
        terms = sorted(terms)
        for ids in chunks(post_ids):
            for batch in chunks(terms):
                rows = PostTerm.objects.filter(post_id__in=ids, term__in=batch).values_list(
                    "post_id", "term", "weight"
                )
                for post_id, term, weight in rows:
                    result[post_id][term] = weight
        return result


class MemoryPostings:
    """Every post's entry held in memory (the rebuild path), compactly: terms are numbered once,
    each post's vector is a run of (term number, weight) in two flat arrays, in term order, and
    each look-up term's postings are two arrays (post ids, weights). About 12 bytes per stored
    term and no object per post, so a 100,000-post rebuild stays well under 300 MB.

    Candidates are scored straight from the arrays (``scores``), adding the shared terms in term
    order exactly as ``related.scoring.similarity`` does, so the floats equal the one-post
    path's; a vector is decoded into a dict only when asked for (the scoring post's own, and the
    few that end in its list, for their reasons)."""

    def __init__(self):
        self._term_ids: dict[str, int] = {}
        self._terms: list[str] = []
        self._slots: dict[int, int] = {}  # post id → its slot
        self._starts = array("q", [0])  # slot → start of its run in the flat arrays
        self._term_of = array("i")
        self._weight_of = array("d")
        self._lookup_starts = array("q", [0])
        self._lookup_of = array("i")
        self._postings: dict[int, tuple[array, array]] = {}
        self._rarities2: array | None = None  # term number → rarity squared, once set
        self._rarities_from: Mapping[str, float] | None = None

    def _term_id(self, term: str) -> int:
        number = self._term_ids.get(term)
        if number is None:
            number = self._term_ids[term] = len(self._terms)
            self._terms.append(term)
        return number

    def add(self, post_id: int, vector: Mapping[str, float], lookup: list[str]) -> None:
        self._slots[post_id] = len(self._starts) - 1
        for term in sorted(vector):
            self._term_of.append(self._term_id(term))
            self._weight_of.append(vector[term])
        self._starts.append(len(self._term_of))
        for term in lookup:
            number = self._term_id(term)
            self._lookup_of.append(number)
            ids, weights = self._postings.setdefault(number, (array("q"), array("d")))
            ids.append(post_id)
            weights.append(vector[term])
        self._lookup_starts.append(len(self._lookup_of))

    def vector(self, post_id: int) -> dict[str, float]:
        slot = self._slots[post_id]
        start, end = self._starts[slot], self._starts[slot + 1]
        terms = self._terms
        return {
            terms[t]: w
            for t, w in zip(self._term_of[start:end], self._weight_of[start:end], strict=True)
        }

    def decoded(self) -> Mapping[int, dict[str, float]]:
        """Every post's vector, decoded when looked up."""
        return _Decoded(self)

    def _rarities_by_number(self, rarities2: Mapping[str, float]) -> array:
        if self._rarities_from is not rarities2:
            self._rarities2 = array("d", (rarities2.get(t, 0.0) for t in self._terms))
            self._rarities_from = rarities2
        return self._rarities2

    def scores(
        self, post_id: int, others: list[int], rarities2: Mapping[str, float]
    ) -> dict[int, float]:
        """The exact score of the post with each of the others (``similarity``'s floats)."""
        if _numpy is not None and len(others) >= NUMPY_FROM:
            slots = _numpy.fromiter(
                (self._slots[o] for o in others), dtype=_numpy.int64, count=len(others)
            )
            return self.scores_numpy(post_id, others, slots, rarities2)
        r2 = self._rarities_by_number(rarities2)
        slot = self._slots[post_id]
        start, end = self._starts[slot], self._starts[slot + 1]
        own = dict(zip(self._term_of[start:end], self._weight_of[start:end], strict=True))
        get = own.get
        term_of, weight_of = self._term_of, self._weight_of
        starts, slots = self._starts, self._slots
        result = {}
        for other in others:
            slot = slots[other]
            total = 0.0
            a, b = starts[slot], starts[slot + 1]
            for t, w in zip(term_of[a:b], weight_of[a:b], strict=True):
                mine = get(t)
                if mine is not None:
                    total += mine * w * r2[t]
            result[other] = total
        return result

    def scores_numpy(
        self,
        post_id: int,
        others: list[int],
        slots,
        rarities2: Mapping[str, float],
        keep: int | None = None,
    ) -> dict[int, float]:
        """``scores`` with NumPy, for the same floats: each candidate's run (in term order) is a
        row of products, zero where the post lacks the term, added up left to right by a
        cumulative sum (sequential, unlike ``sum``), and adding 0.0 changes no float. ``slots``
        are the others' slots; with ``keep``, only the best that many are returned."""
        np = _numpy
        if not others:
            return {}
        term_of, weight_of, starts, r2, dense = self._numpy_arrays(rarities2)
        slot = self._slots[post_id]
        own_terms = term_of[starts[slot] : starts[slot + 1]]
        dense[own_terms] = weight_of[starts[slot] : starts[slot + 1]]
        try:
            result = np.zeros(len(others))
            for at in range(0, len(others), NUMPY_ROWS):  # bounded memory per block
                block = slots[at : at + NUMPY_ROWS]
                first = starts[block]
                length = starts[block + 1] - first
                width = int(length.max())
                if not width:
                    continue
                offsets = np.arange(width)
                inside = offsets[None, :] < length[:, None]
                where = np.where(inside, first[:, None] + offsets[None, :], 0)
                terms = term_of[where]
                products = dense[terms] * weight_of[where] * r2[terms]
                products[~inside] = 0.0
                result[at : at + len(block)] = np.cumsum(products, axis=1)[:, -1]
        finally:
            dense[own_terms] = 0.0
        ids = np.asarray(others, dtype=np.int64)
        if keep is not None and keep < len(others):
            best = np.lexsort((ids, -result))[:keep]  # by score, then lowest id
            ids, result = ids[best], result[best]
        return dict(zip(ids.tolist(), result.tolist(), strict=True))

    def chosen_numpy(
        self,
        post_id: int,
        vector: Mapping[str, float],
        lookup: list[str],
        rarities2: Mapping[str, float],
        threshold: float,
    ):
        """``scored_candidates``' candidate rule with NumPy, for the same floats: each look-up
        term's contributions are added in term order into one slot per post (a post is on a
        term's postings once, so every slot is added to left to right, from 0.0)."""
        np = _numpy
        partial, post_of_slot, slot_of_post = self._candidate_arrays()
        touched = []
        for term in sorted(lookup):
            number = self._term_ids.get(term)
            if number is None or number not in self._postings:
                continue
            ids, weights = self._postings[number]
            slots = slot_of_post(np.frombuffer(ids, dtype=np.int64))
            partial[slots] += (
                vector[term] * np.frombuffer(weights, dtype=np.float64) * rarities2[term]
            )
            touched.append(slots)
        if not touched:
            return [], np.empty(0, dtype=np.int64)
        seen = np.unique(np.concatenate(touched))
        values = partial[seen]
        partial[seen] = 0.0
        own = self._slots[post_id]
        found = seen[(values >= threshold) & (seen != own)]
        posts = post_of_slot[found]
        order = np.argsort(posts)
        return posts[order].tolist(), found[order]

    def _candidate_arrays(self):
        cached = getattr(self, "_candidate_cache", None)
        if cached is None or len(cached[1]) != len(self._slots):
            np = _numpy
            post_of_slot = np.empty(len(self._slots), dtype=np.int64)
            for post, slot in self._slots.items():
                post_of_slot[slot] = post
            order = np.argsort(post_of_slot)
            sorted_posts = post_of_slot[order]

            def slot_of_post(posts):
                return order[np.searchsorted(sorted_posts, posts)]

            cached = self._candidate_cache = (
                np.zeros(len(self._slots)),
                post_of_slot,
                slot_of_post,
            )
        return cached

    def _numpy_arrays(self, rarities2: Mapping[str, float]):
        r2 = self._rarities_by_number(rarities2)
        cached = getattr(self, "_numpy_cache", None)
        if cached is None or cached[0] is not r2 or cached[1] != len(self._term_of):
            np = _numpy
            # Views of the flat arrays, not copies (no post is added once scoring starts).
            arrays = (
                np.frombuffer(self._term_of, dtype=np.int32),
                np.frombuffer(self._weight_of, dtype=np.float64),
                np.frombuffer(self._starts, dtype=np.int64),
                np.frombuffer(r2, dtype=np.float64),
                np.zeros(len(self._terms)),
            )
            cached = self._numpy_cache = (r2, len(self._term_of), arrays)
        return cached[2]

    def lookup(self, post_id: int) -> list[str]:
        slot = self._slots[post_id]
        start, end = self._lookup_starts[slot], self._lookup_starts[slot + 1]
        return sorted(self._terms[t] for t in self._lookup_of[start:end])

    def post_ids(self) -> list[int]:
        return sorted(self._slots)

    def terms(self) -> set[str]:
        """Every term of every stored vector."""
        return {self._terms[t] for t in set(self._term_of)}

    def lookup_postings(self, terms):
        result = {}
        for term in terms:
            number = self._term_ids.get(term)
            if number is not None and number in self._postings:
                ids, weights = self._postings[number]
                result[term] = zip(ids, weights, strict=True)
        return result

    def weights(self, post_ids, terms):
        return {post_id: self.vector(post_id) for post_id in post_ids}


class _Decoded(Mapping):
    """A read-only view of the rebuild's vectors by post id, decoded on each look-up."""

    def __init__(self, memory: MemoryPostings):
        self._memory = memory

    def __getitem__(self, post_id: int) -> dict[str, float]:
        if post_id not in self._memory._slots:
            raise KeyError(post_id)
        return self._memory.vector(post_id)

    def __iter__(self):
        return iter(self._memory._slots)

    def __len__(self) -> int:
        return len(self._memory._slots)
