"""The test run: development settings with fast password hashing and files in temporary folders
that the run removes (uploads: tests/conftest.py; the SQLite test database: Django)."""

import os
import tempfile
from pathlib import Path

from .dev import *  # noqa: F403

DEBUG = False
# Tests see what readers see: the page cache on, as in production.
PAGE_CACHE = env_bool("DJANGO_PAGE_CACHE", True)  # noqa: F405
SECRET_KEY = "test-only-secret-key-not-for-any-deployment-0123456789"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Each test writes uploads to its own folder (tests/conftest.py). This one only catches files
# written outside a test: nothing creates it up front, and the test run removes it at the end.
MEDIA_ROOT = Path(tempfile.gettempdir()) / f"groupblog-test-media-{os.getpid()}"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Concurrency tests run threads against the test database: SQLite's in-memory test database is
# per connection, so the SQLite test database is a file (one per test process).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(Path(tempfile.gettempdir()) / f"groupblog-test-{os.getpid()}.sqlite3")
    }
else:
    # Test runs sharing one database server (CI beside a colleague's run) must not drop each
    # other's test database: one per test process, dropped when the run ends.
    DATABASES["default"]["TEST"] = {"NAME": f"test_groupblog_{os.getpid()}"}  # noqa: F405
