"""Keep the related lists fresh after the editor's transaction commits: the changes of one
transaction (a post saved, its tags and categories set, pins edited, posts deleted) are collected
and each affected post is refreshed once, after commit, before any text is read; when a
transaction changed many posts and those refreshes would end in a full rebuild, the rebuild runs
alone. The rules live in ``related.services``. Bulk operations skip signals: run
``manage.py rebuild_related`` after them.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from blog.models import Post
from core.pagecache import content_changed
from related import semantic, services
from related.embedder import embedder
from related.models import RelatedPost, RelatedPostOverride

M2M_ACTIONS = {"post_add", "post_remove", "post_clear"}
# A transaction refreshing at least this many posts checks first whether one rebuild does.
REBUILD_INSTEAD_FROM = 50


@dataclass(eq=False)
class Pending:
    """What one transaction changed, by post id; called after it commits."""

    refresh: set[int] = field(default_factory=set)  # saved, re-filed: re-index
    recompute: set[int] = field(default_factory=set)  # pins or exclusions edited
    deleted: dict[int, set[int]] = field(default_factory=dict)  # deleted: the lists it was in
    done: bool = False

    def __post_init__(self):
        # The one callable registered after commit (a bound method: Django names a failing
        # callback by its __qualname__ in the log).
        self.callback = self.run

    def run(self) -> None:
        """Run the collected refreshes, once per post."""
        if self.done:
            return
        self.done = True
        gone = set(Post.objects.filter(pk__in=self.deleted).values_list("pk", flat=True))
        gone = set(self.deleted) - gone  # a deletion rolled back in a savepoint is no deletion
        for post_id in sorted(gone):
            services.related_withdraw_post(post_id=post_id, neighbour_ids=self.deleted[post_id])
        refresh = sorted((self.refresh | set(self.deleted)) - gone)
        # Many posts at once (an import): one rebuild when the refreshes would end in one.
        if (
            gone
            or len(refresh) < REBUILD_INSTEAD_FROM
            or not services.related_rebuild_instead(refresh)
        ):
            for post_id in refresh:
                services.related_refresh_for_post(post_id=post_id)
        for post_id in sorted(self.recompute - gone):
            services.related_recompute_list(post_id=post_id)
        if semantic.enabled():  # encoding is slow: off the request, the lists follow
            embedder.submit(sorted((self.refresh | set(self.deleted)) - gone))
        # The lists changed after the editor's commit move the page cache's generation and the
        # list generation, under which the post page keeps its related-posts block; post cards
        # do not show them, so they stay cached.
        content_changed(fragments=False)


_local = threading.local()


def _collect(*, refresh=(), recompute=(), deleted: dict | None = None) -> None:
    """Add to the current transaction's changes, to run once after it commits (at once outside
    a transaction). Every change registers the same callback, so whichever runs first does the
    work and the rest find it done; a transaction or savepoint that rolls back drops its
    callbacks, and changes whose every callback was dropped are forgotten with them."""
    connection = transaction.get_connection()
    pending = getattr(_local, "pending", None)
    registered = (
        connection.in_atomic_block
        and pending is not None
        and not pending.done
        and any(callback is pending.callback for _, callback, _ in connection.run_on_commit)
    )
    if not registered:
        pending = _local.pending = Pending()
    pending.refresh.update(refresh)
    pending.recompute.update(recompute)
    pending.deleted.update(deleted or {})
    transaction.on_commit(pending.callback, robust=True)


@receiver(post_save, sender=Post, dispatch_uid="related.post_saved")
def refresh_after_save(sender, instance, raw=False, **kwargs):
    if not raw:
        _collect(refresh=[instance.pk])


@receiver(m2m_changed, sender=Post.categories.through, dispatch_uid="related.categories")
@receiver(m2m_changed, sender=Post.tags.through, dispatch_uid="related.tags")
def refresh_after_filing_change(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in M2M_ACTIONS:
        return
    if isinstance(instance, Post):
        _collect(refresh=[instance.pk])
    elif reverse and pk_set and sender is Post.categories.through:
        _collect(refresh=pk_set)


@receiver(pre_delete, sender=Post, dispatch_uid="related.post_deleting")
def withdraw_after_delete(sender, instance, **kwargs):
    # The lists naming the post vanish with it (cascade): remember whose they were.
    neighbours = set(
        RelatedPost.objects.filter(related_id=instance.pk).values_list("post_id", flat=True)
    )
    _collect(deleted={instance.pk: neighbours})


@receiver(post_save, sender=RelatedPostOverride, dispatch_uid="related.override_saved")
@receiver(post_delete, sender=RelatedPostOverride, dispatch_uid="related.override_deleted")
def recompute_after_override(sender, instance, **kwargs):
    _collect(recompute=[instance.post_id])
