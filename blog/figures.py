"""Posts and the media library: which pictures a body places, and bodies kept current.

``Post.save()`` renders the body and notes the library pictures it places; once saved, the
post's ``body_images`` are set to them. When a picture's caption, credit, description or
renditions change (``images.signals.image_changed``), the bodies placing it are rendered again.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from blog.models import Post
from blog.rendering import BODY_FIELDS, render_body
from images.signals import image_changed


@receiver(post_save, sender=Post, dispatch_uid="blog.post_body_images")
def keep_body_images(sender, instance, raw=False, **kwargs):
    ids = getattr(instance, "body_image_ids", None)
    if raw or ids is None:
        return
    current = set(instance.body_images.values_list("pk", flat=True))
    if current != ids:
        instance.body_images.set(ids)


def bodies_render_again(posts) -> int:
    """Render the bodies of these posts again and store them. The modification date moves (feeds
    and sitemaps tell readers the page changed); the version does not: nobody edited the post,
    so an open edit form stays valid."""
    count = 0
    for post in posts.only(*BODY_FIELDS).iterator(chunk_size=200):
        html = render_body(post)
        if html != post.body_html:
            Post.objects.filter(pk=post.pk).update(body_html=html, updated_at=timezone.now())
            count += 1
    return count


@receiver(image_changed, dispatch_uid="blog.image_changed_bodies")
def render_bodies_placing(sender, image, **kwargs):
    bodies_render_again(Post.objects.filter(body_images=image))
