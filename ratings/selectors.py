"""Reads that combine the ratings tables: an object's rating summary, rating annotations for
lists, the top-rated ranking and the distribution of scores."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, FloatField, Max, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Cast, Coalesce

from ratings import conf
from ratings.forms import field_name
from ratings.models import RatingAggregate, RatingRule, RatingSet, Vote
from ratings.overrides import access_annotation
from ratings.policy import RatingPolicy, public_queryset
from ratings.summaries import CriterionSummary, RatingSummary


def rating_summary(policy: RatingPolicy, *, reader_key: str | None) -> RatingSummary:
    """Counts and averages of the policy's criteria for its object (one query) and the reader's
    own scores (one more query when the reader is known)."""
    target = policy.target
    ct = ContentType.objects.get_for_model(type(target))
    criterion_ids = [c.pk for c in policy.criteria]
    aggregates = {
        a.criterion_id: a
        for a in RatingAggregate.objects.for_target(ct, target.pk).filter(
            criterion_id__in=criterion_ids
        )
    }
    yours: dict[int, int] = {}
    if reader_key:
        yours = dict(
            Vote.objects.for_target(ct, target.pk)
            .by_reader(reader_key)
            .filter(criterion_id__in=criterion_ids)
            .values_list("criterion_id", "score")
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
                field_name=field_name(policy, criterion),
            )
        )
    return summary


def _aggregates_of(ct: ContentType, mode: str | None = None) -> models.QuerySet:
    qs = RatingAggregate.objects.for_target(ct, OuterRef("pk")).with_votes()
    if mode:
        qs = qs.in_mode(mode)
    return qs.order_by().values("object_id")


def _mean() -> models.Expression:
    return Cast(Sum("total"), FloatField()) / Cast(Sum("count"), FloatField())


def with_ratings(queryset: models.QuerySet) -> models.QuerySet:
    """Annotate each object of an allow-listed model with ``rating_count`` (readers who voted),
    ``rating_average`` (mean star score), ``rating_up_share`` (share of thumbs up) and
    ``rating_access`` (after the overrides, see ratings.overrides), as subqueries: lists cost no
    query per object."""
    ct = ContentType.objects.get_for_model(queryset.model)
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
        rating_access=access_annotation(queryset.model),
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
        RatingAggregate.objects.filter(content_type=ct)
        .in_mode(RatingSet.Mode.STARS)
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
    rows = (
        Vote.objects.for_target(content_type_id, object_id)
        .filter(criterion_id=criterion_id)
        .count_by_score()
    )
    total = sum(rows.values()) or 1
    return [
        {"score": score, "count": n, "percent": round(n * 100 / total, 1)}
        for score, n in sorted(rows.items(), reverse=True)
    ]
