"""There is always a default rating set, made in one place: the post_migrate handler."""

import pytest
from django.apps import apps as global_apps
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from ratings.apps import _after_migrate
from ratings.models import RatingSet
from ratings.services import rating_set_ensure_default


def historical_apps():
    """The models as the ratings migrations leave them (what migrate hands post_migrate)."""
    return MigrationExecutor(connection).loader.project_state().apps


def overall_is_the_only_default():
    default = RatingSet.objects.get(is_default=True)
    return (default.name, default.mode, [c.key for c in default.criteria.all()]) == (
        "Overall",
        "stars",
        ["overall"],
    )


@pytest.mark.django_db
def test_a_migrated_database_has_the_overall_star_set_as_its_default():
    assert overall_is_the_only_default()
    assert RatingSet.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_default_set_is_back_after_the_database_is_flushed():
    call_command("flush", interactive=False, verbosity=0)
    assert overall_is_the_only_default()


@pytest.mark.django_db
def test_the_handler_works_with_the_historical_models_it_is_given():
    RatingSet.objects.all().delete()
    _after_migrate(global_apps.get_app_config("ratings"), using="default", apps=historical_apps())
    assert overall_is_the_only_default()
    made = rating_set_ensure_default(apps=historical_apps(), using="default")
    assert type(made) is not RatingSet  # a historical model, not the live one
    assert RatingSet.objects.count() == 1


@pytest.mark.django_db
def test_running_again_keeps_the_set_an_editor_made_the_default():
    RatingSet.objects.update(is_default=False)
    review = RatingSet.objects.create(name="Review", is_default=True)
    review.criteria.create(name="Analysis")
    assert rating_set_ensure_default() == review
    _after_migrate(global_apps.get_app_config("ratings"), using="default", apps=historical_apps())
    assert list(RatingSet.objects.filter(is_default=True)) == [review]
    assert [c.key for c in review.criteria.all()] == ["analysis"]
