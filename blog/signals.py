"""Decoupled side effects only: cache invalidation."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from blog.models import Category, Post
from blog.sidebar import sidebar_forget


@receiver(post_save, sender=Post, dispatch_uid="blog.post_saved_sidebar")
@receiver(post_delete, sender=Post, dispatch_uid="blog.post_deleted_sidebar")
@receiver(post_save, sender=Category, dispatch_uid="blog.category_saved_sidebar")
@receiver(post_delete, sender=Category, dispatch_uid="blog.category_deleted_sidebar")
def forget_cached_sidebar(sender, **kwargs):
    sidebar_forget()
