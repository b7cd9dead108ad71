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

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
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
    shared = postings.weights(chosen, vector) if chosen else {}
    scores = {other: similarity(vector, shared[other], rarities2) for other in chosen}
    return Candidates(scores=scores, shared=shared)


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
    """Every post's entry held in memory (the rebuild path)."""

    def __init__(self):
        self.vectors: dict[int, dict[str, float]] = {}
        self.lookups: dict[int, list[str]] = {}
        self.by_term: dict[str, list[tuple[int, float]]] = defaultdict(list)

    def add(self, post_id: int, vector: dict[str, float], lookup: list[str]) -> None:
        self.vectors[post_id] = vector
        self.lookups[post_id] = lookup
        for term in lookup:
            self.by_term[term].append((post_id, vector[term]))

    def lookup_postings(self, terms):
        return self.by_term

    def weights(self, post_ids, terms):
        return self.vectors
