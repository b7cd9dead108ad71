"""Posts' ``shown_changed_at`` stamps: a post's card (core.pagecache.versioned_key) shows the post,
its author's name, its categories, its tags, its featured picture and its rating figures, so a
change to any of them stamps the posts that show it, in the same transaction as the change (a
rollback takes both back).

Changes of these models then move only the page generation (``fragments_follow``): the other
posts' cards stay cached. Bulk writes send no signals: they call ``content_changed()``, which
starts a new fragment generation as well.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from blog.models import Category, Post
from core.pagecache import content_changed
from images.models import Image
from images.signals import image_changed
from ratings.signals import rating_changed

M2M_ACTIONS = {"post_add", "post_remove", "post_clear"}
# A user's name as cards show it when the author has no profile, and the author page's address.
NAME_FIELDS = {"first_name", "last_name", "username"}


def posts_shown_changed(posts) -> None:
    """Stamp these posts (a queryset or ids): what their cards show has changed."""
    if not isinstance(posts, QuerySet):
        posts = Post.objects.filter(pk__in=list(posts))
    posts.update(shown_changed_at=timezone.now())


def _post_type() -> ContentType:
    return ContentType.objects.get_for_model(Post)


def _tagged_posts(tag) -> list[int]:
    return list(
        TaggedItem.objects.filter(tag=tag, content_type=_post_type()).values_list(
            "object_id", flat=True
        )
    )


@receiver(m2m_changed, sender=Post.categories.through, dispatch_uid="blog.categories_versions")
@receiver(m2m_changed, sender=Post.tags.through, dispatch_uid="blog.tags_versions")
def refiled(sender, instance, action, pk_set, **kwargs):
    if isinstance(instance, Post):
        if action in M2M_ACTIONS:
            posts_shown_changed([instance.pk])
    elif action == "pre_clear":  # a category emptied from its side: its posts, before they go
        posts_shown_changed(instance.posts.all())
    elif action in M2M_ACTIONS and pk_set:
        posts_shown_changed(pk_set)


@receiver(post_save, sender=TaggedItem, dispatch_uid="blog.tagged_item_saved_versions")
@receiver(post_delete, sender=TaggedItem, dispatch_uid="blog.tagged_item_deleted_versions")
def tagging_changed(sender, instance, raw=False, **kwargs):
    if not raw and instance.content_type_id == _post_type().pk:
        posts_shown_changed([instance.object_id])


@receiver(post_save, sender=Category, dispatch_uid="blog.category_saved_versions")
@receiver(pre_delete, sender=Category, dispatch_uid="blog.category_deleting_versions")
def category_changed(sender, instance, raw=False, created=False, **kwargs):
    if not raw and not created:
        posts_shown_changed(instance.posts.all())


@receiver(post_save, sender=Tag, dispatch_uid="blog.tag_saved_versions")
@receiver(pre_delete, sender=Tag, dispatch_uid="blog.tag_deleting_versions")
def tag_changed(sender, instance, raw=False, created=False, **kwargs):
    if not raw and not created:
        posts_shown_changed(_tagged_posts(instance))


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="blog.author_saved_versions")
def author_renamed(sender, instance, created=False, raw=False, **kwargs):
    update_fields = kwargs.get("update_fields")
    if created or raw or (update_fields is not None and not NAME_FIELDS & set(update_fields)):
        return
    posts_shown_changed(Post.objects.filter(author=instance))


@receiver(post_save, sender=Image, dispatch_uid="blog.image_saved_versions")
@receiver(pre_delete, sender=Image, dispatch_uid="blog.image_deleting_versions")
def picture_changed(sender, instance, raw=False, created=False, **kwargs):
    if not raw and not created:
        posts_shown_changed(Post.objects.filter(featured=instance))


@receiver(rating_changed, sender=Post, dispatch_uid="blog.rating_changed_versions")
def rating_figures_changed(sender, object_id, **kwargs):
    """A vote, a changed vote (which saves no row: the vote service updates in place), deleted
    votes or rebuilt counts: the post's card and every page showing its figures."""
    posts_shown_changed([object_id])
    content_changed(fragments=False, lists=False)


@receiver(image_changed, dispatch_uid="blog.image_changed_versions")
def picture_described_or_rebuilt(sender, image, **kwargs):
    """After commit, once the bodies placing the picture are rendered again (blog.figures): its
    renditions rebuilt (which saves no row) or its description changed. The list generation
    moves too: the post page's related posts and author box show pictures of other posts and
    of the author."""
    posts_shown_changed(Post.objects.filter(featured=image))
    content_changed(fragments=False)
