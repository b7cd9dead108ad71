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


def weights() -> dict[str, float]:
    """Field boosts and signal weights: the defaults updated by ``RELATED_POSTS_WEIGHTS``."""
    return {**DEFAULT_WEIGHTS, **getattr(settings, "RELATED_POSTS_WEIGHTS", {})}


def count() -> int:
    """How many related posts a post page shows (``RELATED_POSTS_COUNT``, default 5)."""
    return int(getattr(settings, "RELATED_POSTS_COUNT", 5))


def min_score() -> float:
    """Suggestions scoring below this are not stored (``RELATED_POSTS_MIN_SCORE``)."""
    return float(getattr(settings, "RELATED_POSTS_MIN_SCORE", 0.03))


def stored_count() -> int:
    """Rows kept per post: the shown count plus spares that stand in for scheduled posts, which
    are stored but hidden until their time comes (``RELATED_POSTS_SPARE``, default 5)."""
    return count() + int(getattr(settings, "RELATED_POSTS_SPARE", 5))


def terms_per_post() -> int:
    """Text terms kept in each post's vector (``RELATED_POSTS_TERMS_PER_POST``, default 30)."""
    return int(getattr(settings, "RELATED_POSTS_TERMS_PER_POST", 30))


def candidate_count() -> int:
    """Posts scored exactly after the inverted-index look-up (``RELATED_POSTS_CANDIDATES``)."""
    return int(getattr(settings, "RELATED_POSTS_CANDIDATES", 60))


def query_terms() -> int:
    """Most selective terms of a post used to find candidates (``RELATED_POSTS_QUERY_TERMS``)."""
    return int(getattr(settings, "RELATED_POSTS_QUERY_TERMS", 12))


def max_df_ratio() -> float:
    """Terms on more than this share of posts are too common to find candidates with; they still
    count in the exact score (``RELATED_POSTS_MAX_DF_RATIO``, default 0.05)."""
    return float(getattr(settings, "RELATED_POSTS_MAX_DF_RATIO", 0.05))


def max_df(n: int) -> int:
    """The most posts a term may be on and still be used to find candidates: the share above,
    at most ``RELATED_POSTS_MAX_DF`` (default 2000) so look-ups stay fast on large blogs."""
    cap = int(getattr(settings, "RELATED_POSTS_MAX_DF", 2000))
    return min(max(20, int(max_df_ratio() * n)), cap)
