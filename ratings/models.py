from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from ratings import conf
from ratings.querysets import (
    CriterionQuerySet,
    RateCounterQuerySet,
    RatingAggregateQuerySet,
    RatingRuleQuerySet,
    VoteQuerySet,
)


class RatingSet(models.Model):
    """What readers rate: one or more criteria, as stars or as thumbs up/down."""

    class Mode(models.TextChoices):
        STARS = "stars", "Stars"
        THUMBS = "thumbs", "Thumbs up / down"

    name = models.CharField(max_length=100, unique=True)
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.STARS)
    is_default = models.BooleanField(
        default=False,
        help_text="Used for everything that has no rating set of its own. Exactly one set is "
        "the default.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="ratingset_one_default"
            )
        ]

    def __str__(self):
        return self.name

    @property
    def allowed_scores(self) -> range:
        """Thumbs: 0 (down) or 1 (up); stars: 1 to RATINGS_MAX_SCORE."""
        return range(0, 2) if self.mode == self.Mode.THUMBS else range(1, conf.max_score() + 1)


class Criterion(models.Model):
    """One thing rated within a set, such as "Analysis" or "Sources"."""

    rating_set = models.ForeignKey(RatingSet, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(max_length=60)
    key = models.SlugField(
        max_length=60, blank=True, help_text="Used in form field names; made from the name."
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Smaller comes first.")

    objects = CriterionQuerySet.as_manager()

    class Meta:
        ordering = ["rating_set", "position", "pk"]
        verbose_name_plural = "criteria"
        constraints = [
            models.UniqueConstraint(fields=["rating_set", "key"], name="criterion_unique_key"),
        ]

    def __str__(self):
        return f"{self.rating_set}: {self.name}"

    def save(self, *args, **kwargs):
        if not self.key:
            self.key = slugify(self.name)[:60] or "criterion"
        super().save(*args, **kwargs)


class Vote(models.Model):
    """One reader's score for one criterion of one object. The unique constraint is the
    one-vote-per-reader rule; the IP is kept only as a keyed hash (one vote per address)."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="votes")
    reader_key = models.CharField(
        max_length=64, help_text='"u:<user id>" for signed-in readers, "a:<cookie id>" otherwise.'
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="rating_votes",
    )
    ip_hash = models.CharField(max_length=64, db_index=False)
    score = models.SmallIntegerField()
    # Not auto_now/auto_now_add, which would overwrite the dates of imported history
    # (votes_import); vote_cast moves updated_at when a reader changes their vote.
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = VoteQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-pk"]
        permissions = [("moderate_vote", "Can moderate votes and rating statistics")]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "criterion", "reader_key"],
                name="vote_one_per_reader",
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=100), name="vote_score_in_range"
            ),
        ]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="vote_target"),
        ]

    def __str__(self):
        return (
            f"{self.score} on {self.content_type.model} #{self.object_id} ({self.criterion.name})"
        )

    @property
    def is_signed_in(self) -> bool:
        return self.reader_key.startswith("u:")


class RateCounter(models.Model):
    """How many new readers' votes one client address (its keyed hash) has cast in its current
    window — on anything, or on one object — for the rate limits (ratings.limits). The vote
    service counts a vote with one conditional UPDATE inside the vote's transaction, so
    simultaneous votes queue on the row and cannot overshoot, and a refused vote changes
    nothing. A row whose window has ended counts as empty; old rows are deleted in passing."""

    # "address:<ip hash>" or "object:<content type id>.<object id>:<ip hash>".
    key = models.CharField(primary_key=True, max_length=128)
    count = models.PositiveIntegerField(default=0)
    # When the window ends; the first vote after it opens a new one.
    ends_at = models.DateTimeField(db_index=True)

    objects = RateCounterQuerySet.as_manager()

    class Meta:
        verbose_name = "rate-limit counter"
        default_permissions = ()  # bookkeeping of the vote service, not for anyone to edit

    def __str__(self):
        return f"{self.key[:40]}: {self.count} until {self.ends_at:%Y-%m-%d %H:%M:%S}"


class RatingAggregate(models.Model):
    """The stored count and sum of one criterion's votes on one object, kept exact by the
    vote service (same transaction, row lock) and rebuilt by ``ratings_recount``."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="aggregates")
    count = models.PositiveIntegerField(default=0)
    total = models.BigIntegerField(default=0)

    objects = RatingAggregateQuerySet.as_manager()

    class Meta:
        verbose_name = "rating statistic"
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "criterion"], name="aggregate_one_per_target"
            ),
            models.CheckConstraint(condition=Q(total__gte=0), name="aggregate_total_positive"),
        ]

    def __str__(self):
        return f"{self.content_type.model} #{self.object_id} — {self.criterion.name}"

    @property
    def average(self) -> float | None:
        return self.total / self.count if self.count else None


class RatingRule(models.Model):
    """An editor's override for one object or one parent (such as a category): who may vote,
    and which rating set applies. Which rule wins is decided in ratings.overrides."""

    class Access(models.IntegerChoices):
        # Ordered from open to strict: among parents' rules the highest wins (ratings.overrides).
        INHERIT = 0, "Default rules"
        OPEN = 1, "Open to everyone allowed by the site settings"
        SIGNED_IN = 2, "Signed-in users only"
        LOCKED = 3, "Locked: ratings shown, voting closed"
        HIDDEN = 4, "Hidden: no ratings shown"

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField(help_text="The id of the post or category.")
    access = models.PositiveSmallIntegerField(choices=Access.choices, default=Access.INHERIT)
    rating_set = models.ForeignKey(
        RatingSet,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        help_text="Leave empty to keep the inherited or default rating set.",
    )
    note = models.CharField(max_length=200, blank=True, help_text="Why, for other editors.")

    objects = RatingRuleQuerySet.as_manager()

    class Meta:
        verbose_name = "rating override"
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="rule_one_per_target"
            )
        ]

    def __str__(self):
        return f"{self.content_type.model} #{self.object_id}: {self.get_access_display()}"
