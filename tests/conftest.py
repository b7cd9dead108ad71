import shutil
import threading
import time

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


class RequestsInFlight:
    """Counts the requests a live server is handling, from Django's own request signals."""

    def __init__(self):
        self.count = 0
        self.last_change = time.monotonic()
        self.lock = threading.Lock()

    def started(self, **kwargs):
        with self.lock:
            self.count += 1
            self.last_change = time.monotonic()

    def finished(self, **kwargs):
        with self.lock:
            self.count -= 1
            self.last_change = time.monotonic()

    def wait_until_quiet(self, quiet=0.5, limit=15.0):
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            with self.lock:
                if self.count <= 0 and time.monotonic() - self.last_change >= quiet:
                    return
            time.sleep(0.05)


@pytest.fixture(autouse=True)
def live_server_finishes_its_requests(request):
    """A browser closed at a test's end still sends what the page sends on leaving (the autosave
    beacon, the editing notice's release). The live server must finish those before the test's
    tables are emptied: on PostgreSQL a TRUNCATE waiting behind such a request deadlocks."""
    if "live_server" not in request.fixturenames:
        yield
        return
    from django.core.signals import request_finished, request_started

    # Requested here so that its teardown (emptying the tables) runs after this one's.
    request.getfixturevalue("transactional_db")
    in_flight = RequestsInFlight()
    request_started.connect(in_flight.started, dispatch_uid="tests.requests_in_flight.start")
    request_finished.connect(in_flight.finished, dispatch_uid="tests.requests_in_flight.end")
    try:
        yield
        in_flight.wait_until_quiet()
    finally:
        request_started.disconnect(dispatch_uid="tests.requests_in_flight.start")
        request_finished.disconnect(dispatch_uid="tests.requests_in_flight.end")


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
