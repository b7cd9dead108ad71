import itertools

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from ratings.models import Criterion, RatingRule, RatingSet
from ratings.readers import ip_hash
from ratings.services import vote_cast

_readers = itertools.count(1)


@pytest.fixture
def post(db):
    from tests.factories import PostFactory

    return PostFactory(title="Hardening the mail gateway")


def vote_url(obj) -> str:
    return reverse("ratings:vote", args=[obj._meta.label_lower, obj.pk])


def cast(target, score=4, *, user=None, reader=None, ip=None, **scores):
    """Cast a vote through the service as an anonymous reader (a fresh one unless named), from
    an address of its own unless named, so only tests about addresses meet the rate limits."""
    n = next(_readers)
    reader = reader or f"a:test-reader-{n}"
    ip = ip or f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"
    user = user or AnonymousUser()
    if user.is_authenticated:
        reader = f"u:{user.pk}"
    return vote_cast(
        target=target,
        user=user,
        reader_key=reader,
        ip_hash=ip_hash(ip),
        scores=scores or {"overall": score},
    )


def rule_for(obj, **fields) -> RatingRule:
    from django.contrib.contenttypes.models import ContentType

    return RatingRule.objects.create(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk, **fields
    )


def criteria_set(name="Review", keys=("Analysis", "Sources", "Writing"), mode="stars"):
    rating_set = RatingSet.objects.create(name=name, mode=mode)
    for position, label in enumerate(keys):
        Criterion.objects.create(rating_set=rating_set, name=label, position=position)
    return rating_set
