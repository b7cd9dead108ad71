"""Decoupled side effects only: keeping the search index current (the page cache follows posts
and categories through core.pagecache.invalidates, cards through blog.versions).

The search index is written in the same transaction as the change, so a rollback takes both
back. Bulk operations send no signals: they call ``blog.search.search_index_update`` (or run
``manage.py rebuild_search_index``) themselves.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver
from taggit.models import Tag, TaggedItem

from blog.models import Category, Post
from blog.search import search_index_remove, search_index_update

M2M_ACTIONS = {"post_add", "post_remove", "post_clear"}
# A user's name as posts show it when the author has no profile.
NAME_FIELDS = {"first_name", "last_name", "username"}


@receiver(post_save, sender=Post, dispatch_uid="blog.post_saved_search")
def index_saved_post(sender, instance, raw=False, **kwargs):
    if not raw:
        search_index_update(post_ids=[instance.pk])


@receiver(post_delete, sender=Post, dispatch_uid="blog.post_deleted_search")
def unindex_deleted_post(sender, instance, **kwargs):
    search_index_remove(post_ids=[instance.pk])


@receiver(m2m_changed, sender=Post.categories.through, dispatch_uid="blog.categories_search")
@receiver(m2m_changed, sender=Post.tags.through, dispatch_uid="blog.tags_search")
def index_refiled_post(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in M2M_ACTIONS:
        return
    if isinstance(instance, Post):
        search_index_update(post_ids=[instance.pk])
    elif sender is Post.categories.through and pk_set:
        search_index_update(post_ids=pk_set)


def _posts_filed_under(term) -> list[int]:
    if isinstance(term, Category):
        return list(term.posts.values_list("pk", flat=True))
    return list(
        TaggedItem.objects.filter(
            tag=term, content_type=ContentType.objects.get_for_model(Post)
        ).values_list("object_id", flat=True)
    )


@receiver(post_save, sender=Category, dispatch_uid="blog.category_saved_search")
@receiver(post_save, sender=Tag, dispatch_uid="blog.tag_saved_search")
def index_posts_of_renamed_term(sender, instance, created=False, raw=False, **kwargs):
    if not created and not raw:
        search_index_update(post_ids=_posts_filed_under(instance))


@receiver(pre_delete, sender=Category, dispatch_uid="blog.category_deleting_search")
@receiver(pre_delete, sender=Tag, dispatch_uid="blog.tag_deleting_search")
def remember_posts_of_deleted_term(sender, instance, **kwargs):
    instance._search_post_ids = _posts_filed_under(instance)


@receiver(post_delete, sender=Category, dispatch_uid="blog.category_deleted_search")
@receiver(post_delete, sender=Tag, dispatch_uid="blog.tag_deleted_search")
def index_posts_of_deleted_term(sender, instance, **kwargs):
    search_index_update(post_ids=getattr(instance, "_search_post_ids", []))


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="blog.author_saved_search")
def index_posts_of_renamed_user(sender, instance, created=False, raw=False, **kwargs):
    update_fields = kwargs.get("update_fields")
    if created or raw or (update_fields is not None and not NAME_FIELDS & set(update_fields)):
        return
    search_index_update(post_ids=Post.objects.filter(author=instance).values_list("pk", flat=True))
