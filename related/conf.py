"""Settings of the related-posts engine, read lazily so tests can override them."""

from django.conf import settings

DEFAULT_WEIGHTS = {
    # Field boosts applied to term counts before weighting.
    "title": 2.0,
    "excerpt": 1.5,
    "body": 1.0,
    # Share of each signal in the final score (a post identical in all three scores their sum).
    "text": 1.0,
    "tags": 0.15,
    "categories": 0.1,
}


def _setting(name: str, default):
    return getattr(settings, name, default)


def weights() -> dict[str, float]:
    """Field boosts and signal weights: the defaults updated by ``RELATED_POSTS_WEIGHTS``."""
    return {**DEFAULT_WEIGHTS, **_setting("RELATED_POSTS_WEIGHTS", {})}


def count() -> int:
    """How many related posts a post page shows (``RELATED_POSTS_COUNT``, default 5)."""
    return int(_setting("RELATED_POSTS_COUNT", 5))


def min_score() -> float:
    """Suggestions scoring below this are not stored (``RELATED_POSTS_MIN_SCORE``)."""
    return float(_setting("RELATED_POSTS_MIN_SCORE", 0.01))


def stored_count() -> int:
    """Rows kept per post: the shown count plus spares that stand in for scheduled posts, which
    are stored but hidden until their time comes (``RELATED_POSTS_SPARE``, default 5)."""
    return count() + int(_setting("RELATED_POSTS_SPARE", 5))


def terms_per_post() -> int:
    """Text terms kept in each post's vector (``RELATED_POSTS_TERMS_PER_POST``, default 50)."""
    return int(_setting("RELATED_POSTS_TERMS_PER_POST", 50))


def lookup_terms() -> int:
    """A post's most telling terms, through which it meets other posts: two posts are
    candidates of each other when they share one of these (``RELATED_POSTS_LOOKUP_TERMS``,
    default 20)."""
    return int(_setting("RELATED_POSTS_LOOKUP_TERMS", 20))


def lookup_min_score() -> float:
    """Candidates whose shared look-up terms alone score below this are not scored in full
    (``RELATED_POSTS_LOOKUP_MIN_SCORE``, default 0.002)."""
    return float(_setting("RELATED_POSTS_LOOKUP_MIN_SCORE", 0.002))


def max_df_ratio() -> float:
    """Terms on more than this share of posts are too common to be look-up terms; they still
    count in the exact score (``RELATED_POSTS_MAX_DF_RATIO``, default 0.25: a
    topic word such as "git" on a blog's git posts must still find them)."""
    return float(_setting("RELATED_POSTS_MAX_DF_RATIO", 0.25))


def max_df(n: int) -> int:
    """The most posts a term may be on and still be a look-up term: the share above, at most
    ``RELATED_POSTS_MAX_DF`` (default 2000) so look-ups stay fast on large blogs."""
    cap = int(_setting("RELATED_POSTS_MAX_DF", 2000))
    return min(max(20, int(max_df_ratio() * n)), cap)


def statistics_drift() -> float:
    """Term statistics are refreshed when the number of indexed posts has changed by more than
    this share since they were taken (``RELATED_POSTS_STATISTICS_DRIFT``, default 0.1)."""
    return float(_setting("RELATED_POSTS_STATISTICS_DRIFT", 0.1))


def auto_rebuild_max_posts() -> int:
    """Up to this many posts, stale statistics are refreshed by a full rebuild right after the
    change that made them stale, a few seconds at most; larger blogs run ``rebuild_related``
    on a schedule (``RELATED_POSTS_AUTO_REBUILD_MAX_POSTS``, default 2000; 0 turns it off)."""
    return int(_setting("RELATED_POSTS_AUTO_REBUILD_MAX_POSTS", 2000))
