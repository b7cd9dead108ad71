from django import template

from related.display import RelatedBlock, related_block

register = template.Library()


@register.inclusion_tag("related/_related_posts.html")
def related_posts(post, categories) -> dict:
    """The post page's "Related posts:" block (one query, or two for the category fallback);
    ``categories`` are the post's categories, already loaded by the page."""
    block: RelatedBlock | None = related_block(post, categories=list(categories or []))
    return {"related": block}
