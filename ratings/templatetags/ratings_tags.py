from __future__ import annotations

import hashlib
import json

from django import template
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from ratings import conf
from ratings.errors import NotRatable
from ratings.models import RatingAggregate, RatingRule
from ratings.policy import rating_policy
from ratings.readers import reader_for
from ratings.selectors import rating_summary, top_rated
from ratings.summaries import RatingSummary, average_text, fill_percent

register = template.Library()

# Which objects the sidebar block considers is cached this long, so a newly popular object may
# take this long to enter it; the figures, and leaving it, are immediate.
TOP_BLOCK_CACHE_SECONDS = 300
# Candidates cached per place shown, so a withdrawn object's place is filled at once.
TOP_BLOCK_CANDIDATES_PER_PLACE = 2

_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def shared_page(request) -> bool:
    """Whether this page is the one every anonymous reader gets (RATINGS_SHARED_PAGES): then it
    shows no reader's state, which the widget fetches for itself (so a project may cache the
    widget for all of them)."""
    return bool(conf.get("RATINGS_SHARED_PAGES") and not request.user.is_authenticated)


def summary_for(request, obj) -> RatingSummary | None:
    """The object's summary for this request's reader (for nobody in particular on a shared
    page), computed once per object and request (the widget and the JSON-LD share it); None
    when the object cannot be rated."""
    if not hasattr(obj, "_rating_summary"):
        try:
            policy = rating_policy(obj, user=request.user)
        except NotRatable:
            obj._rating_summary = None
        else:
            reader = None if shared_page(request) else reader_for(request).key
            obj._rating_summary = rating_summary(policy, reader_key=reader)
    return obj._rating_summary


@register.inclusion_tag("ratings/_widget.html", takes_context=True)
def rating_widget(context, obj) -> dict:
    """The rating form and figures for one object (three or four queries, whatever the vote
    count). On a shared page the form carries no token and asks the rate page; the script
    swaps in the reader's own widget."""
    request = context["request"]
    return {
        "summary": summary_for(request, obj),
        "request": request,
        "deferred": shared_page(request),
        "chosen": {},  # the widget checks the reader's stored vote (the rate page passes a pick)
    }


@register.inclusion_tag("ratings/_summary.html")
def rating_summary_compact(obj) -> dict:
    """Stars and count for a list, from ``with_ratings`` annotations: no query."""
    count = getattr(obj, "rating_count", None)
    if count is None or getattr(obj, "rating_access", None) == RatingRule.Access.HIDDEN:
        return {"show": False}
    average = getattr(obj, "rating_average", None)
    max_score = conf.max_score()
    return {
        "show": True,
        "count": count,
        "average": average,
        "average_display": average_text(average),
        "percent": fill_percent(average, thumbs=False, max_score=max_score),
        "up_share_display": average_text(getattr(obj, "rating_up_share", None), thumbs=True),
        "max_score": max_score,
        "glyphs": "★" * max_score,
    }


@register.simple_tag(takes_context=True)
def rating_json_ld(context, obj, schema_type: str = "BlogPosting", **properties) -> SafeString:
    """A schema.org JSON-LD script for the object with the given properties, plus its
    AggregateRating once it has a star vote (unless RATINGS_RICH_SNIPPETS is off or hidden)."""
    data = {"@context": "https://schema.org", "@type": schema_type}
    data.update({k: str(v) for k, v in properties.items() if v not in (None, "")})
    if "author" in data:
        data["author"] = {"@type": "Person", "name": data["author"]}
    if conf.get("RATINGS_RICH_SNIPPETS"):
        summary = summary_for(context["request"], obj)
        if summary and summary.count and not summary.thumbs and not summary.policy.hidden:
            data["aggregateRating"] = {
                "@type": "AggregateRating",
                "ratingValue": round(summary.average, 2),
                "ratingCount": summary.count,
                "bestRating": summary.max_score,
                "worstRating": 1,
            }
    payload = json.dumps(data, ensure_ascii=False).translate(_JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))


def _top_block_ids(model, size: int) -> tuple[list[int], list | None]:
    """The block's candidate ids (cached), and the candidates themselves when just computed."""
    key = f"ratings:top-block-ids:{model._meta.label_lower}"
    ids = cache.get(key)
    if ids is not None:
        return ids, None
    items = list(top_rated(model, limit=size * TOP_BLOCK_CANDIDATES_PER_PLACE))
    ids = [item.pk for item in items]
    cache.set(key, ids, TOP_BLOCK_CACHE_SECONDS)
    return ids, items


@register.inclusion_tag("ratings/_top_block.html")
def top_rated_block(label: str | None = None) -> dict:
    """The few best-rated objects for a sidebar, in one query whether cached or not (none when
    nothing is rated). Only the candidates' ids are cached; each render reads them again
    through top_rated, so an object no longer public or visible leaves the block at once —
    however it was withdrawn (saved, deleted, updated in bulk, rescheduled, hidden) and
    whichever process cached the ids — and the figures and titles shown are current."""
    specs = conf.model_specs()
    if not specs:
        return {"items": []}
    model = apps.get_model(label or next(iter(specs)))
    size = conf.get("RATINGS_TOP_BLOCK_SIZE")
    ids, items = _top_block_ids(model, size)
    if items is None:
        items = list(top_rated(model).filter(pk__in=ids))
    return {"items": items[:size], "max_score": conf.max_score()}


@register.simple_tag
def top_rated_version(label: str | None = None) -> str:
    """What the top-rated block's figures depend on besides the objects themselves: its
    candidates and their vote counts and totals (one simple query). A project that caches the
    block keys it by this and by whatever moves when the objects change (their titles,
    addresses, visibility, the rating rules): a vote on any other object then leaves it
    cached."""
    specs = conf.model_specs()
    if not specs:
        return ""
    model = apps.get_model(label or next(iter(specs)))
    ids, _ = _top_block_ids(model, conf.get("RATINGS_TOP_BLOCK_SIZE"))
    figures = sorted(
        RatingAggregate.objects.filter(
            content_type=ContentType.objects.get_for_model(model), object_id__in=ids
        ).values_list("object_id", "criterion_id", "count", "total")
    )
    digest = hashlib.sha1(repr((ids, figures)).encode()).hexdigest()
    return f"{model._meta.label_lower}:{digest}"


@register.filter
def rating_average(average: float | None) -> str:
    """A star average as everywhere else on the site ("4.2"), for lists of annotated objects."""
    return average_text(average)


@register.filter
def initial_score(criterion, chosen) -> int | None:
    """The choice to check for a criterion: the one the reader just picked (the rate page), else
    their stored vote."""
    if chosen and criterion.field_name in chosen:
        return chosen[criterion.field_name]
    return criterion.your_score


@register.filter
def score_label(score: int, summary) -> str:
    """ "3 stars", "1 star", "Thumbs up" — the accessible label of one choice."""
    if getattr(summary, "thumbs", False):
        return "Thumbs up" if score == 1 else "Thumbs down"
    return f"{score} star{'s' if score != 1 else ''}"
