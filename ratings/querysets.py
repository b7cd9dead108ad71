"""The ratings models' QuerySets (used as their managers): named reads, each stating its rule.

Objects are named by content type and id, so every method takes those two (an ``OuterRef`` works
as the id, for subqueries)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import models
from django.db.models import Count, Max, Q, Sum

# (content type id, object id, criterion id): one stored aggregate, one set of votes.
AggregateKey = tuple[int, int, int]


class _TargetQuerySet(models.QuerySet):
    def for_target(self, content_type, object_id) -> _TargetQuerySet:
        """Rows about one object, named by its content type and id."""
        return self.filter(content_type=content_type, object_id=object_id)

    def for_keys(self, keys: Iterable[AggregateKey]) -> _TargetQuerySet:
        """Rows about these (content type id, object id, criterion id) triples only."""
        scope = Q(pk__in=[])
        for ct_id, object_id, criterion_id in keys:
            scope |= Q(content_type_id=ct_id, object_id=object_id, criterion_id=criterion_id)
        return self.filter(scope)


class VoteQuerySet(_TargetQuerySet):
    def by_reader(self, reader_key: str) -> VoteQuerySet:
        """One reader's votes: at most one per object and criterion (a unique constraint)."""
        return self.filter(reader_key=reader_key)

    def count_by_score(self) -> dict[int, int]:
        """How many votes gave each score (one query)."""
        return dict(self.order_by().values_list("score").annotate(n=Count("pk")))

    def totals_by_aggregate(self) -> dict[AggregateKey, tuple[int, int]]:
        """(count, sum of scores) per object and criterion: what each stored aggregate must hold."""
        rows = (
            self.order_by()
            .values("content_type_id", "object_id", "criterion_id")
            .annotate(n=Count("pk"), s=Sum("score"))
        )
        return {
            (row["content_type_id"], row["object_id"], row["criterion_id"]): (row["n"], row["s"])
            for row in rows
        }


class RatingAggregateQuerySet(_TargetQuerySet):
    def with_votes(self) -> RatingAggregateQuerySet:
        """Aggregates that count at least one vote (a criterion nobody scored says nothing)."""
        return self.filter(count__gt=0)

    def in_mode(self, mode: str) -> RatingAggregateQuerySet:
        """Aggregates of one mode (stars or thumbs): star means and thumbs-up shares never mix."""
        return self.filter(criterion__rating_set__mode=mode)


class RatingRuleQuerySet(models.QuerySet):
    def for_target(self, content_type, object_id) -> RatingRuleQuerySet:
        """The rule attached to one object (at most one: a unique constraint)."""
        return self.filter(content_type=content_type, object_id=object_id)

    def for_targets(self, content_type, object_ids) -> RatingRuleQuerySet:
        """The rules attached to any of these objects (ids or a subquery), e.g. its parents."""
        return self.filter(content_type=content_type, object_id__in=object_ids)

    def deciding_access(self) -> RatingRuleQuerySet:
        """Rules that set access: an INHERIT rule leaves the decision to the next level."""
        return self.filter(access__gt=self.model.Access.INHERIT)

    def strictest_access(self) -> RatingRuleQuerySet:
        """The highest (strictest) access among these rules, as a one-value subquery."""
        return (
            self.order_by()
            .values("content_type")
            .annotate(strictest=Max("access"))
            .values("strictest")
        )


class CriterionQuerySet(models.QuerySet):
    def of_set(self, rating_set_id: int | None) -> CriterionQuerySet:
        """The criteria of a rating set (the default set when none is named), set joined in."""
        qs = self.select_related("rating_set")
        if rating_set_id:
            return qs.filter(rating_set_id=rating_set_id)
        return qs.filter(rating_set__is_default=True)


class RateCounterQuerySet(models.QuerySet):
    def ended(self, now: datetime) -> RateCounterQuerySet:
        """Counters whose window is over: they count as empty, so deleting them changes nothing."""
        return self.filter(ends_at__lte=now)
