"""Bringing a WordPress export into the site: authors, categories, tags, posts (and pages when
asked), their pictures and their old addresses.

The rules:

- **Keyed on WordPress's ids** (``ImportedItem``): a re-run updates what changed in the export
  and leaves the rest untouched; an item whose fingerprint is unchanged is not written at all,
  and a post edited here since the last import keeps the edit (reported).
- **One transaction** for the whole run. The site goes from its state before to the imported
  state in one step, so an interrupted or failed run (Ctrl-C, a lost connection, a full disk)
  leaves nothing half-imported, and the pictures it had stored are deleted again. Each item is
  written in a savepoint: an item that fails is reported and the others continue. A dry run
  does all the work and rolls it back (it stores no picture).
- **Posts are saved like an editor's**: ``Post.save()`` renders the body through the sanitizer and
  its signals refresh the sidebar and (after commit) the related posts: one rebuild after a large
  import (``related.signals``). Their categories and tags go straight to the link tables, a new
  post's with those of the other posts of its batch, and the search index is written per batch.
"""

from __future__ import annotations

import datetime
import hashlib
import html
import json
import re
import zoneinfo
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Case, Value, When
from django.db.models.signals import m2m_changed, post_save
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.text import slugify
from taggit.models import Tag

from authors.models import AuthorProfile
from blog.models import Category, Post, PostRedirect, unique_slug
from blog.roles import CONTRIBUTORS_GROUP
from blog.search import search_index_update
from blog.signals import index_refiled_post, index_saved_post
from core.pagecache import content_changed
from wordpress import media, wxr
from wordpress.addresses import address_key
from wordpress.content import convert_body, original_path, split_credit, uploads_path
from wordpress.models import ImportedItem, OldAddress

# Changing how items are converted changes every fingerprint, so a re-run applies the change.
CONVERSION_VERSION = "1"
MAX_IMAGE_BYTES = 50 * 1024 * 1024
IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".gif", ".webp"}
STATUSES = {
    "publish": Post.Status.PUBLISHED,
    "future": Post.Status.PUBLISHED,  # dated later: scheduled
    "draft": Post.Status.DRAFT,
    "pending": Post.Status.PENDING,
    "private": Post.Status.DRAFT,
}
PROBLEMS_SHOWN = 50
# Posts whose search entries are written together (blog.search.search_index_update), instead of
# three times each (the post, its categories, its tags) by blog.signals.
SEARCH_BATCH = 200


class ImportRefused(Exception):
    """The import cannot start (unreadable file, unknown role …); nothing was changed."""


