"""Schedule a refresh of the related-posts lists after the editor's transaction commits; the
rules live in ``related.services``. Bulk operations skip signals: run
``manage.py rebuild_related`` after them."""

from functools import partial

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from blog.models import Post
from related import services
from related.models import RelatedPost, RelatedPostOverride

M2M_ACTIONS = {"post_add", "post_remove", "post_clear"}


def _schedule_refresh(post_ids) -> None:
    for post_id in post_ids:
        transaction.on_commit(
            partial(services.related_refresh_for_post, post_id=post_id), robust=True
        )


@receiver(post_save, sender=Post, dispatch_uid="related.post_saved")
def refresh_after_save(sender, instance, raw=False, **kwargs):
    if not raw:
        _schedule_refresh([instance.pk])


@receiver(m2m_changed, sender=Post.categories.through, dispatch_uid="related.categories")
@receiver(m2m_changed, sender=Post.tags.through, dispatch_uid="related.tags")
def refresh_after_filing_change(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in M2M_ACTIONS:
        return
    if isinstance(instance, Post):
        _schedule_refresh([instance.pk])
    elif reverse and pk_set and sender is Post.categories.through:
        _schedule_refresh(sorted(pk_set))


@receiver(pre_delete, sender=Post, dispatch_uid="related.post_deleting")
def withdraw_after_delete(sender, instance, **kwargs):
    # The lists naming the post vanish with it (cascade): remember whose they were.
    neighbours = list(
        RelatedPost.objects.filter(related_id=instance.pk).values_list("post_id", flat=True)
    )
    transaction.on_commit(
        partial(services.related_withdraw_post, post_id=instance.pk, neighbour_ids=neighbours),
        robust=True,
    )


@receiver(post_save, sender=RelatedPostOverride, dispatch_uid="related.override_saved")
@receiver(post_delete, sender=RelatedPostOverride, dispatch_uid="related.override_deleted")
def recompute_after_override(sender, instance, **kwargs):
    transaction.on_commit(
        partial(services.related_recompute_list, post_id=instance.post_id), robust=True
    )
