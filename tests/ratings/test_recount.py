"""ratings_recount rebuilds the stored aggregates from the votes and reports drift."""

from io import StringIO

import pytest
from django.core.management import call_command

from ratings.models import RatingAggregate
from tests.ratings.conftest import cast

pytestmark = pytest.mark.django_db


def run() -> str:
    out = StringIO()
    call_command("ratings_recount", stdout=out)
    return out.getvalue()


def test_recount_fixes_drift_and_reports_it(post):
    cast(post, 5)
    cast(post, 3)
    RatingAggregate.objects.update(count=7, total=1)
    output = run()
    assert "count/sum 7/1 -> 2/8" in output
    assert "fixed 1 with drift" in output
    aggregate = RatingAggregate.objects.get()
    assert (aggregate.count, aggregate.total) == (2, 8)


def test_recount_recreates_a_missing_aggregate_and_is_quiet_when_exact(post):
    cast(post, 4)
    RatingAggregate.objects.all().delete()
    assert "fixed 1 with drift" in run()
    assert RatingAggregate.objects.get().count == 1
    assert "fixed 0 with drift" in run()
