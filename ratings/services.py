"""Writes with rules: casting a vote, importing past votes, deleting votes, rebuilding
aggregates, the default rating set."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from django.apps import apps as global_apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, IntegrityError, models, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from ratings import conf
from ratings.errors import (
    AlreadyVoted,
    InvalidBallot,
    InvalidScore,
    NotRatable,
    RateLimited,
    RatingError,
)
from ratings.limits import Limit, limits_for, rate_limits_refund, rate_limits_spend
from ratings.models import Criterion, RatingAggregate, RatingSet, Vote
from ratings.policy import RatingPolicy, rating_policy
from ratings.querysets import AggregateKey
from ratings.selectors import rating_summary
from ratings.signals import rating_changed
from ratings.summaries import RatingSummary


def _rate_limits_count(limits: list[Limit], *, readers_votes: QuerySet) -> list[Limit]:
    """Count a new reader's vote against the rate limits and return the limits counted; a
    reader who has already voted on the object replaces their vote and counts against none."""
    if not limits or readers_votes.exists():
        return []
    try:
        rate_limits_spend(limits=limits, now=timezone.now())
    except RateLimited:
        # While this request waited for the counters, the same reader's other request (a double
        # click) may have saved their vote: then this one only replaces it.
        if readers_votes.exists():
            return []
        raise
    return limits


def vote_cast(
    *,
    target,
    user,
    reader_key: str,
    ip_hash: str,
    scores: Mapping[str, int],
    policy: RatingPolicy | None = None,
) -> RatingSummary:
    """Record the reader's scores (one per criterion of the object's rating set) if the rules
    allow it: a new reader's vote counts against the address's rate limits and adds to the
    aggregates, a revote replaces the reader's earlier score and counts against nothing, all in
    one transaction with the counters and aggregate rows locked (in that order) so no
    concurrent vote is lost or let past a limit."""
    policy = policy or rating_policy(target, user=user)
    if policy.refusal is not None:
        raise policy.refusal
    allowed = policy.rating_set.allowed_scores
    expected = {c.key for c in policy.criteria}
    if set(scores) != expected:
        raise InvalidScore("Give a score for every criterion: " + ", ".join(sorted(expected)) + ".")
    for criterion in policy.criteria:
        value = scores[criterion.key]
        if isinstance(value, bool) or not isinstance(value, int) or value not in allowed:
            raise InvalidScore(
                f"{criterion.name}: the score must be a whole number from "
                f"{allowed.start} to {allowed.stop - 1}."
            )
    ct = ContentType.objects.get_for_model(type(target))
    base = {"content_type": ct, "object_id": target.pk}
    limits = limits_for(
        ip_hash=ip_hash,
        content_type_id=ct.pk,
        object_id=target.pk,
        noun=type(target)._meta.verbose_name,
    )
    with transaction.atomic():
        counted = _rate_limits_count(
            limits, readers_votes=Vote.objects.for_target(ct, target.pk).by_reader(reader_key)
        )
        if (
            conf.get("RATINGS_ONE_VOTE_PER_IP")
            and Vote.objects.for_target(ct, target.pk)
            .filter(ip_hash=ip_hash)
            .exclude(reader_key=reader_key)
            .exists()
        ):
            raise AlreadyVoted("Someone on your network has already rated this.")
        added = changed = False
        # Lock in a fixed order (criterion id) so two multi-criteria ballots cannot deadlock.
        for criterion in sorted(policy.criteria, key=lambda c: c.pk):
            score = scores[criterion.key]
            aggregate, _ = RatingAggregate.objects.select_for_update().get_or_create(
                **base, criterion=criterion
            )
            mine = (
                Vote.objects.for_target(ct, target.pk)
                .by_reader(reader_key)
                .filter(criterion=criterion)
            )
            previous = mine.values_list("score", flat=True).first()
            if previous is not None:
                if not conf.get("RATINGS_ALLOW_REVOTE"):
                    raise AlreadyVoted("You have already rated this.")
                mine.update(score=score, ip_hash=ip_hash, updated_at=timezone.now())
                if score != previous:
                    RatingAggregate.objects.filter(pk=aggregate.pk).update(
                        total=F("total") + (score - previous)
                    )
                    changed = True
                continue
            try:
                with transaction.atomic():
                    Vote.objects.create(
                        **base,
                        criterion=criterion,
                        reader_key=reader_key,
                        user=user if user.is_authenticated else None,
                        ip_hash=ip_hash,
                        score=score,
                    )
            except IntegrityError as exc:  # the same reader in two tabs at the same instant
                raise AlreadyVoted("Your vote is already being recorded.") from exc
            added = changed = True
            RatingAggregate.objects.filter(pk=aggregate.pk).update(
                count=F("count") + 1, total=F("total") + score
            )
        if counted and not added:
            # The same reader's other request (a double click) saved their vote first and this
            # one replaced it: one reader, counted once.
            rate_limits_refund(limits=counted)
        if changed:
            rating_changed.send(sender=type(target), object_id=target.pk)
    return rating_summary(policy, reader_key=reader_key)


@dataclass
class Drift:
    content_type_id: int
    object_id: int
    criterion_id: int
    stored: tuple[int, int]
    actual: tuple[int, int]


def _recount(keys: Iterable[AggregateKey] | None) -> list[Drift]:
    votes = Vote.objects.all()
    stored_qs = RatingAggregate.objects.select_for_update()
    if keys is not None:
        keys = set(keys)
        votes, stored_qs = votes.for_keys(keys), stored_qs.for_keys(keys)
    actual = votes.totals_by_aggregate()
    stored = {(a.content_type_id, a.object_id, a.criterion_id): a for a in stored_qs.order_by("pk")}
    wanted = set(actual) | set(stored) if keys is None else keys
    drifts: list[Drift] = []
    for key in sorted(wanted):
        now = actual.get(key, (0, 0))
        row = stored.get(key)
        before = (row.count, row.total) if row else (0, 0)
        if before == now and (row is not None or now == (0, 0)):
            continue
        if row is None:
            RatingAggregate.objects.create(
                content_type_id=key[0],
                object_id=key[1],
                criterion_id=key[2],
                count=now[0],
                total=now[1],
            )
        else:
            RatingAggregate.objects.filter(pk=row.pk).update(count=now[0], total=now[1])
        if before != now:
            drifts.append(Drift(*key, stored=before, actual=now))
            model = ContentType.objects.get_for_id(key[0]).model_class()
            if model is not None:
                rating_changed.send(sender=model, object_id=key[1])
    return drifts


def aggregates_recount() -> list[Drift]:
    """Rebuild every stored count and sum from the votes; return the rows that had drifted."""
    with transaction.atomic():
        return _recount(None)


def votes_delete(*, votes: QuerySet) -> int:
    """Delete votes (moderation) and recompute the aggregates they counted towards."""
    with transaction.atomic():
        keys = set(votes.values_list("content_type_id", "object_id", "criterion_id"))
        deleted, _ = Vote.objects.filter(pk__in=list(votes.values_list("pk", flat=True))).delete()
        _recount(keys)
    return deleted


@dataclass(frozen=True, slots=True)
class Ballot:
    """One past vote to import: a reader's score for one criterion of one object."""

    object_id: int
    # "u:<user id>" for a user (linked when that user exists), "a:<anything>" for an anonymous
    # reader; at most 64 characters. One vote per object, criterion and reader.
    reader_key: str
    score: int
    # The criterion's key in the rating set imported into; None for a set's only criterion.
    criterion: str | None = None
    # The keyed hash of the client address (ratings.readers.ip_hash), never the address itself.
    ip_hash: str = ""
    # When the vote was cast (timezone-aware, not in the future); None: now.
    created_at: datetime | None = None


