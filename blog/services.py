"""Writes with rules on posts."""

from django.db import transaction

from blog.models import Post, PostRedirect


def post_slug_change(*, post: Post, old_slug: str) -> None:
    """After a post's slug changes, its old address redirects to the new one; the new slug stops
    being a redirect of its own, and a live post always wins over a redirect of the same name."""
    if not old_slug or old_slug == post.slug:
        return
    with transaction.atomic():
        PostRedirect.objects.filter(old_slug=post.slug).delete()
        PostRedirect.objects.update_or_create(old_slug=old_slug, defaults={"post": post})
