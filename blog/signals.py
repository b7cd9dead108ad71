"""Decoupled side effects only: cache invalidation."""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from blog.models import SITE_IDENTITY_CACHE_KEY, Category, Post, SiteIdentity
from blog.templatetags.blog_tags import SIDEBAR_CACHE_KEY


@receiver(post_save, sender=SiteIdentity, dispatch_uid="blog.site_identity_saved")
def forget_cached_site_identity(sender, **kwargs):
    cache.delete(SITE_IDENTITY_CACHE_KEY)


@receiver(post_save, sender=Post, dispatch_uid="blog.post_saved_sidebar")
@receiver(post_delete, sender=Post, dispatch_uid="blog.post_deleted_sidebar")
@receiver(post_save, sender=Category, dispatch_uid="blog.category_saved_sidebar")
@receiver(post_delete, sender=Category, dispatch_uid="blog.category_deleted_sidebar")
def forget_cached_sidebar(sender, **kwargs):
    cache.delete(SIDEBAR_CACHE_KEY)
