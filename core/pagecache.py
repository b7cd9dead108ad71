"""The anonymous page cache and the content generation that makes its invalidation exact.

**The generation.** One database row (``core.ContentGeneration``) counts the changes to what
readers see. Every cached page and fragment is stored under a key holding the generation's value,
and every request reads the value afresh (one indexed row, once per request): a change commits,
the counter moves, and the next request of every worker process on every app server looks for
new keys. Nothing has to be deleted, so a cache that is per process (the default, memory) or
shared (Redis) is exact either way, and a cache outage only costs renders.

**Telling it.** Models whose rows readers see are registered once (``invalidates(Model)`` in an
app's ``ready()``, or their label in ``PAGE_CACHE_INVALIDATING_MODELS``): their saves, deletions
and many-to-many changes move the generation after their transaction commits. Bulk writes send
no signals: call ``content_changed()`` after them (imports, ``QuerySet.update()``, rebuilds).

**Fragments keep what did not change.** Besides the page generation the row holds a fragment
generation (``versioned_key``: fragments keyed by versions of what they show, such as a post's
card under the post's stamp; moved only by changes no such version follows, ``fragments_follow``)
and a list generation (``lists_key``: the sidebar's data, a post's neighbours, and in the post
page's keys its related posts and author box; not moved by changes no list shows,
``lists_ignore``). The one read per request gets all three.

**Content that changes by itself.** A scheduled post appears when its time comes, with no write.
Apps register a function returning the next such time (``register_due_source``); it is stored
with the generation, and the first request after it starts a new generation.

docs/caching.md describes the rules, the settings and the choices.
"""

from __future__ import annotations

import contextvars
import hashlib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.db import IntegrityError, connections, router, transaction
from django.db.models import F, Model
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, parse_http_date_safe

logger = logging.getLogger(__name__)

CACHE_ALIAS = "pages"
# Query parameters a cached page may carry: page numbers only (lists, the sitemap). Any other
# parameter, or a page "number" that is not one, is rendered and never stored, so made-up
# addresses cannot fill the cache or plant a page under a real page's key.
QUERY_PARAMETERS = frozenset({"page", "p"})
# Saves of these fields alone do not change what readers see (a user signing in).
IGNORED_UPDATE_FIELDS = frozenset({"last_login"})
# Headers the cache sets itself on every answer it gives.
OWN_HEADERS = frozenset({"etag", "last-modified", "cache-control", "x-page-cache"})


@dataclass(frozen=True)
class Generation:
    value: int
    changed_at: datetime
    next_due: datetime | None
    fragments_value: int = 0
    fragments_changed_at: datetime | None = None
    lists_value: int = 0
    lists_changed_at: datetime | None = None

    @property
    def token(self) -> str:
        """The value with the time it was reached: a database restored from a backup (whose
        counter went back) never meets the pages cached after the backup was taken."""
        return f"{self.value}.{int(self.changed_at.timestamp() * 1_000_000)}"

    @property
    def fragments_token(self) -> str:
        """The fragment generation: moved by changes that versioned fragments do not follow."""
        when = self.fragments_changed_at
        return f"{self.fragments_value}.{int(when.timestamp() * 1_000_000) if when else 0}"

    @property
    def lists_token(self) -> str:
        """The list generation: moved by changes to what lists show (posts, categories, tags)."""
        when = self.lists_changed_at
        return f"{self.lists_value}.{int(when.timestamp() * 1_000_000) if when else 0}"


_current: contextvars.ContextVar[Generation | None] = contextvars.ContextVar(
    "pagecache_generation", default=None
)
# Inside a request (set by the middleware): the generation is read once and remembered.
_in_request: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "pagecache_in_request", default=False
)
_due_sources: list[Callable[[], datetime | None]] = []
# Models whose changes versioned fragments follow by their own keys (``fragments_follow``).
_followed: set[type[Model]] = set()
# Models whose changes no list shows (``lists_ignore``).
_unlisted: set[type[Model]] = set()


# -- The generation ---------------------------------------------------------------------------


def register_due_source(source: Callable[[], datetime | None]) -> None:
    """Register a function returning the next time (after now) at which content readers see
    changes by itself, such as a scheduled post's publication; None when there is none."""
    if source not in _due_sources:
        _due_sources.append(source)


def next_due() -> datetime | None:
    """The earliest of the registered sources' next times."""
    times = [when for when in (source() for source in _due_sources) if when is not None]
    return min(times, default=None)


def generation() -> Generation:
    """The current generation: read once per request (the page cache remembers it for the
    request's fragments), else from the database on each call. When a due time has passed, a
    new generation starts first."""
    current = _current.get()
    if current is not None:
        return current
    found = _read()
    if found is None:
        _bump()
        found = _read()
    elif found.next_due is not None and found.next_due <= timezone.now():
        _bump(expected=found.value, lists=True)
        found = _read()
    if _in_request.get():
        _current.set(found)
    return found


