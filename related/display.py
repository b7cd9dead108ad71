"""The post page's related-posts block."""

from __future__ import annotations

from dataclasses import dataclass

from blog.models import Post
from related import conf

RELATED_HEADING = "Related posts:"
SHOWN_FIELDS = (
    "title",
    "slug",
    "published_at",
    "created_at",
    "featured_image",
    "featured__file",
    "featured__renditions",
    "featured__width",
    "featured__height",
)


@dataclass(frozen=True)
class RelatedBlock:
    heading: str
    posts: list
    is_fallback: bool = False


def related_block(post: Post, *, categories: list) -> RelatedBlock | None:
    """The stored related posts in rank order, published ones only (one query); when none is
    public, the newest posts of the post's first category, labelled as such (one more query);
    None when even that is empty."""
    limit = conf.count()
    posts = list(
        Post.objects.published()
        .filter(suggested_in__post=post)
        .order_by("suggested_in__rank")
        .select_related("featured")
        .only(*SHOWN_FIELDS)[:limit]
    )
    if posts:
        return RelatedBlock(heading=RELATED_HEADING, posts=posts)
    if not categories:
        return None
    category = categories[0]
    posts = list(
        Post.objects.published()
        .in_category(category)
        .exclude(pk=post.pk)
        .order_by("-published_at", "-pk")
        .select_related("featured")
        .only(*SHOWN_FIELDS)[:limit]
    )
    if not posts:
        return None
    return RelatedBlock(heading=f"More in {category.name}:", posts=posts, is_fallback=True)
