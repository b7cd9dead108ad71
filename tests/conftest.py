import shutil

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.signals import setting_changed


@pytest.fixture(autouse=True, scope="session")
def run_leaves_no_files_behind():
    """The run's fallback media folder (config/settings/test.py) goes when the run ends."""
    yield
    shutil.rmtree(django_settings.MEDIA_ROOT, ignore_errors=True)


@pytest.fixture(autouse=True, scope="session")
def settings_changes_empty_the_caches():
    """Settings never change in a running site, so cached pages and fragments are not keyed by
    them; a test that overrides one starts from cold caches, as a restarted site would."""

    def forget(**kwargs):
        for alias in ("default", "pages"):
            if alias not in django_settings.CACHES:  # a test's own CACHES may leave one out
                continue
            # Only memory caches: a Redis the test points at is shared with other test runs
            # (such tests use a key prefix of their own).
            if isinstance(caches[alias], LocMemCache):
                caches[alias].clear()

    setting_changed.connect(forget, dispatch_uid="tests.settings_changes_empty_the_caches")
    yield
    setting_changed.disconnect(dispatch_uid="tests.settings_changes_empty_the_caches")


@pytest.fixture(autouse=True)
def empty_cache():
    """Every test starts with cold caches (fragments and pages), so query counts do not depend
    on test order."""
    cache.clear()
    caches["pages"].clear()
    yield
    cache.clear()
    caches["pages"].clear()


@pytest.fixture(autouse=True)
def content_types_match_the_database(request):
    """A transactional test ends by emptying the tables; after one with ``serialized_rollback``
    nothing refills the content types, so the next one must not trust ids cached before."""
    marker = request.node.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        from django.contrib.contenttypes.models import ContentType

        ContentType.objects.clear_cache()


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def editor(db):
    from tests.factories import UserFactory

    return UserFactory(username="editor", is_staff=True, groups=["Editors"])


@pytest.fixture
def author(db):
    from tests.factories import UserFactory

    return UserFactory(username="author", is_staff=True, groups=["Authors"])


@pytest.fixture
def contributor(db):
    from tests.factories import UserFactory

    return UserFactory(username="contributor", is_staff=True, groups=["Contributors"])
