"""Storage of the related-posts engine: the inverted index and each post's stored list."""

from django.db import models
from django.db.models import F, Q


class PostIndex(models.Model):
    """The full set of terms a published post was indexed with, so document frequencies can be
    corrected when it changes or goes away. Keyed by the post's id rather than a foreign key: the
    row must outlive a deleted post until its terms are counted out."""

    post_id = models.BigIntegerField(primary_key=True)
    terms = models.TextField(help_text="Space-separated distinct terms, tags and categories.")
    signature = models.CharField(max_length=40)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "related-posts index entry"
        verbose_name_plural = "related-posts index entries"

    def __str__(self):
        return f"index of post {self.post_id}"


class PostTerm(models.Model):
    """One weighted term of a published post's vector; indexed by term, this is the inverted
    index that finds candidates without scanning all posts."""

    post = models.ForeignKey("blog.Post", on_delete=models.CASCADE, related_name="related_terms")
    term = models.CharField(max_length=64)
    weight = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "term"], name="related_term_once_per_post"),
        ]
        indexes = [models.Index(fields=["term", "post", "weight"], name="related_term_postings")]

    def __str__(self):
        return f"{self.term} ({self.weight:.3f})"


class TermStat(models.Model):
    """How many indexed posts contain a term (its document frequency)."""

    term = models.CharField(max_length=64, primary_key=True)
    df = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.term}: {self.df}"


class RelatedPost(models.Model):
    """One stored suggestion: ``related`` is shown on ``post``'s page at ``rank``."""

    post = models.ForeignKey(
        "blog.Post", on_delete=models.CASCADE, related_name="related_suggestions"
    )
    related = models.ForeignKey("blog.Post", on_delete=models.CASCADE, related_name="suggested_in")
    score = models.FloatField()
    rank = models.PositiveSmallIntegerField()
    pinned = models.BooleanField(default=False)
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["post", "rank"]
        verbose_name = "suggested related post"
        constraints = [
            models.UniqueConstraint(fields=["post", "rank"], name="related_rank_once_per_post"),
            models.UniqueConstraint(fields=["post", "related"], name="related_pair_once"),
            models.CheckConstraint(condition=~Q(post=F("related")), name="related_not_itself"),
        ]

    def __str__(self):
        return f"{self.related_id} for {self.post_id} (#{self.rank})"


class RelatedPostOverride(models.Model):
    """An editor's decision that outlives recomputation: pin a post to the top of this post's
    related list, or never suggest it here."""

    class Kind(models.TextChoices):
        PIN = "pin", "Pin to the top"
        EXCLUDE = "exclude", "Never suggest"

    post = models.ForeignKey(
        "blog.Post", on_delete=models.CASCADE, related_name="related_overrides"
    )
    other = models.ForeignKey(
        "blog.Post",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="related post",
        help_text="The post to pin to the top of the list or to keep out of it.",
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PIN)
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Order of pinned posts, lowest first."
    )

    class Meta:
        ordering = ["post", "position", "pk"]
        verbose_name = "related-post pin or exclusion"
        verbose_name_plural = "related-post pins and exclusions"
        constraints = [
            models.UniqueConstraint(fields=["post", "other"], name="related_override_once"),
            models.CheckConstraint(
                condition=~Q(post=F("other")), name="related_override_not_itself"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.other_id}"
