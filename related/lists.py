"""The list rule, one for both paths, and how a stored list absorbs one changed post.

A post's list: the editor's pinned posts first, in the editor's order; then its candidates
scoring at least ``RELATED_POSTS_MIN_SCORE``, best first (on equal scores the older post, with
the lower id, first), never an excluded one; ``RELATED_POSTS_COUNT`` + ``RELATED_POSTS_SPARE``
rows in all. Spare rows stand in for scheduled posts, stored but shown only once their time
comes.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from related import conf
from related.index import chunks
from related.models import RelatedPost, RelatedPostOverride

PINNED_REASON = "pinned by an editor"


@dataclass(frozen=True)
class Overrides:
    pins: list[int] = field(default_factory=list)
    excluded: frozenset[int] = frozenset()


def overrides_of(post_ids: Iterable[int]) -> dict[int, Overrides]:
    """The editors' pins (in their order) and exclusions of each post (one query per 500)."""
    pins: dict[int, list[int]] = {}
    excluded: dict[int, set[int]] = {}
    for batch in chunks(post_ids):
        rows = (
            RelatedPostOverride.objects.filter(post_id__in=batch)
            .order_by("position", "pk")
            .values_list("post_id", "other_id", "kind")
        )
        for post_id, other, kind in rows:
            if kind == RelatedPostOverride.Kind.PIN:
                pins.setdefault(post_id, []).append(other)
            else:
                excluded.setdefault(post_id, set()).add(other)
    return {
        pk: Overrides(pins=pins.get(pk, []), excluded=frozenset(excluded.get(pk, ())))
        for pk in set(pins) | set(excluded)
    }


def capacity(overrides: Overrides) -> int:
    """How many scored rows the list holds beside its pins."""
    return max(conf.stored_count() - len(overrides.pins), 0)


def build_list(
    post_id: int,
    scores: Mapping[int, float],
    reason_for: Callable[[int], str],
    overrides: Overrides,
) -> list[RelatedPost]:
    """The post's list from its scored candidates (the rule above)."""
    floor = conf.min_score()
    pinned = set(overrides.pins)
    best = heapq.nlargest(
        capacity(overrides),
        (
            (score, -other)
            for other, score in scores.items()
            if score >= floor
            and other != post_id
            and other not in overrides.excluded
            and other not in pinned
        ),
    )
    rows = [
        RelatedPost(post_id=post_id, related_id=other, score=0.0, pinned=True, reason=PINNED_REASON)
        for other in overrides.pins
    ]
    rows += [
        RelatedPost(post_id=post_id, related_id=-neg, score=score, reason=reason_for(-neg))
        for score, neg in best
    ]
    for rank, row in enumerate(rows, start=1):
        row.rank = rank
    return rows


UNCHANGED = "unchanged"
RECOMPUTE = "recompute"


def absorb(
    *,
    owner: int,
    stored: list[RelatedPost],
    changed: int,
    score: float | None,
    reason: str,
    overrides: Overrides,
) -> list[RelatedPost] | str:
    """``owner``'s list after post ``changed`` now scores ``score`` with it (None: no longer a
    candidate), worked out from the stored list alone — or RECOMPUTE when the stored list cannot
    tell, or UNCHANGED.

    A stored list that is not full holds every post that qualifies, so any change is exact. A
    full list holds the best: every post left out ranks below its last row. The changed post
    may then enter, move or stay while it ranks above that last row; if it was listed and falls
    to or below it, some post left out may now belong, and only a recomputation can say which.
    """
    qualifies = (
        score is not None
        and score >= conf.min_score()
        and changed not in overrides.excluded
        and changed not in overrides.pins
    )
    scored = sorted((r for r in stored if not r.pinned), key=lambda r: (-r.score, r.related_id))
    room = capacity(overrides)
    listed = any(r.related_id == changed for r in scored)
    pool = {r.related_id: (r.score, r.reason) for r in scored if r.related_id != changed}
    if len(scored) >= room:  # full
        if room == 0:
            return UNCHANGED
        last = scored[-1]
        above_last = qualifies and (score, -changed) > (last.score, -last.related_id)
        if not above_last:
            return RECOMPUTE if listed else UNCHANGED
    if qualifies:
        pool[changed] = (score, reason)
    elif not listed:
        return UNCHANGED
    return build_list(
        owner,
        {other: s for other, (s, _) in pool.items()},
        lambda other: pool[other][1],
        overrides,
    )


def stored_lists(post_ids: Iterable[int]) -> dict[int, list[RelatedPost]]:
    """The stored lists of the posts, in rank order (one query per 500)."""
    lists: dict[int, list[RelatedPost]] = {}
    for batch in chunks(sorted(set(post_ids))):
        for row in RelatedPost.objects.filter(post_id__in=batch).order_by("post_id", "rank"):
            lists.setdefault(row.post_id, []).append(row)
    return lists


def replace_lists(post_ids: Iterable[int], rows: list[RelatedPost]) -> None:
    """Store the new lists of the posts (rows of posts with an empty list: none)."""
    for batch in chunks(sorted(set(post_ids))):
        RelatedPost.objects.filter(post_id__in=batch).delete()
    RelatedPost.objects.bulk_create(rows, batch_size=1000)
