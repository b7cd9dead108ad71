"""Writes with rules on posts."""

from django.core.exceptions import ValidationError
from django.db import transaction

from blog.models import OLD_ADDRESS_TAKEN, Post, PostRedirect


def post_slug_change(*, post: Post, old_slug: str) -> None:
    """After a post's slug changes, its old address redirects to it. An address leads only ever to
    the post that had it: a redirect is never moved to another post, and a post cannot take
    another post's old address (only its own back, which makes it live again)."""
    if not old_slug or old_slug == post.slug:
        return
    with transaction.atomic():
        if PostRedirect.objects.filter(old_slug=post.slug).exclude(post=post).exists():
            raise ValidationError({"slug": OLD_ADDRESS_TAKEN})
        PostRedirect.objects.filter(old_slug=post.slug, post=post).delete()
        # An old slug already redirecting elsewhere (taken over before this rule existed) keeps
        # leading to its first owner; the unique old_slug settles two saves racing for it.
        PostRedirect.objects.get_or_create(old_slug=old_slug, defaults={"post": post})
