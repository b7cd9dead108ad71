"""Local development: what `python manage.py …` uses. Works with no environment variables set."""

import os

from .base import *  # noqa: F403
from .base import env_bool, env_list

DEBUG = env_bool("DJANGO_DEBUG", True)
# Development only: production.py refuses to start without DJANGO_SECRET_KEY.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or "django-insecure-development-only-key"
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
# The development server renders every page afresh (template edits show at once); quickstart
# and production serve readers from the page cache. DJANGO_PAGE_CACHE=1 turns it on here.
PAGE_CACHE = env_bool("DJANGO_PAGE_CACHE", not DEBUG)
# Static files straight from the apps, with DEBUG off too (quickstart): nothing to collect.
WHITENOISE_USE_FINDERS = True
