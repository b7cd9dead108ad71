"""The ratings app's settings, read lazily (so ``override_settings`` works) with safe defaults.

Every setting is documented in docs/ratings.md."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings as django_settings

DEFAULTS: dict = {
    # Stars run from 1 to this number.
    "RATINGS_MAX_SCORE": 5,
    # False: only signed-in users may vote.
    "RATINGS_ALLOW_ANONYMOUS": True,
    # True: a reader's new vote replaces their earlier one; False: the second vote is refused.
    "RATINGS_ALLOW_REVOTE": True,
    # Voting closes this many days after the object's publication; None keeps it open.
    "RATINGS_CLOSE_AFTER_DAYS": None,
    # (votes, seconds): at most this many new readers' votes from one client address in a window
    # of this many seconds, whatever they rate; None: no limit.
    "RATINGS_RATE_LIMIT": (60, 600),
    # (votes, seconds): the same for the readers of one address rating one object, so a single
    # object cannot take the whole allowance; None: no limit.
    "RATINGS_RATE_LIMIT_PER_OBJECT": (20, 3600),
    # True: one vote per object per client IP, whoever the reader is (strict; off for offices).
    "RATINGS_ONE_VOTE_PER_IP": False,
    # How many reverse proxies in front of the site append to X-Forwarded-For; 0 ignores it.
    "RATINGS_TRUSTED_PROXY_COUNT": 0,
    # Dotted path to a function(request) -> client IP, for a project that has one rule for the
    # client address everywhere; when set, RATINGS_TRUSTED_PROXY_COUNT is not used.
    "RATINGS_CLIENT_IP": None,
    # Put schema.org AggregateRating in the page's JSON-LD once an object has a vote.
    "RATINGS_RICH_SNIPPETS": True,
    # The ratable models: "app_label.model" -> how to read it (see ModelSpec).
    "RATINGS_MODELS": {},
    # Groups given the moderation permissions (vote log, delete votes, rating sets, overrides).
    "RATINGS_MODERATOR_GROUPS": ["Editors"],
    # Groups given read-only access to votes, statistics, rating sets and overrides.
    "RATINGS_VIEWER_GROUPS": [],
    # Top rated: Bayesian average = (W * M + n * mean) / (W + n); W is this weight …
    "RATINGS_TOP_PRIOR_WEIGHT": 10,
    # … and M this prior mean: None is the scale's midpoint (3 of 5), "site" the mean of every
    # star vote on the site, or a number.
    "RATINGS_TOP_PRIOR_MEAN": None,
    # How many objects the /top-rated/ page and the sidebar block list.
    "RATINGS_TOP_PAGE_SIZE": 20,
    "RATINGS_TOP_BLOCK_SIZE": 5,
    # The signed cookie that identifies an anonymous reader, and its lifetime in seconds.
    "RATINGS_COOKIE_NAME": "rating_reader",
    # True: pages shown to anonymous readers carry nothing of the reader (their vote, a CSRF
    # token), so one copy can be cached for all of them; the widget fetches the reader's state
    # from the rate endpoint, and without JavaScript its form opens the rate page.
    "RATINGS_SHARED_PAGES": False,
    "RATINGS_COOKIE_AGE": 60 * 60 * 24 * 730,
}


def get(name: str):
    """The value of a ratings setting: the project's if set, else the default."""
    return getattr(django_settings, name, DEFAULTS[name])


def max_score() -> int:
    return get("RATINGS_MAX_SCORE")


def close_after() -> timedelta | None:
    days = get("RATINGS_CLOSE_AFTER_DAYS")
    return None if days is None else timedelta(days=days)


@dataclass(frozen=True)
class ModelSpec:
    """How the ratings app reads one ratable model, from ``RATINGS_MODELS``.

    public: name of a manager/QuerySet method returning the objects readers may see;
    owner_field: the field holding the user who owns the object (they cannot rate it);
    published_field: the publication date that RATINGS_CLOSE_AFTER_DAYS counts from;
    parents: a many-to-many field whose objects (e.g. categories) carry overrides and rating sets.
    """

    label: str
    public: str = "all"
    owner_field: str | None = None
    published_field: str | None = None
    parents: str | None = None


def model_specs() -> dict[str, ModelSpec]:
    """The allow-list of ratable models, keyed by lower-case "app_label.model"."""
    return {
        label.lower(): ModelSpec(label=label.lower(), **options)
        for label, options in get("RATINGS_MODELS").items()
    }


def spec_for(model) -> ModelSpec | None:
    """The allow-list entry of a model (or instance), None when it may not be rated."""
    return model_specs().get(model._meta.label_lower)