_READ_COLUMNS = (
    "value",
    "changed_at",
    "next_due",
    "fragments_value",
    "fragments_changed_at",
    "lists_value",
    "lists_changed_at",
)


def _read() -> Generation | None:
    """The row, in one statement compiled once per process: on a page served from the cache
    this read is most of the work, and building it through the ORM cost more than running it."""
    from core.models import ContentGeneration

    alias = router.db_for_read(ContentGeneration)
    connection = connections[alias]
    sql = _read_sql.get(alias)
    if sql is None:
        quote = connection.ops.quote_name
        columns = ", ".join(quote(name) for name in _READ_COLUMNS)
        table = quote(ContentGeneration._meta.db_table)
        sql = _read_sql[alias] = f"SELECT {columns} FROM {table} WHERE {quote('id')} = 1"
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    if row is None:
        return None
    value, changed_at, due, fragments_value, fragments_changed_at, lists_value, lists_at = row
    return Generation(
        value,
        _as_datetime(connection, changed_at),
        _as_datetime(connection, due),
        fragments_value,
        _as_datetime(connection, fragments_changed_at),
        lists_value,
        _as_datetime(connection, lists_at),
    )


_read_sql: dict[str, str] = {}


def _as_datetime(connection, value) -> datetime | None:
    """A datetime column's value as the ORM gives it (SQLite returns text, naive in UTC)."""
    convert = getattr(connection.ops, "convert_datetimefield_value", None)
    if value is not None and convert is not None:
        value = convert(value, None, connection)
    return value


def _bump(*, expected: int | None = None, fragments: bool = False, lists: bool = False) -> None:
    """Move the generation on (and the fragment or list generation with ``fragments`` or
    ``lists``); with ``expected``, only if no other process did it first (a due time passing is
    seen by many requests at once)."""
    from core.models import ContentGeneration

    now = timezone.now()
    due = next_due()
    changes = {"value": F("value") + 1, "changed_at": now, "next_due": due}
    if fragments:
        changes.update(fragments_value=F("value") + 1, fragments_changed_at=now)
    if lists:
        changes.update(lists_value=F("value") + 1, lists_changed_at=now)
    rows = ContentGeneration.objects.filter(pk=1)
    if expected is not None:
        rows = rows.filter(value=expected)
    if rows.update(**changes) or expected is not None:
        return
    try:
        with transaction.atomic():
            ContentGeneration.objects.create(
                pk=1,
                value=1,
                changed_at=now,
                next_due=due,
                fragments_value=1,
                fragments_changed_at=now,
                lists_value=1,
                lists_changed_at=now,
            )
    except IntegrityError:  # another process created it meanwhile
        ContentGeneration.objects.filter(pk=1).update(**changes)


@dataclass(eq=False)
class _Pending:
    """The move one transaction asked for, made once after it commits."""

    fragments: bool = False
    lists: bool = False

    def run(self) -> None:
        _current.set(None)
        _bump(fragments=self.fragments, lists=self.lists)


def content_changed(
    *, using: str | None = None, fragments: bool = True, lists: bool = True
) -> None:
    """Say that what readers see has changed: the generation moves when the current
    transaction commits (at once outside one), so no reader can cache the old content under
    the new generation. Call it after writes that send no signals (bulk updates, imports).

    ``fragments=False`` only for changes every versioned fragment follows by its own key
    (``fragments_follow``): pages are rendered again, fragments of unchanged content are kept.
    ``lists=False`` (with it) only for changes no list shows (a vote, a profile): the sidebar's
    data and a post's neighbours are kept."""
    lists = lists or fragments
    _current.set(None)
    connection = transaction.get_connection(using)
    # Outside a transaction, move at once. Inside a test case's transaction, which never
    # commits, too: the test's one connection sees it, and a rollback takes it back.
    if not connection.in_atomic_block or getattr(
        connection.atomic_blocks[0], "_from_testcase", False
    ):
        _bump(fragments=fragments, lists=lists)
        return
    pending = getattr(connection, "_pagecache_pending", None)
    # A savepoint rolled back drops its callbacks: a pending move no longer registered is new.
    if pending is None or not any(c == pending.run for _, c, _ in connection.run_on_commit):
        pending = connection._pagecache_pending = _Pending()
        transaction.on_commit(pending.run, using=using)
    pending.fragments |= fragments
    pending.lists |= lists


def _changed(sender, **kwargs) -> None:
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and set(update_fields) <= IGNORED_UPDATE_FIELDS:
        return
    content_changed(
        using=kwargs.get("using"), fragments=sender not in _followed, lists=sender not in _unlisted
    )


