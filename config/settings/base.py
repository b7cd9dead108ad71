"""Settings shared by every entry point; everything that differs between machines comes from the
environment (see the configuration table in the README)."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

# The folder holding the apps: a source checkout, or site-packages once the project is installed.
BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be 1/0, true/false, yes/no or on/off, not {value!r}.")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}.")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name, "")
    items = [item.strip() for item in value.split(",") if item.strip()]
    return items or default


INSTALLED_APPS = [
    "core.admin_apps.SiteAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "core.tags_app.TagsConfig",
    "reversion",
    "core",
    "images",
    "blog",
    "authors",
    "related",
    "ratings",
    "demo",
    "wordpress",
]

MIDDLEWARE = [
    # First: a cached page for an anonymous reader is answered before anything else runs; what
    # it stores carries the headers the rest of the stack added (docs/caching.md).
    "core.pagecache.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Answers in its __call__, so before any process_view reads the body (CSRF's does); placed
    # after AuthenticationMiddleware, which tells it whether staff is signed in.
    "core.middleware.RequestSizeLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.ContentSecurityPolicyMiddleware",
    "core.middleware.RejectNulMiddleware",
    # Old WordPress links (/?p=12, /2019/03/05/slug/ …) redirect to the imported post.
    "wordpress.middleware.OldAddressMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.site_identity",
                "core.context_processors.site_links",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"


def data_dir() -> Path:
    """Where the SQLite database, uploads and collected static files go: ``DJANGO_DATA_DIR``, else
    the checkout when running from one (manage.py beside the apps), else the working folder; never
    site-packages."""
    value = os.environ.get("DJANGO_DATA_DIR", "").strip()
    if value:
        path = Path(value).expanduser().resolve()
        if not path.is_dir():
            raise ImproperlyConfigured(f"DJANGO_DATA_DIR is not an existing folder: {path}")
        return path
    if (BASE_DIR / "manage.py").is_file():
        return BASE_DIR
    return Path.cwd()


DATA_DIR = data_dir()


def database_config() -> dict:
    url = os.environ.get("DATABASE_URL")
    if url:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    else:
        config = {"ENGINE": "django.db.backends.sqlite3", "NAME": DATA_DIR / "db.sqlite3"}
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers run beside one writer; IMMEDIATE takes the write lock at BEGIN so two
        # writers queue on the busy timeout instead of failing with "database is locked" mid-way.
        config["OPTIONS"] = {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
        }
        # Kept open between requests like any database's: opening one (with the pragmas above)
        # cost about as much as answering a cached page.
        config["CONN_MAX_AGE"] = 60
        config["CONN_HEALTH_CHECKS"] = True
    return config


DATABASES = {"default": database_config()}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.cache.FaultTolerantRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
            "KEY_PREFIX": "groupblog",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Whole pages for anonymous readers (core.pagecache): shared through Redis when there is one,
# else kept by each process; exact either way, because their keys hold the content generation
# read from the database on each request.
CACHES["pages"] = {
    **CACHES["default"],
    "KEY_PREFIX": "groupblog-pages",
    "OPTIONS": {**CACHES["default"].get("OPTIONS", {})},
}
if not REDIS_URL:
    CACHES["pages"]["OPTIONS"] = {"MAX_ENTRIES": 1000, "CULL_FREQUENCY": 4}
    CACHES["pages"]["LOCATION"] = "pages"

# The anonymous page cache (docs/caching.md): DJANGO_PAGE_CACHE=0 turns it off.
PAGE_CACHE = env_bool("DJANGO_PAGE_CACHE", True)
# The public pages it may store, by URL name; other pages are always rendered.
PAGE_CACHE_VIEWS = frozenset(
    {
        "blog:post_list",
        "blog:post_detail",
        "blog:archive_year",
        "blog:archive_month",
        "blog:category",
        "blog:tag",
        "blog:tag_index",
        "blog:feed",
        "blog:feed_rss",
        "blog:category_feed",
        "blog:category_feed_rss",
        "blog:tag_feed",
        "blog:tag_feed_rss",
        "authors:list",
        "authors:detail",
        "authors:feed",
        "authors:feed_rss",
        "ratings:top_rated",
        "sitemap",
        "robots_txt",
    }
)
# Cookies that make a request personal (besides the session and messages cookies): rendered.
PAGE_CACHE_BYPASS_COOKIES: list[str] = []
# How long a stored page is kept; any change makes it unreachable sooner.
PAGE_CACHE_SECONDS = env_int("DJANGO_PAGE_CACHE_SECONDS", 3600, minimum=1)
# Cache-Control max-age of anonymous pages for browsers and a CDN in front; 0 (revalidate with
# the ETag every time) keeps changes visible on the next view everywhere.
PAGE_CACHE_MAX_AGE = env_int("DJANGO_PAGE_CACHE_MAX_AGE", 0, minimum=0)
# Part of every cache key besides the digest of the code: change it to drop every stored page.
PAGE_CACHE_VERSION = os.environ.get("DJANGO_PAGE_CACHE_VERSION", "")
# Models whose changes readers see, for apps that cannot import core.pagecache.invalidates().
PAGE_CACHE_INVALIDATING_MODELS = [
    "auth.User",
    "taggit.Tag",
    "taggit.TaggedItem",
    "ratings.Vote",
    "ratings.RatingAggregate",
    "ratings.RatingRule",
    "ratings.RatingSet",
    "ratings.Criterion",
    "images.Image",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT") or DATA_DIR / "media")

# Request sizes (docs/deployment.md, "Request and upload limits"). Django's two *_MEMORY_SIZE
# settings do not cap uploads: the first bounds the form fields other than files, the second only
# decides whether a file part is held in memory or spooled to a temporary file.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The largest file an editor may upload (featured images, avatars): beyond it, a file part is no
# longer stored and the form says the file is too large.
UPLOAD_FILE_MAX_BYTES = 10 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "core.uploads.FileSizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# core.middleware.RequestSizeLimitMiddleware answers 413, before reading any of the body, a request
# that declares more than the largest legitimate one: one image, the form's other fields and the
# multipart framing; and, from anyone but signed-in staff (a vote, the sign-in form), more than
# PUBLIC_REQUEST_BODY_MAX_BYTES.
REQUEST_BODY_MAX_BYTES = UPLOAD_FILE_MAX_BYTES + DATA_UPLOAD_MAX_MEMORY_SIZE + 1024 * 1024
PUBLIC_REQUEST_BODY_MAX_BYTES = 256 * 1024

LOGIN_URL = "admin:login"
# After signing in with no (or an unsafe) page to go back to: the admin, not a 404.
LOGIN_REDIRECT_URL = "admin:index"

# How many reverse proxies in front of the site append to X-Forwarded-For (0: none, the header is
# ignored). One rule for every use of the client address: admin sign-in throttle, vote limits.
TRUSTED_PROXY_COUNT = env_int(
    "DJANGO_TRUSTED_PROXY_COUNT", env_int("RATINGS_TRUSTED_PROXY_COUNT", 0, minimum=0), minimum=0
)

TAGGIT_CASE_INSENSITIVE = True

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

BLOG_POSTS_PER_PAGE = 10
# Feeds carry each post's whole body (True) or only its excerpt, or the body's opening words when
# it has none (False). docs/features.md, "Feeds".
BLOG_FEED_FULL_TEXT = True

# Workflow emails (blog.notifications). Without DJANGO_EMAIL_HOST they are printed on the console
# (runserver's or the app server's output) instead of sent.
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "").strip()
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 587, minimum=1)
    EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# Mail goes out after the save has committed; a server that does not answer delays the answer
# to that request by at most this many seconds, and the failure is logged.
EMAIL_TIMEOUT = 5
DEFAULT_FROM_EMAIL = (
    os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "").strip() or "webmaster@localhost"
)

# The language search stems words in on PostgreSQL (a text search configuration: "english",
# "german", "simple" for none …); empty: the one for LANGUAGE_CODE. SQLite always stems English.
BLOG_SEARCH_LANGUAGE = os.environ.get("BLOG_SEARCH_LANGUAGE", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# Serve uploads from Django itself (development, or a single-machine install behind a proxy that
# does not serve /media/). Production normally serves media from shared storage or the proxy.
SERVE_MEDIA = env_bool("DJANGO_SERVE_MEDIA", False)

# Reader ratings (all settings and defaults: docs/ratings.md). Posts are ratable; a
# post's categories carry editors' overrides and rating sets.
RATINGS_MODELS = {
    "blog.post": {
        "public": "published",
        "owner_field": "author",
        "published_field": "published_at",
        "parents": "categories",
    }
}
RATINGS_MODERATOR_GROUPS = ["Editors"]
# The rate limit counts votes per client address under the site's one rule (core.client).
RATINGS_CLIENT_IP = "core.client.client_ip"
# Anonymous readers' pages are cached and shared (core.pagecache): the rating widget fetches
# each reader's vote and token from the rate endpoint (docs/caching.md).
RATINGS_SHARED_PAGES = True
