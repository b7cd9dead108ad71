"""Posts show their author's display name, and search finds posts by it: a renamed author's
posts are indexed again (in the same transaction). A new account gets its author profile, whose
display name follows the account's name until the author chooses one."""

from django.conf import settings
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from authors.models import AuthorProfile, account_name
from authors.services import profile_ensure, profile_name_follow
from blog.models import Post
from blog.search import search_index_update
from blog.versions import NAME_FIELDS, posts_shown_changed


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


def _names_may_change(instance, raw, update_fields) -> bool:
    return not raw and (update_fields is None or bool(NAME_FIELDS & set(update_fields)))


@receiver(pre_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="authors.user_renaming")
def remember_account_name(sender, instance, raw=False, update_fields=None, **kwargs):
    """The names the account gave before this save (one query, only for saves that may rename:
    not a sign-in's ``last_login``)."""
    instance._previous_account_name = None
    if instance.pk is None or not _names_may_change(instance, raw, update_fields):
        return
    before = sender._default_manager.filter(pk=instance.pk).first()
    if before is not None:
        instance._previous_account_name = account_name(before)
        instance._previous_username = before.get_username()


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="authors.user_renamed")
def profile_follows_account_name(
    sender, instance, created, raw=False, update_fields=None, **kwargs
):
    """A name set on the account later (an account made by ``createsuperuser`` or an
    invitation, named in the user admin afterwards) reaches the author box and bylines."""
    previous = getattr(instance, "_previous_account_name", None)
    if created or previous is None or not _names_may_change(instance, raw, update_fields):
        return
    if account_name(instance) != previous:
        profile_name_follow(user=instance, previous_names={previous, instance._previous_username})


@receiver(post_save, sender=AuthorProfile, dispatch_uid="authors.profile_saved_versions")
@receiver(post_delete, sender=AuthorProfile, dispatch_uid="authors.profile_deleted_versions")
def stamp_posts_of_renamed_author(sender, instance, raw=False, **kwargs):
    """Cards show the author's display name: the author's posts are stamped (blog.versions)."""
    if not raw:
        posts_shown_changed(Post.objects.filter(author_id=instance.user_id))
