"""Reads that decide what a reader may do with an object: the allow-list, overrides and rules."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db import models
from django.utils import timezone

from ratings import conf
from ratings.errors import (
    NotRatable,
    OwnObject,
    RatingError,
    SignInRequired,
    VotingClosed,
)
from ratings.models import Criterion, RatingRule, RatingSet
from ratings.overrides import access_resolve, rules_for

MAX_OBJECT_ID = 2**63 - 1


def public_queryset(model) -> models.QuerySet:
    """The objects of an allow-listed model that readers may see (its ``public`` method)."""
    spec = conf.spec_for(model)
    if spec is None:
        raise NotRatable("This kind of content cannot be rated.")
    return getattr(model._default_manager, spec.public)()


def target_resolve(label: str, object_id: int) -> models.Model:
    """The public object named by an allow-listed "app_label.model" and id, else NotRatable."""
    spec = conf.model_specs().get(label.lower())
    if spec is None:
        raise NotRatable("This kind of content cannot be rated.")
    try:
        model = apps.get_model(spec.label)
    except (LookupError, ValueError) as exc:
        raise NotRatable("This kind of content cannot be rated.") from exc
    obj = None
    if 0 < object_id <= MAX_OBJECT_ID:
        obj = public_queryset(model).filter(pk=object_id).first()
    if obj is None:
        raise NotRatable(f"No such {model._meta.verbose_name} to rate.")
    return obj


@dataclass
class RatingPolicy:
    """What applies to one object: access after overrides, rating set and criteria, and why the
    current reader may not vote (``refusal``), if so."""

    target: models.Model
    access: int
    rating_set: RatingSet
    criteria: list[Criterion]
    refusal: RatingError | None

    @property
    def hidden(self) -> bool:
        return self.access == RatingRule.Access.HIDDEN

    @property
    def mode(self) -> str:
        return self.rating_set.mode

    @property
    def is_thumbs(self) -> bool:
        return self.rating_set.mode == RatingSet.Mode.THUMBS


def voting_window(target: models.Model) -> str:
    """Whether the time limit (RATINGS_CLOSE_AFTER_DAYS) has closed voting on ``target`` yet:
    "closed", "open", or "" when no limit applies. No query: it changes with time alone, so a
    cached widget or snippet keeps it in its key."""
    spec = conf.spec_for(type(target))
    closes = conf.close_after()
    if spec is None or closes is None or not spec.published_field:
        return ""
    published = getattr(target, spec.published_field, None)
    if published is None:
        return ""
    return "closed" if published + closes <= timezone.now() else "open"


def rating_policy(target: models.Model, *, user) -> RatingPolicy:
    """The rules for ``target`` and this user, in two queries: access after the overrides (see
    ratings.overrides for the precedence), the rating set, and why this user may not vote."""
    model = type(target)
    spec = conf.spec_for(model)
    if spec is None:
        raise NotRatable("This kind of content cannot be rated.")
    noun = model._meta.verbose_name
    own, parents = rules_for(target)
    access = access_resolve(own.access if own else None, [r.access for r in parents])
    # The rating set: the object's own rule's, else the first parent's (lowest id) that has one.
    applying = [own, *parents] if own else parents
    set_id = next((r.rating_set_id for r in applying if r.rating_set_id), None)
    criteria = list(Criterion.objects.of_set(set_id))
    if not criteria:
        raise NotRatable("No rating set with criteria applies; an editor needs to define one.")
    rating_set = criteria[0].rating_set

    refusal: RatingError | None = None
    owner_id = getattr(target, f"{spec.owner_field}_id", None) if spec.owner_field else None
    published = getattr(target, spec.published_field, None) if spec.published_field else None
    closes = conf.close_after()
    if access == RatingRule.Access.HIDDEN:
        refusal = VotingClosed(f"Ratings are turned off for this {noun}.")
    elif access == RatingRule.Access.LOCKED:
        refusal = VotingClosed(f"Voting is closed for this {noun}.")
    elif closes is not None and published is not None and published + closes <= timezone.now():
        days = conf.get("RATINGS_CLOSE_AFTER_DAYS")
        refusal = VotingClosed(f"Voting on this {noun} closed {days} days after publication.")
    elif not user.is_authenticated and (
        access == RatingRule.Access.SIGNED_IN or not conf.get("RATINGS_ALLOW_ANONYMOUS")
    ):
        refusal = SignInRequired(f"Sign in to rate this {noun}.")
    elif owner_id is not None and user.is_authenticated and owner_id == user.pk:
        refusal = OwnObject(f"You cannot rate your own {noun}.")
    return RatingPolicy(
        target=target, access=access, rating_set=rating_set, criteria=criteria, refusal=refusal
    )
