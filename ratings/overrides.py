"""Editors' overrides (``RatingRule``) that apply to an object, and the access they give it.

Which access applies — the precedence, stated here once:

1. the object's own rule, unless it is INHERIT (or there is none);
2. else the strictest (highest ``RatingRule.Access``) among the rules of its parents, such as
   its categories, INHERIT rules left out;
3. else OPEN: the site settings decide who may vote.

The rule is written twice, side by side below, because both forms are needed:
``access_resolve`` in Python for one object (the post page, the vote), and
``access_annotation`` in SQL for a list, so a list page costs the same number of queries
whatever its length. tests/ratings/test_access_rule.py checks that the two agree on every
combination of own and parent rules.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from ratings import conf
from ratings.models import RatingRule

Access = RatingRule.Access


def parent_field(model):
    """The many-to-many field whose objects carry overrides for ``model``, or None."""
    spec = conf.spec_for(model)
    if spec is None or not spec.parents:
        return None
    return model._meta.get_field(spec.parents)


def parent_ids_query(model, object_ref):
    """A subquery of the parent ids (e.g. category ids) of the object ``object_ref`` points to."""
    field = parent_field(model)
    through = field.remote_field.through
    return through.objects.filter(**{field.m2m_field_name(): object_ref}).values(
        field.m2m_reverse_field_name()
    )


def rules_for(target: models.Model) -> tuple[RatingRule | None, list[RatingRule]]:
    """The object's own rule and its parents' rules, lowest parent id first (one query)."""
    model = type(target)
    own_ct = ContentType.objects.get_for_model(model)
    rules = RatingRule.objects.for_target(own_ct, target.pk)
    field = parent_field(model)
    if field is not None:
        parent_ct = ContentType.objects.get_for_model(field.related_model)
        rules |= RatingRule.objects.for_targets(parent_ct, parent_ids_query(model, target.pk))
    rules = list(rules.order_by("object_id"))
    own = next((r for r in rules if r.content_type_id == own_ct.pk), None)
    return own, [r for r in rules if r.content_type_id != own_ct.pk]


def access_resolve(own: int | None, parents: Iterable[int]) -> int:
    """The precedence in Python, for one object: its own rule's access and its parents'."""
    if own is not None and own != Access.INHERIT:
        return own
    return max((access for access in parents if access != Access.INHERIT), default=Access.OPEN)


def access_annotation(model) -> models.Expression:
    """The precedence in SQL, for each object of a queryset of ``model`` (annotate with it)."""
    ct = ContentType.objects.get_for_model(model)
    own = RatingRule.objects.for_target(ct, OuterRef("pk")).deciding_access().values("access")
    levels = [Subquery(own[:1])]
    field = parent_field(model)
    if field is not None:
        parent_ct = ContentType.objects.get_for_model(field.related_model)
        parent_ids = parent_ids_query(model, OuterRef(OuterRef("pk")))
        parents = RatingRule.objects.for_targets(parent_ct, parent_ids).deciding_access()
        levels.append(Subquery(parents.strictest_access()))
    return Coalesce(*levels, Value(int(Access.OPEN)))