IMPORT_BATCH_SIZE = 1000  # rows per INSERT or UPDATE
LOOKUP_CHUNK_SIZE = 500  # ids per IN (…) list, under SQLite's limit on query parameters
MAX_OBJECT_ID = 2**63 - 1
_READER_KEY = re.compile(r"u:[1-9][0-9]*|a:\S+")


def _chunks(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class _Row(NamedTuple):
    """A checked ballot."""

    object_id: int
    criterion: Criterion
    reader_key: str
    score: int
    ip_hash: str
    created_at: datetime

    def vote(self, ct: ContentType, *, unknown_users: set[int]) -> Vote:
        user_id = int(self.reader_key[2:]) if self.reader_key.startswith("u:") else None
        return Vote(
            content_type=ct,
            object_id=self.object_id,
            criterion=self.criterion,
            reader_key=self.reader_key,
            user_id=None if user_id in unknown_users else user_id,
            ip_hash=self.ip_hash,
            score=self.score,
            created_at=self.created_at,
            updated_at=self.created_at,
        )


def _ballot_row(
    n: int, ballot: Ballot, *, criteria: dict, allowed: range, noun: str, now: datetime
) -> _Row:
    """Check one ballot (the n-th) and return it as a row to insert."""
    object_id = ballot.object_id
    if isinstance(object_id, bool) or not isinstance(object_id, int):
        raise InvalidBallot(f"Ballot {n}: the {noun} id must be a whole number.")
    if not 0 < object_id <= MAX_OBJECT_ID:
        raise InvalidBallot(f"Ballot {n}: there is no {noun} #{object_id}.")
    if ballot.criterion is None:
        if len(criteria) != 1:
            raise InvalidBallot(f"Ballot {n}: name one criterion: {', '.join(sorted(criteria))}.")
        criterion = next(iter(criteria.values()))
    elif ballot.criterion in criteria:
        criterion = criteria[ballot.criterion]
    else:
        raise InvalidBallot(
            f"Ballot {n}: no criterion {ballot.criterion!r}; the set has "
            f"{', '.join(sorted(criteria))}."
        )
    reader_key = ballot.reader_key
    if (
        not isinstance(reader_key, str)
        or len(reader_key) > 64
        or not _READER_KEY.fullmatch(reader_key)
    ):
        raise InvalidBallot(
            f'Ballot {n}: the reader must be "u:<user id>" or "a:<id>" (64 characters at most).'
        )
    score = ballot.score
    if isinstance(score, bool) or not isinstance(score, int) or score not in allowed:
        raise InvalidScore(
            f"Ballot {n} ({noun} #{object_id}, {criterion.name}): the score must be a whole "
            f"number from {allowed.start} to {allowed.stop - 1}."
        )
    if not isinstance(ballot.ip_hash, str) or len(ballot.ip_hash) > 64:
        raise InvalidBallot(f"Ballot {n}: the address hash must be text of 64 characters at most.")
    created_at = ballot.created_at or now
    if not isinstance(created_at, datetime) or timezone.is_aware(created_at) != settings.USE_TZ:
        kind = "timezone-aware" if settings.USE_TZ else "naive"
        raise InvalidBallot(f"Ballot {n}: the date must be a {kind} datetime.")
    if created_at > now:
        raise InvalidBallot(f"Ballot {n}: the date {created_at.isoformat()} is in the future.")
    return _Row(object_id, criterion, reader_key, score, ballot.ip_hash, created_at)


def _missing_ids(manager, ids: set[int]) -> list[int]:
    """The ids among ``ids`` that name no row (one query per chunk of ids)."""
    found: set[int] = set()
    for chunk in _chunks(sorted(ids), LOOKUP_CHUNK_SIZE):
        found.update(manager.filter(pk__in=chunk).order_by().values_list("pk", flat=True))
    return sorted(ids - found)


def votes_import(
    *, model: type[models.Model], ballots: Iterable[Ballot], rating_set: RatingSet | None = None
) -> int:
    """Record past votes in bulk, all or nothing, with the stored aggregates kept exact; return
    how many votes were written.

    Each ballot's score must fit its rating set (thumbs 0 or 1, stars 1 to RATINGS_MAX_SCORE);
    the model must be allow-listed (RATINGS_MODELS) and every object must exist; a reader has
    one vote per object and criterion, so a ballot repeating another, or a vote already stored,
    refuses the whole import (AlreadyVoted). Any refusal writes nothing. Every aggregate
    touched is brought up to date in the same transaction, its row locked, so live votes
    arriving meanwhile are counted too and ``ratings_recount`` finds no drift. The ballots go
    to the rating set given (default: the site's default set) whatever rating set the objects
    show today. Rules about live readers do not apply to imported history: voting closing N
    days after publication, locked or hidden overrides, signing in, the rate limit, one vote
    per address, not rating one's own object, and only published objects being ratable.
    """
    if conf.spec_for(model) is None:
        raise NotRatable(f"{model._meta.label} is not in RATINGS_MODELS: it cannot be rated.")
    found = list(Criterion.objects.of_set(rating_set.pk if rating_set else None))
    if not found:
        raise InvalidBallot(f"The rating set {rating_set or '(default)'} has no criteria.")
    criteria = {c.key: c for c in found}
    rating_set = found[0].rating_set
    allowed, noun, now = rating_set.allowed_scores, model._meta.verbose_name, timezone.now()

    rows = []
    first_seen: dict[tuple[int, int, str], int] = {}
    for n, ballot in enumerate(ballots, start=1):
        row = _ballot_row(n, ballot, criteria=criteria, allowed=allowed, noun=noun, now=now)
        key = (row.object_id, row.criterion.pk, row.reader_key)
        if key in first_seen:
            raise AlreadyVoted(
                f"Ballot {n} repeats ballot {first_seen[key]}: reader {row.reader_key} on "
                f"{noun} #{row.object_id}, {row.criterion.name}."
            )
        first_seen[key] = n
        rows.append(row)
    if not rows:
        return 0

    object_ids = {row.object_id for row in rows}
    if missing := _missing_ids(model._default_manager, object_ids):
        shown = ", ".join(f"#{pk}" for pk in missing[:10]) + (" …" if len(missing) > 10 else "")
        raise NotRatable(f"No {noun} with these ids: {shown}.")
    user_ids = {int(row.reader_key[2:]) for row in rows if row.reader_key.startswith("u:")}
    unknown_users = set(_missing_ids(get_user_model()._default_manager, user_ids))

    ct = ContentType.objects.get_for_model(model)
    added: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        added[row.object_id, row.criterion.pk][0] += 1
        added[row.object_id, row.criterion.pk][1] += row.score
    criterion_ids = sorted({criterion_id for _, criterion_id in added})

    with transaction.atomic():
        # Every aggregate touched exists (new ones at zero), then all are locked in one order
        # (object, criterion) as vote_cast locks them, so live votes wait and are not lost.
        RatingAggregate.objects.bulk_create(
            [
                RatingAggregate(content_type=ct, object_id=o, criterion_id=c, count=0, total=0)
                for o, c in added
            ],
            batch_size=IMPORT_BATCH_SIZE,
            ignore_conflicts=True,
        )
        stored = []
        for chunk in _chunks(sorted(object_ids), LOOKUP_CHUNK_SIZE):
            locked = (
                RatingAggregate.objects.select_for_update()
                .filter(content_type=ct, object_id__in=chunk, criterion_id__in=criterion_ids)
                .order_by("object_id", "criterion_id")
            )
            stored += [a for a in locked if (a.object_id, a.criterion_id) in added]
        try:
            with transaction.atomic():
                for chunk in _chunks(rows, IMPORT_BATCH_SIZE):
                    Vote.objects.bulk_create(
                        [row.vote(ct, unknown_users=unknown_users) for row in chunk],
                        batch_size=IMPORT_BATCH_SIZE,
                    )
        except IntegrityError as exc:
            raise _already_voted(ct, first_seen, noun=noun, criteria=criteria) from exc
        for aggregate in stored:
            count, total = added[aggregate.object_id, aggregate.criterion_id]
            aggregate.count += count
            aggregate.total += total
        RatingAggregate.objects.bulk_update(
            stored, ["count", "total"], batch_size=IMPORT_BATCH_SIZE
        )
    return len(rows)


def _already_voted(ct, first_seen: dict, *, noun: str, criteria: dict) -> RatingError:
    """The clearest error for a vote that clashed with one already stored: which ballot."""
    names = {c.pk: c.name for c in criteria.values()}
    object_ids = sorted({object_id for object_id, _, _ in first_seen})
    for chunk in _chunks(object_ids, LOOKUP_CHUNK_SIZE):
        stored = Vote.objects.filter(
            content_type=ct, object_id__in=chunk, criterion_id__in=list(names)
        ).values_list("object_id", "criterion_id", "reader_key")
        clashes = sorted(first_seen[key] for key in stored if key in first_seen)
        if clashes:
            object_id, criterion_id, reader_key = next(
                key for key, n in first_seen.items() if n == clashes[0]
            )
            return AlreadyVoted(
                f"Ballot {clashes[0]}: reader {reader_key} has already rated {noun} "
                f"#{object_id} ({names[criterion_id]}); nothing was imported."
            )
    return AlreadyVoted("A reader voted during the import; nothing was imported. Run it again.")


def rating_set_ensure_default(*, apps=global_apps, using: str = DEFAULT_DB_ALIAS):
    """There is always a default rating set: a single "Overall" star criterion unless an editor
    made another set the default. Run after every migrate and flush (ratings.apps) with the
    historical models and the database it is given, as django.contrib.sites makes its default
    site; returns the default set."""
    set_model = apps.get_model("ratings", "RatingSet")
    criterion_model = apps.get_model("ratings", "Criterion")
    with transaction.atomic(using=using):
        sets = set_model.objects.using(using)
        default = sets.filter(is_default=True).first()
        if default is None:
            default, _ = sets.get_or_create(name="Overall", defaults={"mode": "stars"})
            sets.filter(pk=default.pk).update(is_default=True)
            default.is_default = True
        criteria = criterion_model.objects.using(using).filter(rating_set=default)
        if not criteria.exists():
            criteria.create(rating_set=default, name="Overall", key="overall", position=0)
    return default
