"""Posts show their author's display name, and search finds posts by it: a renamed author's
posts are indexed again (in the same transaction)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from authors.models import AuthorProfile
from blog.models import Post
from blog.search import search_index_update


@receiver(post_save, sender=AuthorProfile, dispatch_uid="authors.profile_saved_search")
def index_posts_of_renamed_author(sender, instance, raw=False, **kwargs):
    update_fields = kwargs.get("update_fields")
    if raw or (update_fields is not None and "display_name" not in update_fields):
        return
    if getattr(instance, "_indexed_display_name", None) == instance.display_name:
        return
    search_index_update(
        post_ids=Post.objects.filter(author_id=instance.user_id).values_list("pk", flat=True)
    )
    instance._indexed_display_name = instance.display_name
