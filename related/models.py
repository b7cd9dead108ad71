"""Storage of the related-posts engine: the inverted index and each post's stored list."""

from django.db import models
from django.db.models import F, Q


class PostIndex(models.Model):
    """A published post is indexed: its terms are in the inverted index, computed from the text
    whose signature is kept here, so a save that changed nothing the engine reads is skipped.
    Keyed by the post's id rather than a foreign key: the row must outlive a deleted post until
    the post is taken out of everyone's lists."""

    post_id = models.BigIntegerField(primary_key=True)
    signature = models.CharField(max_length=40)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "related-posts index entry"
        verbose_name_plural = "related-posts index entries"

    def __str__(self):
        return f"index of post {self.post_id}"


class PostTerm(models.Model):
    """One weighted term of a published post's vector. The post's look-up terms, flagged, form
    the inverted index through which posts meet their candidates without scanning all posts."""

    post = models.ForeignKey("blog.Post", on_delete=models.CASCADE, related_name="related_terms")
    term = models.CharField(max_length=64)
    weight = models.FloatField()
    lookup = models.BooleanField(
        default=False, help_text="One of the post's most telling terms, used to find candidates."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "term"], name="related_term_once_per_post"),
        ]
        indexes = [
            models.Index(
                fields=["term", "post", "weight"],
                condition=Q(lookup=True),
                name="related_lookup_postings",
            )
        ]

    def __str__(self):
        return f"{self.term} ({self.weight:.3f})"


class TermStat(models.Model):
    """On how many posts a term was found when the statistics were last taken (its document
    frequency). Rewritten by every full rebuild, read by every refresh."""

    term = models.CharField(max_length=64, primary_key=True)
    df = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.term}: {self.df}"


class CorpusStatistics(models.Model):
    """When the term statistics were taken and over how many posts (one row), and how many
    posts are indexed now: when the two counts drift apart the statistics are stale."""

    posts = models.PositiveIntegerField(
        default=0, help_text="Published posts the statistics were counted on."
    )
    indexed_posts = models.PositiveIntegerField(default=0, help_text="Posts indexed now.")
    taken_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "related-posts term statistics"
        verbose_name_plural = "related-posts term statistics"

    def __str__(self):
        return f"statistics of {self.posts} posts"


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
        # The suggested post's title when it is loaded (the admin inline selects it), never a
        # query of its own.
        related = self._state.fields_cache.get("related")
        name = related.title if related is not None else f"post {self.related_id}"
        return f"#{self.rank}: {name}"


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
        other = self._state.fields_cache.get("other")
        name = other.title if other is not None else f"post {self.other_id}"
        return f"{self.get_kind_display()}: {name}"


class PostEmbedding(models.Model):
    """A published post's sentence embedding, for the optional semantic signal
    (``RELATED_POSTS_SEMANTIC``): unit length, float32, computed from the text whose signature is
    kept (with the model's name), so an unchanged post is never encoded twice."""

    post = models.OneToOneField(
        "blog.Post", on_delete=models.CASCADE, primary_key=True, related_name="related_embedding"
    )
    model = models.CharField(max_length=100)
    signature = models.CharField(max_length=40)
    vector = models.BinaryField()

    class Meta:
        verbose_name = "related-posts embedding"

    def __str__(self):
        return f"embedding of post {self.post_id} ({self.model})"
