"""Decoupled side effects only: cache invalidation."""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from core.models import SITE_IDENTITY_CACHE_KEY, SiteIdentity


@receiver(post_save, sender=SiteIdentity, dispatch_uid="core.site_identity_saved")
@receiver(post_delete, sender=SiteIdentity, dispatch_uid="core.site_identity_deleted")
def forget_cached_site_identity(sender, **kwargs):
    cache.delete(SITE_IDENTITY_CACHE_KEY)
