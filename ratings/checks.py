"""System checks: the ratings settings must make sense together."""

from django.apps import apps
from django.core import checks
from django.core.exceptions import FieldDoesNotExist
from django.utils.module_loading import import_string

from ratings import conf


def _is_limit(value) -> bool:
    """(votes, seconds), both whole numbers above zero."""
    return (
        isinstance(value, list | tuple)
        and len(value) == 2
        and all(isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in value)
    )


@checks.register()
def check_ratings_settings(app_configs=None, **kwargs):
    """Report settings that contradict each other or name things that do not exist."""
    errors = []

    def error(msg, hint, n):
        errors.append(checks.Error(msg, hint=hint, id=f"ratings.E{n:03d}"))

    max_score = conf.get("RATINGS_MAX_SCORE")
    if not isinstance(max_score, int) or isinstance(max_score, bool) or not 2 <= max_score <= 10:
        error("RATINGS_MAX_SCORE must be a whole number from 2 to 10.", "The default is 5.", 1)
    limit = conf.get("RATINGS_RATE_LIMIT")
    if limit is not None and not _is_limit(limit):
        error("RATINGS_RATE_LIMIT must be None or (votes, seconds).", "e.g. (60, 600).", 2)
    per_object = conf.get("RATINGS_RATE_LIMIT_PER_OBJECT")
    if per_object is not None and not _is_limit(per_object):
        error(
            "RATINGS_RATE_LIMIT_PER_OBJECT must be None or (votes, seconds).",
            "e.g. (20, 3600): 20 new readers per address on one object per hour.",
            3,
        )
    days = conf.get("RATINGS_CLOSE_AFTER_DAYS")
    if days is not None and (not isinstance(days, int) or days < 1):
        error("RATINGS_CLOSE_AFTER_DAYS must be None or a positive number of days.", "", 4)
    proxies = conf.get("RATINGS_TRUSTED_PROXY_COUNT")
    if not isinstance(proxies, int) or proxies < 0:
        error("RATINGS_TRUSTED_PROXY_COUNT must be 0 or more.", "0 ignores X-Forwarded-For.", 5)
    rule = conf.get("RATINGS_CLIENT_IP")
    if rule is not None:
        try:
            if not callable(import_string(rule)):
                raise ImportError(rule)
        except (ImportError, TypeError, ValueError):
            error(
                f"RATINGS_CLIENT_IP {rule!r} is not an importable function.",
                'A dotted path such as "myproject.client.client_ip", or None.',
                8,
            )
        if isinstance(proxies, int) and proxies > 0:
            errors.append(
                checks.Warning(
                    "RATINGS_TRUSTED_PROXY_COUNT is ignored because RATINGS_CLIENT_IP is set.",
                    hint="Configure proxies in the function RATINGS_CLIENT_IP names.",
                    id="ratings.W002",
                )
            )
    if conf.get("RATINGS_ONE_VOTE_PER_IP") and not conf.get("RATINGS_ALLOW_ANONYMOUS"):
        errors.append(
            checks.Warning(
                "RATINGS_ONE_VOTE_PER_IP with signed-in voting only: colleagues behind one "
                "NAT will lock each other out although every voter is identified.",
                hint="Turn RATINGS_ONE_VOTE_PER_IP off when only signed-in users vote.",
                id="ratings.W001",
            )
        )
    if conf.get("RATINGS_TOP_PRIOR_WEIGHT") is None or conf.get("RATINGS_TOP_PRIOR_WEIGHT") < 0:
        error("RATINGS_TOP_PRIOR_WEIGHT must be 0 or more.", "The default is 10.", 6)
    mean = conf.get("RATINGS_TOP_PRIOR_MEAN")
    if mean not in (None, "site") and (
        not isinstance(mean, int | float)
        or (isinstance(max_score, int) and not 1 <= mean <= max_score)
    ):
        error(
            'RATINGS_TOP_PRIOR_MEAN must be None, "site" or a number from 1 to RATINGS_MAX_SCORE.',
            "None uses the middle of the scale.",
            7,
        )

    for label, spec in conf.model_specs().items():
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            error(f"RATINGS_MODELS names {label!r}, which is not an installed model.", "", 10)
            continue
        if not callable(getattr(model._default_manager, spec.public, None)):
            error(f"RATINGS_MODELS[{label!r}]: the manager has no method {spec.public!r}.", "", 11)
        for attr in ("owner_field", "published_field", "parents"):
            name = getattr(spec, attr)
            if not name:
                continue
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                error(f"RATINGS_MODELS[{label!r}]: {attr} {name!r} is not a field.", "", 12)
                continue
            if attr == "parents" and not field.many_to_many:
                error(f"RATINGS_MODELS[{label!r}]: parents must be a many-to-many field.", "", 13)
        if not hasattr(model, "get_absolute_url"):
            error(f"RATINGS_MODELS[{label!r}]: the model needs get_absolute_url().", "", 14)
    return errors
