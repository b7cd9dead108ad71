"""Reads: every public path starts from ``Post.objects.published()``."""

from __future__ import annotations

from django.db import models
from django.db.models import Count, Max, Subquery
from django.db.models.functions import Coalesce, Greatest, Lower, TruncMonth
from django.utils import timezone


class PostQuerySet(models.QuerySet):
    def published(self) -> PostQuerySet:
        """Posts a reader may see: status published and a publication time that has come."""
        return self.filter(self._public())

    def _public(self) -> models.Q:
        return models.Q(status=self.model.Status.PUBLISHED, published_at__lte=timezone.now())

    def next_due(self):
        """When the next scheduled post comes due (its publication time, after now), or None:
        public pages change then without a write (core.pagecache)."""
        return (
            self.filter(status=self.model.Status.PUBLISHED, published_at__gt=timezone.now())
            .order_by("published_at")
            .values_list("published_at", flat=True)
            .first()
        )

    def next_voting_closure(self):
        """When voting next closes on a published post (RATINGS_CLOSE_AFTER_DAYS after its
        publication, after now), or None: its page then changes without a write."""
        from ratings.conf import close_after

        closes = close_after()
        if closes is None:
            return None
        first = (
            self.filter(
                status=self.model.Status.PUBLISHED, published_at__gt=timezone.now() - closes
            )
            .order_by("published_at")
            .values_list("published_at", flat=True)
            .first()
        )
        return None if first is None else first + closes

    def editable_by(self, user) -> PostQuerySet:
        """Posts the user may open and edit in the admin: all of them with the permission to edit
        others' posts, else their own."""
        if user.has_perm("blog.edit_others_posts"):
            return self
        return self.filter(author_id=user.pk)

    def visible_to(self, user) -> PostQuerySet:
        """Posts the admin may name to the user (in lists of related posts, pickers, deletion
        summaries): the public ones and those the user may edit; never another author's draft,
        pending or scheduled post."""
        if user.has_perm("blog.edit_others_posts"):
            return self
        return self.filter(self._public() | models.Q(author_id=user.pk))

    def in_state(self, state: str) -> PostQuerySet:
        """Posts in a workflow state (``blog.workflow.State``): a stored status, or *scheduled*
        (published, its time not come) and *published* (published, its time come)."""
        status = self.model.Status
        now = timezone.now()
        if state == "scheduled":
            return self.filter(status=status.PUBLISHED, published_at__gt=now)
        if state == status.PUBLISHED:
            return self.filter(status=status.PUBLISHED, published_at__lte=now)
        return self.filter(status=state)

    def workflow_counts(self) -> dict[str, int]:
        """How many of these posts are drafts, pending review, scheduled or sent back with changes
        requested (one query)."""
        status = self.model.Status
        now = timezone.now()
        return self.order_by().aggregate(
            pending=Count("pk", filter=models.Q(status=status.PENDING)),
            scheduled=Count("pk", filter=models.Q(status=status.PUBLISHED, published_at__gt=now)),
            changes=Count("pk", filter=models.Q(status=status.CHANGES_REQUESTED)),
            drafts=Count("pk", filter=models.Q(status=status.DRAFT)),
        )

    def addresses(self, *, prefix: str = "") -> set[str]:
        """Every address these posts answer at or once did: their slugs and their old slugs
        (redirects), those starting with ``prefix`` only (one query)."""
        redirect_model = self.model._meta.get_field("redirects").related_model
        current = self.filter(slug__startswith=prefix).order_by().values_list("slug")
        old = (
            redirect_model.objects.filter(post__in=self.order_by(), old_slug__startswith=prefix)
            .order_by()
            .values_list("old_slug")
        )
        return {slug for (slug,) in current.union(old)}

    def for_listing(self) -> PostQuerySet:
        """Everything a post card shows (author, categories, tags), loaded in a fixed number of
        queries, newest first."""
        return (
            self.select_related("author", "author__profile", "featured")
            .prefetch_related("categories", "tags")
            .order_by("-published_at", "-pk")
        )

    def for_detail(self) -> PostQuerySet:
        """The post page: author with profile (for the name) and the featured picture. The author
        box's avatar and post count are read when it is rendered (authors' post_author_box), in
        the page's cached sections: most renders need neither."""
        return self.select_related("author", "author__profile", "featured")

    def in_category(self, category) -> PostQuerySet:
        """Posts filed under the category."""
        return self.filter(categories=category)

    def tagged(self, tag) -> PostQuerySet:
        """Posts carrying the tag."""
        return self.filter(tags=tag)

    def by_author(self, user) -> PostQuerySet:
        """Posts written by the user."""
        return self.filter(author=user)

    def in_year(self, year: int) -> PostQuerySet:
        """Posts published in the year (in the site's time zone)."""
        return self.filter(published_at__year=year)

    def in_month(self, year: int, month: int) -> PostQuerySet:
        """Posts published in the month (in the site's time zone)."""
        return self.filter(published_at__year=year, published_at__month=month)

    def tag_counts(self) -> models.QuerySet:
        """Each tag carried by these posts with the number of them carrying it, as
        ``{"tag__name", "tag__slug", "post_count"}`` rows by name (one query)."""
        from django.contrib.contenttypes.models import ContentType
        from taggit.models import TaggedItem

        return (
            TaggedItem.objects.filter(
                content_type=ContentType.objects.get_for_model(self.model),
                object_id__in=self.order_by().values("pk"),
            )
            .values("tag__name", "tag__slug")
            .annotate(post_count=Count("pk"))
            .order_by(Lower("tag__name"), "tag__slug")
        )

    def month_counts(self) -> models.QuerySet:
        """The months (in the site's time zone) these posts were published in, newest first,
        each with its number of posts: ``{"month", "post_count"}`` rows (one query)."""
        return (
            self.order_by()
            .annotate(month=TruncMonth("published_at"))
            .values("month")
            .annotate(post_count=Count("pk"))
            .order_by("-month")
        )

    def last_change(self) -> dict:
        """When any of these posts last changed for readers (edited, or published when that came
        later) and how many there are: ``{"changed": datetime or None, "count": int}``, for
        conditional requests (one query)."""
        return self.order_by().aggregate(
            changed=Max(Greatest("updated_at", "published_at")), count=Count("pk")
        )


def published_count_for_author(author_ref) -> Coalesce:
    """A subquery expression: the number of published posts by ``author_ref`` (0 when none)."""
    from blog.models import Post

    counts = (
        Post.objects.published()
        .filter(author=author_ref)
        .order_by()
        .values("author")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=models.IntegerField()), 0)