@dataclass
class Report:
    dry_run: bool = False
    site: wxr.Site | None = None
    # (kind, outcome) → how many; outcome: created, updated, unchanged, skipped.
    counts: Counter = field(default_factory=Counter)
    # kind → reason → how many.
    skipped: dict[str, Counter] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    shortcodes: Counter = field(default_factory=Counter)
    shortcode_posts: dict[str, list[str]] = field(default_factory=dict)
    missing_files: list[str] = field(default_factory=list)
    # What each missing file was (kind, key), for the post that names it to list it again on
    # a re-run; ("", "") when it is no file of the uploads folder.
    missing_keys: list[tuple[str, str]] = field(default_factory=list)
    password_links: list[tuple[str, str, str]] = field(default_factory=list)
    comments: int = 0
    sticky: int = 0
    addresses: int = 0
    # Changes the export's side file made that no count above shows (sources, old addresses …).
    side_changes: int = 0
    notes: list[str] = field(default_factory=list)

    def count(self, kind: str, outcome: str) -> None:
        self.counts[kind, outcome] += 1

    def skip(self, kind: str, reason: str) -> None:
        self.counts[kind, "skipped"] += 1
        self.skipped.setdefault(kind, Counter())[reason] += 1

    def problem(self, text: str) -> None:
        self.problems.append(text)

    def missing(self, line: str, kind: str = "", key: str = "") -> None:
        self.missing_files.append(line)
        self.missing_keys.append((kind, key))

    def nothing_changed(self) -> bool:
        """A run that found everything as an earlier run left it (a re-run)."""
        outcomes = Counter()
        for (_, outcome), n in self.counts.items():
            outcomes[outcome] += n
        return (
            outcomes["unchanged"] > 0
            and not outcomes["created"]
            and not outcomes["updated"]
            and not outcomes["failed"]
            and not self.problems
            and not self.side_changes
        )

    def mark(self) -> tuple:
        """What the report says now, to go back to when an item's savepoint is rolled back
        (its author, terms and pictures are then counted by the item that really brings them)."""
        return (
            Counter(self.counts),
            {kind: Counter(reasons) for kind, reasons in self.skipped.items()},
            Counter(self.shortcodes),
            {name: len(posts) for name, posts in self.shortcode_posts.items()},
            len(self.missing_files),
            len(self.notes),
            self.side_changes,
            len(self.password_links),
            self.addresses,
            self.sticky,
        )

    def restore(self, mark: tuple) -> None:
        (counts, skipped, shortcodes, shortcode_posts, missing, notes, side_changes, links,
         addresses, sticky) = mark  # fmt: skip
        self.counts, self.skipped, self.shortcodes = counts, skipped, shortcodes
        for name in list(self.shortcode_posts):
            if name in shortcode_posts:
                del self.shortcode_posts[name][shortcode_posts[name] :]
            else:
                del self.shortcode_posts[name]
        del self.missing_files[missing:]
        del self.missing_keys[missing:]
        del self.notes[notes:]
        self.side_changes = side_changes
        del self.password_links[links:]
        self.addresses, self.sticky = addresses, sticky

    def lines(self) -> list[str]:
        """The report as a person reads it at the end of the run."""
        out = []
        head = "Dry run: nothing was changed." if self.dry_run else "Import finished."
        if self.site and self.site.title:
            head += f" Source: {self.site.title} ({self.site.link or self.site.base_blog_url})."
        out.append(head)
        if self.nothing_changed():
            verb = "would change" if self.dry_run else "changed"
            out.append(f"  Nothing {verb}: every item is as imported before.")
        kinds = ["author", "category", "tag", "post", "page", "attachment", "upload", "vote"]
        for kind in kinds:
            numbers = {
                o: self.counts[kind, o] for o in ("created", "updated", "unchanged", "skipped")
            }
            if not any(numbers.values()):
                continue
            label = {
                "upload": "other images",
                "attachment": "attachments",
                "category": "categories",
            }.get(kind, kind + "s")
            out.append(
                f"  {label}: {numbers['created']} created, {numbers['updated']} updated, "
                f"{numbers['unchanged']} unchanged, {numbers['skipped']} skipped"
            )
            for reason, n in sorted(self.skipped.get(kind, {}).items(), key=lambda r: -r[1]):
                out.append(f"      skipped {n}: {reason}")
        out.append(f"  old addresses redirecting to posts: {self.addresses}")
        if self.comments:
            out.append(
                f"  comments: {self.comments} not imported (this site has no comments yet; "
                "re-running the import later brings them without duplicating anything)"
            )
        if self.sticky:
            out.append(
                f"  sticky posts: {self.sticky} (this site has no sticky posts; flag not kept)"
            )
        if self.shortcodes:
            out.append("  shortcodes kept as text (WordPress ran them; check these posts):")
            for name, n in self.shortcodes.most_common():
                posts = self.shortcode_posts.get(name, [])
                shown = ", ".join(posts[:5]) + (" …" if len(posts) > 5 else "")
                out.append(f"      [{name}] ×{n}: {shown}")
        if self.missing_files:
            out.append(f"  missing or unreadable image files: {len(self.missing_files)}")
            for name in self.missing_files[:PROBLEMS_SHOWN]:
                out.append(f"      {name}")
            if len(self.missing_files) > PROBLEMS_SHOWN:
                out.append(f"      … and {len(self.missing_files) - PROBLEMS_SHOWN} more")
        if self.problems:
            out.append(f"  problems: {len(self.problems)} item(s) not imported")
            for text in self.problems[:PROBLEMS_SHOWN]:
                out.append(f"      {text}")
            if len(self.problems) > PROBLEMS_SHOWN:
                out.append(f"      … and {len(self.problems) - PROBLEMS_SHOWN} more")
        for note in self.notes:
            out.append(f"  {note}")
        if self.password_links:
            out.append(
                "  set-password links for imported authors (each works once, until "
                "PASSWORD_RESET_TIMEOUT; a re-run prints fresh ones):"
            )
            for login, email, url in self.password_links:
                out.append(f"      {login} <{email or 'no email'}>: {url}")
        return out


@dataclass
class _Attachment:
    wp_id: int
    path: str  # in the uploads folder
    title: str
    alt: str
    caption: str
    description: str
    date: datetime.datetime | None = None  # when it was uploaded to WordPress


_MISSING = object()


class _UndoLog:
    """What the run's caches learnt inside items' savepoints, so that a rolled-back item's
    authors, terms and pictures are forgotten with it: the next item that names them creates
    them again instead of pointing at rows that no longer exist."""

    def __init__(self):
        self.entries: list[tuple[dict, object, object]] = []
        self.depth = 0

    def undo(self, mark: int) -> None:
        for cache, key, old in reversed(self.entries[mark:]):
            if old is _MISSING:
                dict.pop(cache, key, None)
            else:
                dict.__setitem__(cache, key, old)
        del self.entries[mark:]


class _Cache(dict):
    """A dict of the run's that records its changes in the undo log while an item's savepoint
    is open. Every cache of rows written by the run must be one."""

    def __init__(self, log: _UndoLog):
        super().__init__()
        self._log = log

    def __setitem__(self, key, value):
        if self._log.depth:
            self._log.entries.append((self, key, self.get(key, _MISSING)))
        super().__setitem__(key, value)

    def __delitem__(self, key):
        if self._log.depth:
            self._log.entries.append((self, key, self[key]))
        super().__delitem__(key)

    def setdefault(self, key, default=None):
        if key not in self:
            self[key] = default
        return self[key]

    def pop(self, key, *default):
        if key in self:
            value = self[key]
            del self[key]
            return value
        return super().pop(key, *default)

    def update(self, *args, **kwargs):
        for key, value in dict(*args, **kwargs).items():
            self[key] = value


