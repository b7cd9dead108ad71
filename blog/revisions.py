"""Post revisions: every save of a post is kept, with who saved it, when and why.

The one rule for code that writes posts: **save inside** ``recording()``::

    from blog import revisions

    with revisions.recording(user=request.user, comment="Submitted for review"):
        post.status = Post.Status.PENDING
        post.save()

Everything saved in the block (posts, their categories, tags and image fields) becomes one
revision by ``user`` with ``comment``. Blocks nest: an inner block joins the outer one, and the
innermost user and comment given win. A save outside any block leaves no revision.

Revisions are stored by django-reversion: a revision groups the versions of every object saved
together, so a post's version sits beside the taggit rows (and their tags) it had at that moment;
Django's serializer leaves taggit's field out, so the post follows them (``Post.tagged_items``).
Restoring never rewrites history: the old content is saved again, as a new revision.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import reversion
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from reversion.models import Version
from taggit.models import Tag, TaggedItem

from blog.models import Category, Post
from blog.textdiff import FieldDiff, field_diff
from images.models import Image

# What "restore" brings back: the content. Status, publication date, author and address stay as
# they are — publishing and moving a post are decisions of their own, with their own rules.
RESTORED_FIELDS = (
    "title",
    "excerpt",
    "body",
    "featured_image",
    "featured_image_width",
    "featured_image_height",
    "featured_image_alt",
    "featured_image_caption",
    "featured_image_credit",
    "source_name",
    "source_url",
)

# The fields compared on the diff page, in the form's order: (name, label, multiline).
COMPARED_TEXTS = (
    ("title", "Title", False),
    ("slug", "Slug", False),
    ("excerpt", "Excerpt", True),
    ("body", "Body", True),
    ("featured_image", "Featured image", False),
    ("featured_image_alt", "Image description (alt)", False),
    ("featured_image_caption", "Image caption", False),
    ("featured_image_credit", "Image credit", False),
    ("source_name", "Source name", False),
    ("source_url", "Source address", False),
    ("categories", "Categories", False),
    ("tags", "Tags", False),
    ("status", "Status", False),
    ("published_at", "Publication date", False),
)


def register() -> None:
    """Put posts under revision control, following their tag rows and tags (from
    ``BlogConfig.ready``)."""
    if reversion.is_registered(Post):
        return
    reversion.register(Post, exclude=("tags",), follow=("tagged_items",))
    if not reversion.is_registered(TaggedItem):
        reversion.register(TaggedItem, follow=("tag",))
    if not reversion.is_registered(Tag):
        reversion.register(Tag)


@contextmanager
def recording(*, user, comment: str = "") -> Iterator[None]:
    """Every post saved in the block becomes part of one revision by ``user`` (None for the
    system) with ``comment``; the block is one transaction."""
    with reversion.create_revision():
        if user is not None and getattr(user, "is_authenticated", False):
            reversion.set_user(user)
        if comment:
            reversion.set_comment(comment)
        yield


def set_comment(comment: str) -> None:
    """Name why the revision being recorded is made, when that is known only inside the block
    (the admin's form knows which fields changed only once it is valid)."""
    reversion.set_comment(comment)


def add_comment(comment: str) -> None:
    """Add to the comment of the revision being recorded: a workflow step taken with a save of
    the form reads "Changed body. Submitted for review."."""
    earlier = reversion.get_comment()
    reversion.set_comment(f"{earlier} {comment}" if earlier else comment)


def post_versions(post: Post):
    """The post's versions, newest first, with their revision and its author (one query)."""
    return (
        Version.objects.get_for_object(post)
        .select_related("revision", "revision__user")
        .order_by("-revision__date_created", "-pk")
    )


def post_version(post: Post, version_id: int) -> Version | None:
    """The version ``version_id`` if it is one of this post's, else None."""
    return post_versions(post).filter(pk=version_id).first()


def post_version_numbered(post: Post, number: int, *, within: int = 30) -> Version | None:
    """The revision that left ``post`` at version ``number`` (``Post.version``), looked for
    among its latest ``within`` revisions."""
    for version in post_versions(post)[:within]:
        if version.field_dict.get("version") == number:
            return version
    return None


def who(user) -> str:
    """How a revision's author is named: full name, else username; nobody for the system."""
    if user is None:
        return "the system"
    return user.get_full_name() or user.get_username()


@dataclass
class Snapshot:
    """A post's content as it was in one revision (or as it is now)."""

    texts: dict[str, str]
    category_ids: list[int] = field(default_factory=list)
    tag_names: list[str] = field(default_factory=list)
    image: str = ""
    fields: dict = field(default_factory=dict)


def _as_text(name: str, value) -> str:
    if value is None:
        return ""
    if name == "published_at":
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""
    if name == "status":
        return str(Post.Status(value).label) if value in Post.Status.values else str(value)
    return str(getattr(value, "name", value) or "")


def _snapshot(fields: dict, category_ids, tag_names, category_names) -> Snapshot:
    texts = {name: _as_text(name, fields.get(name)) for name, _, _ in COMPARED_TEXTS}
    texts["categories"] = ", ".join(
        category_names.get(pk, f"(deleted category #{pk})") for pk in category_ids
    )
    texts["tags"] = ", ".join(tag_names)
    return Snapshot(
        texts=texts,
        category_ids=list(category_ids),
        tag_names=list(tag_names),
        image=texts["featured_image"],
        fields=fields,
    )


def version_snapshot(version: Version, *, category_names: dict[int, str]) -> Snapshot:
    """The post as stored in ``version``: its fields, and the tags of the same revision."""
    fields = dict(version.field_dict)
    post_id = int(version.object_id)
    return _snapshot(
        fields,
        fields.get("categories", []),
        _revision_tag_names(version, post_id),
        category_names,
    )


def _revision_tag_names(version: Version, post_id: int) -> list[str]:
    types = ContentType.objects.get_for_models(Post, TaggedItem, Tag)
    rows = version.revision.version_set.filter(
        content_type__in=[types[TaggedItem], types[Tag]]
    ).order_by("pk")
    items, tags = [], {}
    for row in rows:
        data = row.field_dict
        if row.content_type_id == types[TaggedItem].id:
            if data["object_id"] == post_id and data["content_type_id"] == types[Post].id:
                items.append(data["tag_id"])
        else:
            tags[data["id"]] = data["name"]
    return sorted((tags.get(tag_id, f"(tag #{tag_id})") for tag_id in items), key=str.lower)


def current_snapshot(post: Post, *, category_names: dict[int, str]) -> Snapshot:
    """The post as it is in the database now."""
    names = {n for n, _, _ in COMPARED_TEXTS} - {"categories", "tags"}
    fields = {name: getattr(post, name) for name in names | set(RESTORED_FIELDS)}
    category_ids = list(post.categories.order_by("name").values_list("pk", flat=True))
    tag_names = sorted(post.tags.values_list("name", flat=True), key=str.lower)
    return _snapshot(fields, category_ids, tag_names, category_names)


def category_names_for(*versions: Version, post: Post | None = None) -> dict[int, str]:
    """Names of the categories named by these versions and of the post's current ones (one
    query); a category deleted since is missing."""
    ids = set()
    for version in versions:
        ids.update(version.field_dict.get("categories", []))
    wanted = Q(pk__in=ids)
    if post is not None:
        wanted |= Q(posts=post)
    return dict(Category.objects.filter(wanted).distinct().values_list("pk", "name"))


def snapshot_diff(old: Snapshot, new: Snapshot) -> list[FieldDiff]:
    """Every compared field from ``old`` to ``new``, changed ones marked."""
    return [
        field_diff(name, label, old.texts[name], new.texts[name], multiline=multiline)
        for name, label, multiline in COMPARED_TEXTS
    ]


class RestoreRefused(Exception):
    """The revision cannot be restored as asked (the message says why)."""


@dataclass
class RestoreResult:
    post: Post
    left_out: list[str]


def revision_label(version: Version) -> str:
    """A revision as people name it: "the revision of 2026-05-01 10:42 by Ada Lovelace"."""
    when = timezone.localtime(version.revision.date_created).strftime("%Y-%m-%d %H:%M")
    return f"the revision of {when} by {who(version.revision.user)}"


def post_revision_restore(
    *, post: Post, version: Version, user, expected_version: int | None = None
) -> RestoreResult:
    """Save the content of an old revision of ``post`` again, as a new revision by ``user``:
    history is never rewritten. Only the content comes back (``RESTORED_FIELDS``, categories that
    still exist, tags — new tags only for users who may add tags); status, publication date,
    author and address stay. Refused when the post changed since ``expected_version``."""
    if version.object_id != str(post.pk) or version.content_type.model_class() is not Post:
        raise RestoreRefused("This revision belongs to another post.")
    category_names = category_names_for(version)
    old = version_snapshot(version, category_names=category_names)
    label = revision_label(version)
    left_out = []
    with transaction.atomic(), recording(user=user, comment=f"Restored {label}."):
        current = Post.objects.select_for_update().get(pk=post.pk)
        if expected_version is not None and current.version != expected_version:
            raise RestoreRefused(
                "This post was saved again since you looked at the differences. Check them "
                "again before restoring."
            )
        # A version from before the media library has no library picture: keep the current one.
        if "featured_id" in old.fields:
            featured = old.fields["featured_id"]
            if featured and not Image.objects.filter(pk=featured).exists():
                left_out.append("the featured picture, deleted from the media library since then")
                featured = None
            current.featured_id = featured
        for name in RESTORED_FIELDS:
            value = old.fields.get(name)
            if name == "featured_image":
                value = getattr(value, "name", value) or ""
            elif value is None and name not in ("featured_image_width", "featured_image_height"):
                value = ""
            setattr(current, name, value)
        current.save()
        categories = list(Category.objects.filter(pk__in=old.category_ids))
        if len(categories) < len(old.category_ids):
            left_out.append("categories deleted since then")
        current.categories.set(categories)
        names = old.tag_names
        if not user.has_perm("taggit.add_tag"):
            known = dict(
                Tag.objects.annotate(folded=Lower("name"))
                .filter(folded__in={n.lower() for n in names})
                .values_list("folded", "name")
            )
            missing = [n for n in names if n.lower() not in known]
            if missing:
                left_out.append("tags deleted since then: " + ", ".join(missing))
            names = [known[n.lower()] for n in names if n.lower() in known]
        current.tags.set(names, clear=True)
    return RestoreResult(post=current, left_out=left_out)
