"""Posts show their author's display name, and search finds posts by it: a renamed author's
posts are indexed again (in the same transaction). A new account gets its author profile."""

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from authors.models import AuthorProfile
from authors.services import profile_ensure
from blog.models import Post
from blog.search import search_index_update
from blog.versions import posts_shown_changed


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


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="authors.user_created_profile")
def give_new_user_a_profile(sender, instance, created, raw=False, **kwargs):
    """Every account has its author profile from the start, named after the person (the author
    box and author page need it). Accounts made in bulk, which send no signal, get theirs from
    authors.0004 or the first time the profile admin opens."""
    if created and not raw:
        profile_ensure(user=instance)


@receiver(post_save, sender=AuthorProfile, dispatch_uid="authors.profile_saved_versions")
@receiver(post_delete, sender=AuthorProfile, dispatch_uid="authors.profile_deleted_versions")
def stamp_posts_of_renamed_author(sender, instance, raw=False, **kwargs):
    """Cards show the author's display name: the author's posts are stamped (blog.versions)."""
    if not raw:
        posts_shown_changed(Post.objects.filter(author_id=instance.user_id))
