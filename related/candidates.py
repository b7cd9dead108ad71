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
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from related import conf
from related.index import chunks
from related.models import PostTerm
from related.scoring import similarity


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
) -> Candidates:
    """The post's candidates, each scored exactly against it."""
    threshold = conf.lookup_min_score()
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
    shared = dict(found.shared)
    scores = dict(found.scores)
    if missing:
        fetched = postings.weights(missing, vector)
        for other in missing:
            shared[other] = fetched.get(other, {})
            scores[other] = similarity(vector, shared[other], rarities2)
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
