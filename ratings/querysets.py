"""Reads: an object's rating summary, rating annotations for lists, and the top-rated ranking."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Count, F, FloatField, Max, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Cast, Coalesce

from ratings import conf
from ratings.models import Criterion, RatingAggregate, RatingRule, RatingSet, Vote
from ratings.policy import RatingPolicy, parent_field, parent_ids_query, public_queryset


@dataclass
class CriterionSummary:
    criterion: Criterion
    count: int
    total: int
    your_score: int | None
    max_score: int
    thumbs: bool
    field_name: str = "score"

    @property
    def average(self) -> float | None:
        return self.total / self.count if self.count else None

    @property
    def average_display(self) -> str:
        if self.average is None:
            return ""
        return f"{self.average * 100:.0f}%" if self.thumbs else f"{self.average:.1f}"

    @property
    def percent(self) -> float:
        """How much of the star row to fill (or the share of thumbs up), 0–100."""
        if self.average is None:
            return 0.0
        return round(self.average * 100 if self.thumbs else self.average / self.max_score * 100, 1)

    @property
    def ups(self) -> int:
        return self.total

    @property
    def downs(self) -> int:
        return self.count - self.total

    @property
    def choices(self) -> list[int]:
        return [1, 0] if self.thumbs else list(range(1, self.max_score + 1))

    def as_json(self) -> dict:
        average = self.average
        return {
            "key": self.criterion.key,
            "name": self.criterion.name,
            "count": self.count,
            "average": None if average is None else round(average, 2),
            "your_score": self.your_score,
        }


@dataclass
class RatingSummary:
    """Everything the widget shows for one object and one reader."""

    policy: RatingPolicy
    criteria: list[CriterionSummary] = field(default_factory=list)

    @property
    def target(self):
        return self.policy.target

    @property
    def max_score(self) -> int:
        return conf.max_score()

    @property
    def thumbs(self) -> bool:
        return self.policy.is_thumbs

    @property
    def multi(self) -> bool:
        return len(self.criteria) > 1

    @property
    def count(self) -> int:
        """Votes cast: readers who rated, i.e. the largest count among the criteria."""
        return max((c.count for c in self.criteria), default=0)

    @property
    def average(self) -> float | None:
        """The mean of the criteria's averages (the plain average for a single criterion)."""
        averages = [c.average for c in self.criteria if c.average is not None]
        return sum(averages) / len(averages) if averages else None

    @property
    def average_display(self) -> str:
        if self.average is None:
            return ""
        return f"{self.average * 100:.0f}%" if self.thumbs else f"{self.average:.1f}"

    @property
    def percent(self) -> float:
        if self.average is None:
            return 0.0
        scale = 100 if self.thumbs else 100 / self.max_score
        return round(self.average * scale, 1)

    @property
    def your_scores(self) -> dict[str, int]:
        return {c.criterion.key: c.your_score for c in self.criteria if c.your_score is not None}

    @property
    def star_glyphs(self) -> str:
        return "★" * self.max_score

    @property
    def label(self) -> str:
        return self.target._meta.label_lower

    @property
    def noun(self) -> str:
        return self.target._meta.verbose_name

    @property
    def has_voted(self) -> bool:
        return bool(self.your_scores)

    @property
    def your_score(self) -> int | None:
        """The reader's score for a single criterion, or their mean for several."""
        scores = list(self.your_scores.values())
        if not scores:
            return None
        return scores[0] if len(scores) == 1 else round(sum(scores) / len(scores), 2)

    @property
    def can_vote(self) -> bool:
        if self.policy.refusal is not None:
            return False
        return not (self.has_voted and not conf.get("RATINGS_ALLOW_REVOTE"))

    @property
    def notice(self) -> str:
        """Why no stars are offered, in the reader's words ("" when they are)."""
        if self.policy.refusal is not None:
            return self.policy.refusal.message
        if not self.can_vote:
            return "You have already rated this. Thank you!"
        return ""

    def as_json(self) -> dict:
        average = self.average
        return {
            "count": self.count,
            "average": None if average is None else round(average, 2),
            "your_score": self.your_score,
            "max_score": self.max_score,
            "mode": self.policy.mode,
            "criteria": [c.as_json() for c in self.criteria],
        }


def rating_summary(policy: RatingPolicy, *, reader_key: str | None) -> RatingSummary:
    """Counts and averages of the policy's criteria for its object (one query) and the reader's
    own scores (one more query when the reader is known)."""
    target = policy.target
    ct = ContentType.objects.get_for_model(type(target))
    criterion_ids = [c.pk for c in policy.criteria]
    aggregates = {
        a.criterion_id: a
        for a in RatingAggregate.objects.filter(
            content_type=ct, object_id=target.pk, criterion_id__in=criterion_ids
        )
    }
    yours: dict[int, int] = {}
    if reader_key:
        yours = dict(
            Vote.objects.filter(
                content_type=ct,
                object_id=target.pk,
                criterion_id__in=criterion_ids,
                reader_key=reader_key,
            ).values_list("criterion_id", "score")
        )
    summary = RatingSummary(policy=policy)
    for criterion in policy.criteria:
        aggregate = aggregates.get(criterion.pk)
        summary.criteria.append(
            CriterionSummary(
                criterion=criterion,
                count=aggregate.count if aggregate else 0,
                total=aggregate.total if aggregate else 0,
                your_score=yours.get(criterion.pk),
                max_score=conf.max_score(),
                thumbs=policy.is_thumbs,
                field_name="score" if len(policy.criteria) == 1 else f"score-{criterion.key}",
            )
        )
    return summary