def _digest(*parts) -> str:
    raw = json.dumps([CONVERSION_VERSION, *parts], sort_keys=True, default=str)
    return hashlib.sha256(raw.encode()).hexdigest()


def _clean_slug(raw: str, fallback: str, max_length: int) -> str:
    """WordPress stores non-ASCII slugs percent-encoded (``%e6%97%a5``): decode them."""
    slug = slugify(unquote(raw or "", errors="replace"), allow_unicode=True)[:max_length].strip("-")
    return slug or slugify(fallback, allow_unicode=True)[:max_length].strip("-")


class WordPressImport:
    """One run of the import (see the module docstring); ``run()`` returns the report."""

    def __init__(
        self,
        *,
        source: Path,
        uploads: Path | None = None,
        role: str = CONTRIBUTORS_GROUP,
        pages: bool = False,
        time_zone: str | None = None,
        dry_run: bool = False,
        site_url: str = "",
        extras: Path | None = None,
        progress: Callable[[int, int], None] | None = None,
    ):
        self.source = Path(source)
        self.uploads = Path(uploads).resolve() if uploads else None
        self.pages = pages
        self.dry_run = dry_run
        self.site_url = site_url.rstrip("/")
        self.progress = progress
        self.report = Report(dry_run=dry_run)
        if not self.source.is_file():
            raise ImportRefused(f"No export file at {self.source}.")
        if self.uploads is not None and not self.uploads.is_dir():
            raise ImportRefused(f"No uploads folder at {self.uploads}.")
        # The side file export_blog writes next to its WXR, read when it is there.
        beside = self.source.with_suffix(".jsonl")
        self.extras = Path(extras) if extras else (beside if beside.is_file() else None)
        if self.extras is not None and not self.extras.is_file():
            raise ImportRefused(f"No side file at {self.extras}.")
        self.group = Group.objects.filter(name=role).first()
        if self.group is None:
            names = ", ".join(Group.objects.order_by("name").values_list("name", flat=True))
            raise ImportRefused(f"No role (group) named {role!r}. The roles are: {names}.")
        try:
            self.tz = zoneinfo.ZoneInfo(time_zone) if time_zone else timezone.get_default_timezone()
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
            raise ImportRefused(f"Unknown time zone {time_zone!r}.") from exc
        self.undo_log = _UndoLog()
        self.users: dict[str, int] = self.cache()  # login → user id
        self.categories: dict[str, Category] = self.cache()  # WordPress slug → category
        self.tags: dict[str, Tag] = self.cache()  # WordPress slug → tag
        self.attachments: dict[int, _Attachment] = {}
        self.attachment_paths: dict[str, int] = {}  # uploads path → attachment id
        self.images: dict[tuple[str, str], media.StoredImage | None] = self.cache()
        self.missing_listed: dict[tuple[str, str], bool] = self.cache()
        self.written: list[media.StoredImage] = []
        self.total_items = 0
        self.done_items = 0
        self.current = ""  # the post being imported, named in reports of missing files

    def cache(self) -> dict:
        """A new cache of rows the run writes, forgotten with a rolled-back item (_Cache)."""
        return _Cache(self.undo_log)

    # --- the run ---------------------------------------------------------------------------

    def run(self) -> Report:
        self._survey()
        try:
            with transaction.atomic():
                self._check_constraints_at_once()
                self._import()
                self._check_constraints_at_once(False)
                if self.dry_run:
                    transaction.set_rollback(True)
        except BaseException:
            for image in self.written:
                media.image_discard(image)
            raise
        if self.dry_run:
            for image in self.written:
                media.image_discard(image)
        else:
            # Bulk writes send no signals: cached pages start again from the imported blog.
            content_changed()
            self._password_links()
        return self.report

    @staticmethod
    def _check_constraints_at_once(at_once: bool = True) -> None:
        """PostgreSQL checks foreign keys at COMMIT unless told otherwise: checked at each
        statement during the import, a broken reference fails the item that made it (reported,
        rolled back to its savepoint) instead of the whole run at the end. Deferred again
        after it, for whatever else the transaction holds."""
        connection = transaction.get_connection()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"SET CONSTRAINTS ALL {'IMMEDIATE' if at_once else 'DEFERRED'}")

    def _open(self):
        return self.source.open("rb")

    def _survey(self) -> None:
        """First pass: count the items (for the progress bar) and note every attachment, which
        posts may name before it appears in the file."""
        with self._open() as stream:
            for thing in wxr.read(stream):
                if isinstance(thing, wxr.Site):
                    self.report.site = thing
                elif isinstance(thing, wxr.Item):
                    self.total_items += 1
                    if thing.post_type == "attachment":
                        self._note_attachment(thing)

    def _note_attachment(self, item: wxr.Item) -> None:
        path = item.meta.get("_wp_attached_file") or uploads_path(item.attachment_url) or ""
        path = path.lstrip("/")
        uploaded = self._date(item)
        attachment = _Attachment(
            wp_id=item.wp_id,
            path=path,
            title=item.title,
            alt=item.meta.get("_wp_attachment_image_alt", ""),
            caption=(item.excerpt or "").strip(),
            description=(item.content or "").strip(),
            date=uploaded if uploaded is None or uploaded <= timezone.now() else None,
        )
        self.attachments[item.wp_id] = attachment
        if path:
            self.attachment_paths[path] = item.wp_id

    def _import(self) -> None:
        # On a first import nothing is looked up: only the items this run writes can be found.
        self.kinds_imported = set(ImportedItem.objects.values_list("kind", flat=True).distinct())
        self.keys_written: set[tuple[str, str]] = set()
        # Rows of the posts created since the last batch, written with the batch.
        self.batch_links: list = []
        self.batch_dates: dict[int, datetime.datetime] = {}
        with self._search_in_batches():
            self._read_all()

    @contextmanager
    def _search_in_batches(self):
        """Saved posts are indexed for search by the same function blog.signals calls, once per
        batch of posts rather than once per save and per re-filing; in the same transaction."""
        receivers = [
            (post_save, Post, index_saved_post, "blog.post_saved_search"),
            (m2m_changed, Post.categories.through, index_refiled_post, "blog.categories_search"),
            (m2m_changed, Post.tags.through, index_refiled_post, "blog.tags_search"),
        ]
        for signal, sender, _, uid in receivers:
            signal.disconnect(sender=sender, dispatch_uid=uid)
        self.to_index: set[int] = set()
        try:
            yield
            self._index_now()
        finally:
            for signal, sender, receiver, uid in receivers:
                signal.connect(receiver, sender=sender, dispatch_uid=uid)

    def _index_now(self) -> None:
        self._write_batch()
        if self.to_index:
            search_index_update(post_ids=self.to_index)
            self.to_index = set()

    def _read_all(self) -> None:
        with self._open() as stream:
            for thing in wxr.read(stream):
                if isinstance(thing, wxr.Author):
                    self._in_savepoint("author", thing.login, self._author, thing)
                elif isinstance(thing, wxr.Term):
                    if thing.kind == "category":
                        self._in_savepoint("category", thing.slug, self._category, thing)
                    elif thing.kind == "tag":
                        self._in_savepoint("tag", thing.slug, self._tag, thing)
                elif isinstance(thing, wxr.Item):
                    self._item(thing)
                    if len(self.to_index) >= SEARCH_BATCH:
                        self._index_now()
                    self.done_items += 1
                    if self.progress:
                        self.progress(self.done_items, self.total_items)
        if self.extras is not None:
            from wordpress.extras import SideFile

            self._write_batch()
            SideFile(self, self.extras).apply()

    def _in_savepoint(self, kind: str, label: str, function, *args):
        """One item in its own savepoint: a failure is reported and undone, the run goes on."""
        kept = len(self.written)
        learnt = len(self.undo_log.entries)
        reported = self.report.mark()
        indexed = len(self.to_index)
        self.undo_log.depth += 1
        try:
            with transaction.atomic():
                return function(*args)
        except Exception as exc:  # noqa: BLE001 — any failure of one item is reported
            # Undo everything the item did outside the database too: the pictures it stored,
            # what the caches learnt (rows that are gone now), what the report counted.
            for image in self.written[kept:]:
                media.image_discard(image)
            del self.written[kept:]
            self.undo_log.undo(learnt)
            self.report.restore(reported)
            if len(self.to_index) != indexed:
                self._forget_unsaved_posts()
            self.report.problem(f"{kind} {label}: {type(exc).__name__}: {exc}")
            self.report.counts[kind, "failed"] += 1
            return None
        finally:
            self.undo_log.depth -= 1
            if not self.undo_log.depth:
                del self.undo_log.entries[:]

    def _forget_unsaved_posts(self) -> None:
        """Posts waiting for their search entries that a rolled-back item had saved."""
        waiting = sorted(self.to_index)
        kept = set()
        for start in range(0, len(waiting), 500):
            kept.update(
                Post.objects.filter(pk__in=waiting[start : start + 500]).values_list(
                    "pk", flat=True
                )
            )
        self.to_index.intersection_update(kept)

    # --- authors ---------------------------------------------------------------------------

    def _author(self, author: wxr.Author) -> None:
        login = author.login.strip()
        if not login:
            self.report.skip("author", "no login name")
            return
        User = get_user_model()
        digest = _digest(author.__dict__, self.group.name)
        item = ImportedItem.objects.filter(kind="author", key=login).first()
        user = User.objects.filter(pk=item.object_id).first() if item else None
        if user is not None and item.digest == digest:
            self.users[login] = user.pk
            self.report.count("author", "unchanged")
            return
        outcome = "updated"
        linked_existing = False
        if user is None:
            user = User.objects.filter(username=login[:150]).first()
            if user is None and author.email:
                user = User.objects.filter(email__iexact=author.email).first()
            if user is not None:
                linked_existing = True
                self.report.notes.append(
                    f"author {login} is the existing account {user.get_username()} (kept as it is)"
                )
            else:
                outcome = "created"
                user = User(username=login[:150], is_staff=True)
                user.set_unusable_password()
            if outcome == "created":
                user.email = author.email[:254]
                user.first_name = author.first_name[:150]
                user.last_name = author.last_name[:150]
                user.save()
                user.groups.add(self.group)
        else:
            changed = False
            for attr, value in (
                ("email", author.email[:254]),
                ("first_name", author.first_name[:150]),
                ("last_name", author.last_name[:150]),
            ):
                if value and getattr(user, attr) != value:
                    setattr(user, attr, value)
                    changed = True
            if changed:
                user.save()
        profile = AuthorProfile.objects.filter(user=user).first() or AuthorProfile(user=user)
        if linked_existing and profile.pk:
            display = ""
        else:
            display = (author.display_name or f"{author.first_name} {author.last_name}").strip()
        if display:
            profile.display_name = display[:100]
        if author.description and (outcome == "created" or not profile.bio):
            profile.bio = author.description
        profile.save()
        ImportedItem.objects.update_or_create(
            kind="author",
            key=login,
            defaults={"object_id": user.pk, "digest": digest, "data": {"wp_id": author.wp_id}},
        )
        self.users[login] = user.pk
        self.report.count("author", outcome)

    def _user_for(self, login: str) -> int:
        """The user a post's ``dc:creator`` names; an author missing from the export's list
        is made from the login alone."""
        login = (login or "").strip() or "wordpress"
        if login not in self.users:
            self._author(wxr.Author(wp_id=None, login=login))
        return self.users[login]

    def _password_links(self) -> None:
        """A set-password link for each imported author who has no password yet."""
        User = get_user_model()
        ids = ImportedItem.objects.filter(kind="author").values_list("object_id", flat=True)
        for user in User.objects.filter(pk__in=list(ids)).order_by("username"):
            if user.has_usable_password() or not user.is_active:
                continue
            uid = urlsafe_base64_encode(force_bytes(user.pk))
            token = default_token_generator.make_token(user)
            path = reverse("wordpress:set_password", kwargs={"uidb64": uid, "token": token})
            self.report.password_links.append(
                (user.get_username(), user.email, f"{self.site_url}{path}")
            )

    # --- terms -----------------------------------------------------------------------------

    def _category(self, term: wxr.Term) -> None:
        slug = _clean_slug(term.slug, term.name, 100)
        name = (term.name or slug)[:100]
        digest = _digest(term.__dict__)
        item = ImportedItem.objects.filter(kind="category", key=term.slug).first()
        category = Category.objects.filter(pk=item.object_id).first() if item else None
        if category is not None and item.digest == digest:
            self.categories[term.slug] = category
            self.report.count("category", "unchanged")
            return
        outcome = "updated"
        if category is None:
            category = Category.objects.filter(slug=slug).first()
            outcome = "updated" if category else "created"
        if category is None:
            category = Category(slug=slug)
        taken = Category.objects.filter(name=name).exclude(pk=category.pk).exists()
        if taken:
            # Two WordPress categories of one name under different parents.
            parent = self.categories.get(term.parent_slug)
            name = f"{name} ({parent.name if parent else slug})"[:100]
        category.name = name
        category.description = term.description
        category.save()
        ImportedItem.objects.update_or_create(
            kind="category",
            key=term.slug,
            defaults={
                "object_id": category.pk,
                "digest": digest,
                "data": {"parent": term.parent_slug, "wp_id": term.wp_id},
            },
        )
        self.categories[term.slug] = category
        self.report.count("category", outcome)

    def _tag(self, term: wxr.Term) -> None:
        slug = _clean_slug(term.slug, term.name, 100)
        name = (term.name or slug)[:100]
        digest = _digest(term.__dict__)
        item = ImportedItem.objects.filter(kind="tag", key=term.slug).first()
        tag = Tag.objects.filter(pk=item.object_id).first() if item else None
        if tag is not None and item.digest == digest:
            self.tags[term.slug] = tag
            self.report.count("tag", "unchanged")
            return
        outcome = "updated"
        if tag is None:
            tag = Tag.objects.filter(slug=slug).first() or Tag.objects.filter(name=name).first()
            outcome = "updated" if tag else "created"
        if tag is None:
            tag = Tag(slug=slug, name=name)
        elif not Tag.objects.filter(name=name).exclude(pk=tag.pk).exists():
            tag.name = name
        tag.save()
        ImportedItem.objects.update_or_create(
            kind="tag",
            key=term.slug,
            defaults={"object_id": tag.pk, "digest": digest, "data": {"wp_id": term.wp_id}},
        )
        self.tags[term.slug] = tag
        self.report.count("tag", outcome)

    def _term_for(self, domain: str, nicename: str, name: str):
        """The category or tag a post names (declared at the top of the export or not)."""
        nicename = nicename or slugify(name, allow_unicode=True)
        if domain == "category":
            if nicename not in self.categories:
                self._category(wxr.Term(kind="category", wp_id=None, slug=nicename, name=name))
            return self.categories[nicename]
        if nicename not in self.tags:
            self._tag(wxr.Term(kind="tag", wp_id=None, slug=nicename, name=name))
        return self.tags[nicename]

    # --- pictures --------------------------------------------------------------------------

    def _read_upload(self, relative: str) -> bytes | None:
        """A file of the uploads folder; None (reported) when missing, unreadable, too large or
        outside the folder."""
        if self.uploads is None:
            return None
        candidate = (self.uploads / relative).resolve()
        if not candidate.is_relative_to(self.uploads) or not candidate.is_file():
            return None
        if candidate.stat().st_size > MAX_IMAGE_BYTES:
            return None
        try:
            return candidate.read_bytes()
        except OSError:
            return None

    def _store(
        self,
        *,
        kind: str,
        key: str,
        relative: str,
        alt="",
        caption="",
        credit="",
        owner=None,
        when=None,
    ):
        """The picture from the uploads folder in the library, once per run and once ever."""
        if (kind, key) in self.images:
            return self.images[kind, key]
        item = ImportedItem.objects.filter(kind=kind, key=key).first()
        if item is not None:
            found = media.image_find(pk=item.object_id, name=item.target)
            if found is not None:
                self.report.count(kind, "unchanged")
                self.images[kind, key] = found
                return found
        data = self._read_upload(relative) if relative else None
        if data is None:
            where = f" (in {self.current})" if self.current else ""
            self._missing((relative or f"attachment {key}: no file named") + where, kind, key)
            self.report.skip(
                kind,
                "file missing from the uploads folder"
                if self.uploads
                else "no --uploads folder given",
            )
            self.images[kind, key] = None
            return None
        try:
            stored = media.image_store(
                data=data,
                name=relative,
                uploaded_by=owner,
                alt_text=alt,
                caption=caption,
                credit=credit,
                created_at=when,
            )
        except media.ImageRefused as exc:
            where = f" (in {self.current})" if self.current else ""
            self._missing(f"{relative}{where}: {exc}", kind, key)
            self.report.skip(kind, "not a picture the site accepts")
            self.images[kind, key] = None
            return None
        self.written.append(stored)
        ImportedItem.objects.update_or_create(
            kind=kind,
            key=key,
            defaults={"object_id": stored.pk, "target": stored.name, "data": {"path": relative}},
        )
        self.report.count(kind, "created")
        self.images[kind, key] = stored
        return stored

    def _missing(self, line: str, kind: str = "", key: str = "") -> None:
        """A picture that could not be brought, listed once a run (a re-run lists it again
        for the unchanged post that names it, then not again for its attachment)."""
        if kind and (kind, key) in self.missing_listed:
            return
        if kind:
            self.missing_listed[kind, key] = True
        self.report.missing(line, kind, key)

    def _attachment_image(self, wp_id: int, owner=None):
        attachment = self.attachments.get(wp_id)
        if attachment is None:
            return None, None
        if Path(attachment.path).suffix.lower() not in IMAGE_EXTENSIONS:
            return None, attachment
        caption, credit = split_credit(attachment.caption)
        image = self._store(
            kind="attachment",
            key=str(wp_id),
            relative=attachment.path,
            alt=attachment.alt,
            caption=caption,
            credit=credit,
            owner=owner,
            when=attachment.date,
        )
        return image, attachment

    def _image_for_src(self, src: str, attachment: int | None, owner=None):
        """The picture an address or attachment id names: the attachment when known (also
        by its file), else the file itself from the uploads folder."""
        if attachment and attachment in self.attachments:
            return self._attachment_image(attachment, owner)[0]
        relative = uploads_path(src)
        if relative is None:
            return None
        for candidate in (relative, original_path(relative)):
            if candidate in self.attachment_paths:
                return self._attachment_image(self.attachment_paths[candidate], owner)[0]
        if Path(relative).suffix.lower() not in IMAGE_EXTENSIONS:
            return None
        path = original_path(relative)
        if self._read_upload(path) is None:
            path = relative
        return self._store(kind="upload", key=path[:255], relative=path, owner=owner)

    # --- posts -----------------------------------------------------------------------------

    def _item(self, item: wxr.Item) -> None:
        if item.post_type == "attachment":
            attachment = self.attachments.get(item.wp_id)
            if attachment is None or Path(attachment.path).suffix.lower() not in IMAGE_EXTENSIONS:
                self.report.skip("attachment", "not a picture (the media library holds pictures)")
                return

            def store():
                owner = get_user_model()(pk=self._user_for(item.creator))
                return self._attachment_image(item.wp_id, owner)

            self._in_savepoint("attachment", str(item.wp_id), store)
            return
        if item.post_type == "page" and not self.pages:
            self.report.skip("page", "pages are imported with --pages")
            return
        if item.post_type not in ("post", "page"):
            self.report.skip("post", f"WordPress {item.post_type or 'unknown'} items are not posts")
            return
        kind = item.post_type
        if item.status == "trash":
            self.report.skip(kind, "in WordPress's trash")
            return
        if item.status not in STATUSES:
            self.report.skip(kind, f"status {item.status or 'none'} (revisions and auto-drafts)")
            return
        self.report.comments += item.comments
        self.current = f"{kind} #{item.wp_id}"
        self._in_savepoint(kind, f"#{item.wp_id} {item.title[:60]!r}", self._post, item, kind)
        self.current = ""

    def _date(self, item: wxr.Item) -> datetime.datetime | None:
        gmt = wxr.parse_wp_date(item.post_date_gmt)
        if gmt is not None:
            return gmt.replace(tzinfo=datetime.UTC)
        local = wxr.parse_wp_date(item.post_date)
        if local is not None:
            return timezone.make_aware(local, self.tz)
        return None

    def _post(self, item: wxr.Item, kind: str) -> None:
        key = str(item.wp_id)
        terms = sorted(item.terms)
        thumbnail = item.meta.get("_thumbnail_id", "")
        digest = _digest(
            item.title, item.content, item.excerpt, item.post_date, item.post_date_gmt,
            item.post_name, item.status, item.creator, terms, thumbnail, item.password,
            item.link, item.guid,
        )  # fmt: skip
        imported = self._imported(kind, key)
        post = Post.objects.filter(pk=imported.object_id).first() if imported else None
        if item.is_sticky:
            self.report.sticky += 1
        if post is not None:
            # Imported before the uploads folder was given: now its pictures can come.
            images_now = (
                imported.data.get("missing_images")
                and not imported.data.get("with_uploads")
                and self.uploads is not None
            )
            if imported.digest == digest and not images_now:
                self.report.count(kind, "unchanged")
                if self.extras is None:  # else counted with the side file's addresses
                    self.report.addresses += post.wordpress_addresses.count()
                self._still_missing(imported.data, f"{kind} #{item.wp_id}")
                return
            if imported.version is not None and post.version != imported.version:
                self.report.skip(kind, "edited on this site since the last import (kept)")
                return
        outcome = "updated" if post is not None else "created"
        post = post or Post()
        author_id = self._user_for(item.creator)
        post.author_id = author_id
        post.title = (wxr_text(item.title) or "(no title)")[:200]
        post.excerpt = wxr_text(re.sub(r"<[^>]+>", "", item.excerpt or ""))

        status = STATUSES[item.status]
        when = self._date(item)
        if item.password and status == Post.Status.PUBLISHED:
            status = Post.Status.DRAFT
            self.report.notes.append(
                f"{kind} #{item.wp_id} {item.title[:60]!r} was password-protected: kept as a draft"
            )
        post.status = status
        if status == Post.Status.PUBLISHED:
            post.published_at = when or timezone.now()
        elif outcome == "created":
            post.published_at = None

        owner = get_user_model()(pk=author_id)
        missing_before = len(self.report.missing_files)

        def resolve(*, src, attachment, alt, caption, credit, figure, width="", height=""):
            image = self._image_for_src(src, attachment, owner)
            if image is None:
                return None
            if figure is None:  # a link to the file
                return image.url
            if figure:
                return media.figure_source(image, alt=alt, caption=caption, credit=credit)
            tag = media.inline_source(image, alt=alt)
            if width.isdigit() and height.isdigit():
                tag = re.sub(
                    r' width="\d+" height="\d+"', f' width="{width}" height="{height}"', tag
                )
            return tag

        converted = convert_body(item.content, resolve_image=resolve)
        post.body = converted.body
        for name in converted.shortcodes:
            self.report.shortcodes[name] += 1
            listed = self.report.shortcode_posts.setdefault(name, [])
            label = f"#{item.wp_id}"
            if label not in listed:
                listed.append(label)

        featured = None
        if thumbnail.isdigit():
            featured, attachment = self._attachment_image(int(thumbnail), owner)
            if featured is not None:
                caption, credit = split_credit(attachment.caption)
                media.featured_set(
                    post=post, image=featured, alt=attachment.alt, caption=caption, credit=credit
                )
            elif attachment is None:
                self._missing(
                    f"featured image of post #{item.wp_id}: attachment {thumbnail} is not "
                    "in the export"
                )

        post.slug = self._slug(item, post)
        post.save()
        categories = [self._term_for(d, n, t) for d, n, t in terms if d == "category"]
        tags = [self._term_for(d, n, t) for d, n, t in terms if d == "post_tag"]
        links = self._file(post, categories, tags, created=outcome == "created")
        self.to_index.add(post.pk)
        self._addresses(item, post, when)
        imported = imported or ImportedItem(kind=kind, key=key)
        imported.object_id = post.pk
        imported.digest = digest
        imported.version = post.version
        imported.data = {
            "guid": item.guid,
            "link": item.link,
            "missing_images": len(self.report.missing_files) - missing_before,
            "missing": [
                [kind_, key_, line]
                for (kind_, key_), line in zip(
                    self.report.missing_keys[missing_before:],
                    self.report.missing_files[missing_before:],
                    strict=True,
                )
            ][:PROBLEMS_SHOWN],
            "with_uploads": self.uploads is not None,
            "wp_status": item.status,
        }
        imported.save()
        self.keys_written.add((kind, key))
        # Last, once nothing of the post can fail: a post rolled back leaves no row behind.
        self.batch_links += links
        if outcome == "created" and when is not None:
            self.batch_dates[post.pk] = when
        self.report.count(kind, outcome)

    def _still_missing(self, data: dict, label: str) -> None:
        """The pictures an unchanged post could not have when it was imported, listed again."""
        listed = data.get("missing")
        if listed is None:  # imported before the names were kept
            if data.get("missing_images"):
                self._missing(f"{data['missing_images']} picture(s) of {label}")
            return
        for kind, key, line in listed:
            self._missing(line, kind, key)

    def _write_batch(self) -> None:
        """The category and tag links of the posts created since the last batch (one insert
        per table) and their WordPress dates of creation (one update)."""
        by_model: dict[type, list] = {}
        for row in self.batch_links:
            by_model.setdefault(type(row), []).append(row)
        for model, rows in by_model.items():
            model.objects.bulk_create(rows, batch_size=500)
        if self.batch_dates:
            Post.objects.filter(pk__in=list(self.batch_dates)).update(
                created_at=Case(
                    *(When(pk=pk, then=Value(when)) for pk, when in self.batch_dates.items()),
                    output_field=Post._meta.get_field("created_at"),
                )
            )
        self.batch_links, self.batch_dates = [], {}

    def _imported(self, kind: str, key: str) -> ImportedItem | None:
        """The record of an item imported before, without a query when there can be none."""
        if kind not in self.kinds_imported and (kind, key) not in self.keys_written:
            return None
        return ImportedItem.objects.filter(kind=kind, key=key).first()

    def _file(self, post: Post, categories: list, tags: list, *, created: bool) -> list:
        """The post's categories and tags, written to the link tables directly rather than
        through ``set()``, whose signals would each stamp the post and refresh it: the run
        indexes the post for search, the post's save has stamped its card and collected its
        related-posts refresh (which reads the links after commit), and the page cache moves
        when the run ends. A new post's links are returned, to be written with the batch (before
        its search entry); an existing post's are changed at once."""
        links, tagged = Post.categories.through, Post.tags.through
        post_type = ContentType.objects.get_for_model(Post)
        new_links = [links(post_id=post.pk, category_id=pk) for pk in {c.pk for c in categories}]
        new_tagged = [
            tagged(content_type=post_type, object_id=post.pk, tag_id=pk)
            for pk in {tag.pk for tag in tags}
        ]
        if created:
            return new_links + new_tagged
        for model, rows, filters, column in (
            (links, new_links, {"post": post}, "category_id"),
            (tagged, new_tagged, {"content_type": post_type, "object_id": post.pk}, "tag_id"),
        ):
            mine = model.objects.filter(**filters)
            current = set(mine.values_list(column, flat=True))
            wanted = {getattr(row, column) for row in rows}
            if current - wanted:
                mine.filter(**{f"{column}__in": current - wanted}).delete()
            model.objects.bulk_create([row for row in rows if getattr(row, column) not in current])
        return []

    def _slug(self, item: wxr.Item, post: Post) -> str:
        """WordPress's slug kept exactly, so ``/<year>/<month>/<slug>/`` still answers; a slug
        another post of this site already has (or had) is made unique and reported."""
        wanted = _clean_slug(item.post_name, item.title, 200) or "post"
        others = Post.objects.exclude(pk=post.pk)
        clash = (
            others.filter(slug=wanted).exists()
            or PostRedirect.objects.filter(old_slug=wanted).exclude(post_id=post.pk).exists()
        )
        if not clash:
            return wanted
        slug = unique_slug(wanted, taken=others)
        self.report.notes.append(
            f"post #{item.wp_id}: the address {wanted!r} belongs to another post here; "
            f"the post is at {slug!r} (its old links redirect there)"
        )
        return slug

    def _addresses(self, item: wxr.Item, post: Post, when: datetime.datetime | None) -> None:
        """Every other address the post had on WordPress leads to it. An export of this site
        (with its side file) keeps its addresses, and brings its old ones in the side file."""
        if self.extras is not None:
            return
        keys = {f"/?p={item.wp_id}"}
        if item.post_type == "page":
            keys.add(f"/?page_id={item.wp_id}")
        slug = unquote(item.post_name or "", errors="replace").lower()
        local = wxr.parse_wp_date(item.post_date)
        if slug:
            keys.add(f"/{slug}/")
            if local is not None:
                keys.add(f"/{local:%Y/%m/%d}/{slug}/")
                keys.add(f"/{local:%Y/%m}/{slug}/")
                keys.add(f"/{local:%Y}/{slug}/")
                keys.add(f"/archives/{item.wp_id}/")
        for url in (item.link, item.guid):
            if url and urlsplit(url).scheme in ("http", "https", ""):
                key = address_key(url)
                if key:
                    keys.add(key)
        canonical = address_key(post.get_absolute_url())
        keys.discard(canonical)
        existing = dict(OldAddress.objects.filter(path__in=keys).values_list("path", "post_id"))
        mine = [k for k in keys if existing.get(k, post.pk) == post.pk]
        OldAddress.objects.bulk_create(
            [OldAddress(path=k, post=post) for k in mine if k not in existing]
        )
        self.report.addresses += len(mine)


def wxr_text(value: str) -> str:
    """Titles and excerpts as text: WordPress keeps some characters as entities."""
    return html.unescape(value or "").strip()