def _changed_m2m(sender, action, **kwargs) -> None:
    if action in {"post_add", "post_remove", "post_clear"}:
        content_changed(
            using=kwargs.get("using"),
            fragments=sender not in _followed,
            lists=sender not in _unlisted,
        )


def fragments_follow(*models: type[Model] | str) -> None:
    """Say that every fragment keyed by ``versioned_key`` showing these models' rows follows
    their changes through its own versions (blog.versions stamps the posts that show a renamed
    category): their saves still move the page generation, not the fragment generation. A
    many-to-many field's through model is named on its own."""
    for model in models:
        _followed.add(apps.get_model(model) if isinstance(model, str) else model)


def invalidates(*models: type[Model] | str) -> None:
    """Register models whose rows readers see (classes or "app_label.Model" labels): each save,
    deletion and many-to-many change of theirs moves the generation after commit."""
    for model in models:
        if isinstance(model, str):
            model = apps.get_model(model)
        uid = f"core.pagecache:{model._meta.label_lower}"
        post_save.connect(_changed, sender=model, dispatch_uid=f"{uid}:save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"{uid}:delete")
        for field in model._meta.many_to_many:
            through = getattr(field.remote_field, "through", None)
            if through is not None and not isinstance(through, str):
                m2m_changed.connect(
                    _changed_m2m, sender=through, dispatch_uid=f"{uid}:{field.name}"
                )


def lists_ignore(*models: type[Model] | str) -> None:
    """Say that no list (fragments keyed by ``lists_key``) shows these models' rows: their
    changes leave the list generation where it is."""
    for model in models:
        _unlisted.add(apps.get_model(model) if isinstance(model, str) else model)


# -- Fragments ----------------------------------------------------------------------------------


def fragment_key(name: str, *parts) -> str:
    """A cache key for a fragment of a page: its name, its parts and the current generation
    and code version, so it changes exactly when content (or the deployed code) does."""
    joined = ":".join(str(part) for part in parts)
    return f"frag:{code_version()}:{generation().token}:{name}:{joined}"


def lists_key(name: str, *parts) -> str:
    """A cache key for what lists show (the sidebar's data, a post's neighbours): it changes with
    the list generation, moved by posts, categories, tags, pictures, related lists, due times
    and bulk writes, not by a vote or a profile."""
    joined = ":".join(str(part) for part in parts)
    return f"lfrag:{code_version()}:{generation().lists_token}:{name}:{joined}"


def versioned_key(name: str, *versions) -> str:
    """A cache key for a fragment whose parts are versions of everything it shows (a post's
    card: the post's stamp and its rating figures): it outlives changes to other content and
    changes with the fragment generation (bulk writes, settings) and the deployed code."""
    joined = ":".join(str(part) for part in versions)
    return f"vfrag:{code_version()}:{generation().fragments_token}:{name}:{joined}"


# -- The page cache -----------------------------------------------------------------------------

_code_version_lock = threading.Lock()
_code_version: str | None = None


def code_version() -> str:
    """A digest of the project's code, templates and static manifest, so pages cached by one
    release are never served by the next (the generation survives deployments)."""
    global _code_version
    if _code_version is None:
        with _code_version_lock:
            if _code_version is None:
                digest = hashlib.sha256(settings.PAGE_CACHE_VERSION.encode())
                base = Path(settings.BASE_DIR)
                for config in apps.get_app_configs():
                    folder = Path(config.path)
                    if base not in folder.parents:
                        continue
                    for path in sorted(folder.rglob("*")):
                        if path.suffix in {".py", ".html", ".xml", ".txt"} and path.is_file():
                            digest.update(str(path.relative_to(base)).encode())
                            digest.update(path.read_bytes())
                manifest = Path(settings.STATIC_ROOT or "") / "staticfiles.json"
                if settings.STATIC_ROOT and manifest.is_file():
                    digest.update(manifest.read_bytes())
                _code_version = digest.hexdigest()[:12]
    return _code_version


def _normalized_query(request) -> str | None:
    pairs = []
    for name, values in request.GET.lists():
        if name not in QUERY_PARAMETERS or len(values) != 1:
            return None
        value = values[0]
        if not (value.isascii() and value.isdigit() and len(value) <= 6):
            return None
        pairs.append(f"{name}={int(value)}")
    return "&".join(sorted(pairs))


def _skipped_prefixes() -> tuple[str, ...]:
    prefixes = ["/admin/"]
    for url in (settings.STATIC_URL, settings.MEDIA_URL):
        if url and url.startswith("/"):
            prefixes.append(url)
        elif url:
            prefixes.append("/" + url)
    return tuple(prefixes)


def request_key(request) -> str | None:
    """The cache key of a request that may be answered from the cache, None for one that must
    be rendered: not a GET or HEAD, a signed-in or personal browser (session, messages or a
    cookie in PAGE_CACHE_BYPASS_COOKIES), credentials, or a query beyond a page number. The
    host is validated (ALLOWED_HOSTS) and part of the key, as are the scheme and the path."""
    if request.method not in ("GET", "HEAD"):
        return None
    path = request.path
    if path.startswith(_skipped_prefixes()):
        return None
    cookies = request.COOKIES
    personal = (settings.SESSION_COOKIE_NAME, "messages", *settings.PAGE_CACHE_BYPASS_COOKIES)
    if any(name in cookies for name in personal) or "HTTP_AUTHORIZATION" in request.META:
        return None
    query = _normalized_query(request)
    if query is None:
        return None
    raw = "\n".join((request.scheme, request.get_host().lower(), path, query))
    return hashlib.sha256(raw.encode("utf-8", "backslashreplace")).hexdigest()


@dataclass
class Entry:
    status: int
    headers: list[tuple[str, str]]
    content: bytes
    etag: str
    last_modified: int


def _cache():
    return caches[CACHE_ALIAS]


def _cache_get(key: str) -> Entry | None:
    try:
        return _cache().get(key)
    except Exception as exc:  # an outage or a broken entry is a miss, never an error page
        logger.warning("page cache unavailable, rendering: %s", exc)
        return None


def _cache_set(key: str, entry: Entry) -> None:
    try:
        _cache().set(key, entry, settings.PAGE_CACHE_SECONDS)
    except Exception as exc:
        logger.warning("page cache unavailable, page not stored: %s", exc)


def storable(request, response) -> bool:
    """Whether a rendered answer may be shared with every anonymous reader: a 200 of a public
    page (PAGE_CACHE_VIEWS) rendered for an anonymous reader, with no cookie set (a CSRF token
    or a session used sets one) and not marked private by its view.

    ``Vary: Cookie`` (Django adds it once the session is looked at, even just to find that
    nobody is signed in) is kept on the answer, so a CDN never gives this page to a signed-in
    browser; it does not prevent storing, because the request carried none of the cookies that
    make a page personal (``request_key``): the page is the one for a browser without them."""
    if request.method != "GET" or response.status_code != 200 or response.streaming:
        return False
    match = getattr(request, "resolver_match", None)
    if match is None or match.view_name not in settings.PAGE_CACHE_VIEWS:
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    if response.cookies:
        return False
    if "*" in response.get("Vary", ""):
        return False
    control = response.get("Cache-Control", "").lower()
    return not any(word in control for word in ("private", "no-store", "no-cache"))


def _public_headers(response, entry: Entry) -> None:
    response["ETag"] = entry.etag
    response["Last-Modified"] = http_date(entry.last_modified)
    patch_cache_control(
        response, public=True, max_age=settings.PAGE_CACHE_MAX_AGE, must_revalidate=True
    )


def personal_headers(request, response):
    """Answers to a signed-in user are never stored by a browser's shared cache or a CDN."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
        patch_cache_control(response, private=True, no_store=True)
    return response


class PageCacheMiddleware:
    """Answers anonymous readers' GETs of public pages from the cache (first in MIDDLEWARE, so
    a hit costs one row read and one cache read), and stores what it renders for them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        scope = _in_request.set(True)
        token = _current.set(None)
        try:
            return self.answer(request)
        finally:
            _current.reset(token)
            _in_request.reset(scope)

    def answer(self, request):
        key = request_key(request) if settings.PAGE_CACHE else None
        if key is None:
            return personal_headers(request, self.get_response(request))
        current = generation()
        full_key = f"page:{code_version()}:{current.token}:{key}"
        entry = _cache_get(full_key)
        if entry is not None:
            return self.respond(request, entry, "hit")
        response = self.get_response(request)
        if not storable(request, response):
            return personal_headers(request, response)
        content = response.content
        # A view's own validators (a feed's newest change) are kept; else the page's digest
        # and the time its generation started.
        own_modified = parse_http_date_safe(response.get("Last-Modified", ""))
        entry = Entry(
            status=response.status_code,
            headers=[(k, v) for k, v in response.items() if k.lower() not in OWN_HEADERS],
            content=content,
            etag=response.get("ETag")
            or f'"{hashlib.md5(content, usedforsecurity=False).hexdigest()}"',
            last_modified=own_modified or int(current.changed_at.timestamp()),
        )
        _cache_set(full_key, entry)
        _public_headers(response, entry)
        response["X-Page-Cache"] = "miss"
        return get_conditional_response(
            request, etag=entry.etag, last_modified=entry.last_modified, response=response
        )

    @staticmethod
    def respond(request, entry: Entry, state: str):
        response = HttpResponse(entry.content, status=entry.status)
        for name, value in entry.headers:
            response[name] = value
        _public_headers(response, entry)
        response["X-Page-Cache"] = state
        return get_conditional_response(
            request, etag=entry.etag, last_modified=entry.last_modified, response=response
        )