def _aggregates_of(ct: ContentType, mode: str | None = None) -> models.QuerySet:
    qs = RatingAggregate.objects.filter(content_type=ct, object_id=OuterRef("pk"), count__gt=0)
    if mode:
        qs = qs.filter(criterion__rating_set__mode=mode)
    return qs.order_by().values("object_id")


def _mean(prefix: str = "") -> models.Expression:
    return Cast(Sum(f"{prefix}total"), FloatField()) / Cast(Sum(f"{prefix}count"), FloatField())


def with_ratings(queryset: models.QuerySet) -> models.QuerySet:
    """Annotate each object of an allow-listed model with ``rating_count`` (readers who voted),
    ``rating_average`` (mean star score), ``rating_up_share`` (share of thumbs up) and
    ``rating_access`` (after overrides), as subqueries: lists cost no query per object."""
    model = queryset.model
    ct = ContentType.objects.get_for_model(model)
    own_rule = RatingRule.objects.filter(
        content_type=ct, object_id=OuterRef("pk"), access__gt=RatingRule.Access.INHERIT
    ).values("access")[:1]
    access = [Subquery(own_rule)]
    field = parent_field(model)
    if field is not None:
        parent_ct = ContentType.objects.get_for_model(field.related_model)
        parent_rule = (
            RatingRule.objects.filter(
                content_type=parent_ct,
                object_id__in=parent_ids_query(model, OuterRef(OuterRef("pk"))),
                access__gt=RatingRule.Access.INHERIT,
            )
            .order_by()
            .values("content_type")
            .annotate(strictest=Max("access"))
            .values("strictest")
        )
        access.append(Subquery(parent_rule))
    return queryset.annotate(
        rating_count=Coalesce(Subquery(_aggregates_of(ct).annotate(n=Max("count")).values("n")), 0),
        rating_average=Subquery(
            _aggregates_of(ct, RatingSet.Mode.STARS).annotate(a=_mean()).values("a"),
            output_field=FloatField(),
        ),
        rating_up_share=Subquery(
            _aggregates_of(ct, RatingSet.Mode.THUMBS).annotate(a=_mean()).values("a"),
            output_field=FloatField(),
        ),
        rating_access=Coalesce(*access, Value(int(RatingRule.Access.OPEN))),
    )


def prior_mean_expression(ct: ContentType) -> models.Expression:
    """M in the Bayesian average: the scale's midpoint by default, a fixed number, or with
    RATINGS_TOP_PRIOR_MEAN = "site" the mean of every star vote on this kind of object."""
    prior = conf.get("RATINGS_TOP_PRIOR_MEAN")
    if prior is None:
        return Value((1 + conf.max_score()) / 2)
    if prior != "site":
        return Value(float(prior))
    site_mean = (
        RatingAggregate.objects.filter(content_type=ct, criterion__rating_set__mode="stars")
        .order_by()
        .values("content_type")
        .annotate(m=_mean())
        .values("m")
    )
    return Coalesce(
        Subquery(site_mean, output_field=FloatField()), Value((1 + conf.max_score()) / 2)
    )


def top_rated(model, *, order: str = "bayes", limit: int | None = None) -> models.QuerySet:
    """Public, visible objects with star votes, ranked by the damped average
    (W·M + n·mean) / (W + n) — or, with ``order="count"``, by how many readers voted."""
    ct = ContentType.objects.get_for_model(model)
    weight = float(conf.get("RATINGS_TOP_PRIOR_WEIGHT"))
    qs = (
        with_ratings(public_queryset(model))
        .filter(rating_count__gt=0, rating_average__isnull=False)
        .exclude(rating_access=RatingRule.Access.HIDDEN)
        .annotate(
            rating_score=(
                Value(weight) * prior_mean_expression(ct)
                + Cast(F("rating_count"), FloatField()) * F("rating_average")
            )
            / (Value(weight) + Cast(F("rating_count"), FloatField()))
        )
    )
    ordering = (
        ["-rating_count", "-rating_score"]
        if order == "count"
        else ["-rating_score", "-rating_count"]
    )
    qs = qs.order_by(*ordering, "-pk")
    return qs[:limit] if limit else qs


def score_distribution(*, content_type_id: int, object_id: int, criterion_id: int) -> list[dict]:
    """How many readers gave each score to one criterion of one object (one query)."""
    rows = dict(
        Vote.objects.filter(
            content_type_id=content_type_id, object_id=object_id, criterion_id=criterion_id
        )
        .order_by()
        .values_list("score")
        .annotate(n=Count("pk"))
    )
    total = sum(rows.values()) or 1
    return [
        {"score": score, "count": n, "percent": round(n * 100 / total, 1)}
        for score, n in sorted(rows.items(), reverse=True)
    ]
