"""The sidebar every public page shows: categories and tags with their published-post counts,
and the newest posts. Computed in three queries and cached until a post or category changes
(or ten minutes pass, for scheduled posts coming due)."""

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db.models import Count
from taggit.models import TaggedItem

from blog.models import Category, Post

SIDEBAR_CACHE_KEY = "blog:sidebar"
SIDEBAR_CACHE_SECONDS = 600
SIDEBAR_TAG_COUNT = 25
SIDEBAR_RECENT_COUNT = 5


def sidebar_data() -> dict:
    """Categories and tags with published-post counts, and the newest posts (three queries, then
    cached)."""
    data = cache.get(SIDEBAR_CACHE_KEY)
    if data is None:
        published = Post.objects.published()
        data = {
            "categories": list(
                Category.objects.filter(posts__in=published)
                .annotate(post_count=Count("posts"))
                .order_by("name")
                .values("name", "slug", "post_count")
            ),
            "tags": list(
                TaggedItem.objects.filter(
                    content_type=ContentType.objects.get_for_model(Post),
                    object_id__in=published.values("pk"),
                )
                .values("tag__name", "tag__slug")
                .annotate(post_count=Count("pk"))
                .order_by("-post_count", "tag__name")[:SIDEBAR_TAG_COUNT]
            ),
            "recent": list(published.order_by("-published_at", "-pk")[:SIDEBAR_RECENT_COUNT]),
        }
        cache.set(SIDEBAR_CACHE_KEY, data, SIDEBAR_CACHE_SECONDS)
    return data


def sidebar_forget() -> None:
    """Drop the cached sidebar; the next page computes it afresh (after bulk writes, which send
    no signals)."""
    cache.delete(SIDEBAR_CACHE_KEY)
