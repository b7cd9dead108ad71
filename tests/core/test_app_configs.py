"""Each app runs with its own configuration: core's (whose ready() wires the page cache's
invalidation) and django-taggit's under the name editors see in the admin."""

from django.apps import apps

from core.apps import CoreConfig
from core.tags_app import TagsConfig


def test_core_runs_with_its_own_config():
    assert type(apps.get_app_config("core")) is CoreConfig


def test_tags_are_called_tags_in_the_admin(admin_client):
    assert type(apps.get_app_config("taggit")) is TagsConfig
    html = admin_client.get("/admin/").content.decode()
    assert 'class="section" title="Models in the Tags application">Tags</a>' in html
    assert "Taggit" not in html
