"""The sidebar every public page shows: the newest posts, the monthly archive, categories and tags
with their published-post counts. Computed in four queries and cached under the list generation
(core.pagecache.lists_key), which moves when a post, category or tag changes or a scheduled post
comes due, in every process at once; a vote or a profile change leaves it."""

import datetime

from django.core.cache import cache
from django.db.models import Count
from django.utils import timezone

from blog.models import Category, Post
from core.pagecache import content_changed, lists_key

SIDEBAR_CACHE_KEY = "blog:sidebar"
SIDEBAR_CACHE_SECONDS = 600
SIDEBAR_TAG_COUNT = 25
SIDEBAR_RECENT_COUNT = 5
# Months listed one by one; the years of older months are listed with their whole year's count.
SIDEBAR_ARCHIVE_MONTHS = 12


def sidebar_data() -> dict:
    """Categories and tags with published-post counts, the monthly archive and the newest posts
    (four queries, then cached)."""
    key = lists_key(SIDEBAR_CACHE_KEY)
    data = cache.get(key)
    if data is None:
        published = Post.objects.published()
        months, years = archive_summary(published.month_counts())
        data = {
            "categories": list(
                Category.objects.filter(posts__in=published)
                .annotate(post_count=Count("posts"))
                .order_by("name")
                .values("name", "slug", "post_count")
            ),
            "tags": list(
                published.tag_counts().order_by("-post_count", "tag__name")[:SIDEBAR_TAG_COUNT]
            ),
            "recent": list(published.order_by("-published_at", "-pk")[:SIDEBAR_RECENT_COUNT]),
            "archive_months": months,
            "archive_years": years,
        }
        cache.set(key, data, SIDEBAR_CACHE_SECONDS)
    return data


def archive_summary(month_counts) -> tuple[list[dict], list[dict]]:
    """The newest months with their post counts (``{"date", "post_count"}``, ``date`` the first
    of the month), then the years holding older months with the posts of the whole year, as
    their archive page lists them (``{"year", "post_count"}``); both newest first."""
    months, year_totals, older_years = [], {}, []
    for row in month_counts:
        when = timezone.localtime(row["month"])
        year_totals[when.year] = year_totals.get(when.year, 0) + row["post_count"]
        if len(months) < SIDEBAR_ARCHIVE_MONTHS:
            months.append({"date": datetime.date(when.year, when.month, 1), **row})
        elif when.year not in older_years:
            older_years.append(when.year)
    years = [{"year": year, "post_count": year_totals[year]} for year in older_years]
    return [{"date": m["date"], "post_count": m["post_count"]} for m in months], years


def sidebar_forget() -> None:
    """Make the next page compute the sidebar afresh (after bulk writes, which send no
    signals): a new content generation, so every process's cached copy is left behind."""
    content_changed()
