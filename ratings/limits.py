"""Rate limits on votes: how many new readers one client address may bring in a window, on
anything (``RATINGS_RATE_LIMIT``) and on one object (``RATINGS_RATE_LIMIT_PER_OBJECT``).

A request without the reader cookie is a new reader, so these limits, not the one-vote-per-reader
constraint, are what stops one address from stuffing an object. Each limit is a counter row
(``RateCounter``) counted with one conditional UPDATE (``count = count + 1 WHERE count < limit``)
inside the vote's transaction: the row stays locked until the vote commits or rolls back, so
simultaneous votes from one address queue on it and exactly ``limit`` get through, and a refused
vote changes nothing. A window opens with the first vote counted and lasts its number of seconds;
the first vote after it ends opens the next one.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Case, F, PositiveIntegerField, Q, Value, When
from django.utils import timezone

from ratings import conf
from ratings.errors import RateLimited
from ratings.models import RateCounter

# Each process deletes the counters whose window is over at most this often (seconds), after a
# vote commits, this many at a time (under SQLite's limit on query parameters).
PRUNE_EVERY = 600
PRUNE_BATCH = 500
_next_prune = 0.0


@dataclass(frozen=True)
class Limit:
    """One rate limit as it applies to one vote: its counter, its size and what a refusal says."""

    key: str
    votes: int
    seconds: int
    message: str


def _plural(n: int, unit: str) -> str:
    return f"{n} {unit}{'' if n == 1 else 's'}"


def duration_text(seconds: float) -> str:
    """ "45 seconds", "10 minutes", "90 minutes", "1 hour", "24 hours": rounded up."""
    seconds = max(1, math.ceil(seconds))
    if seconds < 60:
        return _plural(seconds, "second")
    if seconds % 3600 and seconds < 2 * 3600:
        return _plural(math.ceil(seconds / 60), "minute")
    return _plural(math.ceil(seconds / 3600), "hour")


def limits_for(*, ip_hash: str, content_type_id: int, object_id: int, noun: str) -> list[Limit]:
    """The limits a new reader's vote on this object from this address counts against: the
    address's own first, then the address's on this object (the order every vote locks them)."""
    limits = []
    if overall := conf.get("RATINGS_RATE_LIMIT"):
        votes, seconds = overall
        limits.append(
            Limit(
                key=f"address:{ip_hash}",
                votes=votes,
                seconds=seconds,
                message=f"Too many votes from your network: at most {votes} in "
                f"{duration_text(seconds)}.",
            )
        )
    if per_object := conf.get("RATINGS_RATE_LIMIT_PER_OBJECT"):
        votes, seconds = per_object
        limits.append(
            Limit(
                key=f"object:{content_type_id}.{object_id}:{ip_hash}",
                votes=votes,
                seconds=seconds,
                message=f"Too many readers have rated this {noun} from your network: at most "
                f"{votes} in {duration_text(seconds)}.",
            )
        )
    return limits


def _take(limit: Limit, now: datetime) -> bool:
    """Count one vote on the limit's counter if its window has room or is over (then open a new
    window): one UPDATE, which on PostgreSQL waits for a concurrent vote holding the row and then
    re-checks the condition against the row that vote left."""
    over = Q(ends_at__lte=now)
    return bool(
        RateCounter.objects.filter(over | Q(count__lt=limit.votes), key=limit.key).update(
            # count before ends_at: MySQL evaluates SET left to right, with the new values.
            count=Case(
                When(over, then=Value(1)),
                default=F("count") + 1,
                output_field=PositiveIntegerField(),
            ),
            ends_at=Case(
                When(over, then=Value(now + timedelta(seconds=limit.seconds))),
                default=F("ends_at"),
            ),
        )
    )


def _spend(limit: Limit, now: datetime) -> None:
    for _ in range(2):
        RateCounter.objects.bulk_create(
            [RateCounter(key=limit.key, count=0, ends_at=now + timedelta(seconds=limit.seconds))],
            ignore_conflicts=True,
        )
        if _take(limit, now):
            return
        ends_at = RateCounter.objects.filter(key=limit.key).values_list("ends_at", flat=True)
        if ends_at := ends_at.first():
            retry = max(1, math.ceil((ends_at - now).total_seconds()))
            raise RateLimited(
                f"{limit.message} Please try again in {duration_text(retry)}.", retry_after=retry
            )
        # A prune deleted the (then finished) counter between the two statements: once more.
    raise RateLimited(f"{limit.message} Please try again later.")


def rate_limits_spend(*, limits: list[Limit], now: datetime) -> None:
    """Count one new reader's vote against each limit, or raise RateLimited for the first one
    that is full, leaving every counter as it was. Runs inside the vote's transaction, which
    keeps the counters locked until it ends, so simultaneous votes queue and none overshoots;
    any later error in the vote rolls the counting back."""
    if not limits:
        return
    if not transaction.get_connection().in_atomic_block:
        raise transaction.TransactionManagementError(
            "Rate limits are counted inside the vote's transaction."
        )
    spent = []
    try:
        for limit in limits:
            _spend(limit, now)
            spent.append(limit)
    except RateLimited:
        if spent:
            rate_limits_refund(limits=spent)
        raise
    _prune_after_commit()


def rate_limits_refund(*, limits: list[Limit]) -> None:
    """Take back what rate_limits_spend counted (in the same transaction, rows still locked), for
    a vote that turned out to replace the same reader's earlier one."""
    keys = [limit.key for limit in limits]
    RateCounter.objects.filter(key__in=keys, count__gt=0).update(count=F("count") - 1)


def rate_counters_prune(*, now: datetime | None = None, batch: int = PRUNE_BATCH) -> int:
    """Delete up to ``batch`` counters whose window is over (they count as empty anyway) and
    return how many. Rows a vote holds are skipped, never waited for, so a prune cannot
    deadlock with votes."""
    now = now or timezone.now()
    with transaction.atomic():
        keys = list(
            RateCounter.objects.ended(now)
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:batch]
        )
        if not keys:
            return 0
        deleted, _ = RateCounter.objects.filter(pk__in=keys).ended(now).delete()
    return deleted


def _prune_after_commit() -> None:
    """At most once every PRUNE_EVERY seconds in this process, prune once the vote has committed;
    a failing prune is logged and never turns a saved vote into an error."""
    global _next_prune
    if time.monotonic() < _next_prune:
        return
    _next_prune = time.monotonic() + PRUNE_EVERY
    transaction.on_commit(rate_counters_prune, robust=True)
