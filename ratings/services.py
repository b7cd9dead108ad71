"""Writes with rules: casting a vote, deleting votes, rebuilding aggregates."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta

from django.apps import apps as global_apps
from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from ratings import conf
from ratings.errors import AlreadyVoted, InvalidScore, RateLimited
from ratings.models import RatingAggregate, Vote
from ratings.policy import RatingPolicy, rating_policy
from ratings.querysets import AggregateKey
from ratings.selectors import rating_summary
from ratings.summaries import RatingSummary


def _check_rate_limit(ip_hash: str, *, target_ct: ContentType, target_id: int) -> None:
    limit = conf.get("RATINGS_RATE_LIMIT")
    if not limit:
        return
    votes, seconds = limit
    since = timezone.now() - timedelta(seconds=seconds)
    recent = (
        Vote.objects.from_network_since(ip_hash, since)
        .exclude(content_type=target_ct, object_id=target_id)
        .values("content_type_id", "object_id", "reader_key")
        .distinct()
        .count()
    )
    if recent >= votes:
        minutes = max(1, seconds // 60)
        raise RateLimited(
            f"Too many votes from your network: at most {votes} in {minutes} minutes. "
            "Please try again later."
        )


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
    allow it: a new vote adds to the aggregates, a revote replaces the reader's earlier score,
    all in one transaction with the aggregate rows locked so no concurrent vote is lost."""
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
    with transaction.atomic():
        _check_rate_limit(ip_hash, target_ct=ct, target_id=target.pk)
        if (
            conf.get("RATINGS_ONE_VOTE_PER_IP")
            and Vote.objects.for_target(ct, target.pk)
            .filter(ip_hash=ip_hash)
            .exclude(reader_key=reader_key)
            .exists()
        ):
            raise AlreadyVoted("Someone on your network has already rated this.")
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
            RatingAggregate.objects.filter(pk=aggregate.pk).update(
                count=F("count") + 1, total=F("total") + score
            )
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
