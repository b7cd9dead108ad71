"""Autosaves: what a user typed in a post's form and has not saved, kept on the server.

The form sends its text fields every ``INTERVAL_SECONDS`` when they changed and when the user
leaves the page. Each user has one autosave per post (and one for a post not created yet); it
never changes the post. Coming back, the user restores or discards it; a successful save of the
form clears it.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from blog.models import Post, PostAutosave

INTERVAL_SECONDS = 30

# The fields kept, with the most characters each may hold (the post's own limits; generous ones
# for the texts without).
FIELD_LIMITS = {
    "title": 200,
    "slug": 200,
    "excerpt": 20_000,
    "body": 400_000,
    "featured_image_alt": 200,
    "featured_image_caption": 300,
    "featured_image_credit": 200,
    "source_name": 200,
    "source_url": 500,
    "tags": 2_000,
}
# Refused before the body is read (multipart overhead included).
MAX_REQUEST_BYTES = 512 * 1024
# Sent by the form with the fields, never stored.
CONTROL_FIELDS = {"csrfmiddlewaretoken", "base_version"}


class AutosaveRefused(Exception):
    """The autosave request is not one the form sends (the message says why)."""


def autosave_parse(data) -> tuple[dict[str, str], int | None]:
    """The fields to keep and the version the form was opened at, from a request's POST data;
    anything else, a repeated field, a NUL character or an over-long text is refused."""
    unknown = sorted(set(data.keys()) - set(FIELD_LIMITS) - CONTROL_FIELDS)
    if unknown:
        raise AutosaveRefused(f"Unknown fields: {', '.join(unknown)[:200]}.")
    fields = {}
    for name, limit in FIELD_LIMITS.items():
        values = data.getlist(name)
        if not values:
            continue
        if len(values) > 1:
            raise AutosaveRefused(f"The field {name} was sent more than once.")
        value = values[0]
        if "\x00" in value:
            raise AutosaveRefused(f"The field {name} holds a NUL character.")
        if len(value) > limit:
            raise AutosaveRefused(f"The field {name} is longer than {limit} characters.")
        fields[name] = value
    if not fields:
        raise AutosaveRefused("Nothing to autosave: no field of the post form was sent.")
    base_version = data.get("base_version") or None
    if base_version is not None:
        if not base_version.isdigit() or len(base_version) > 9:
            raise AutosaveRefused("The version the form was opened at is not a number.")
        base_version = int(base_version)
    return fields, base_version


def autosave_store(
    *, user, post: Post | None, data: dict[str, str], base_version: int | None
) -> PostAutosave:
    """Keep ``data`` as ``user``'s autosave of ``post`` (of a new post when None), replacing the
    previous one; the post itself is untouched."""
    defaults = {"data": data, "base_version": base_version, "saved_at": timezone.now()}
    try:
        with transaction.atomic():
            autosave, _ = PostAutosave.objects.update_or_create(
                user=user, post=post, defaults=defaults
            )
    except IntegrityError:
        # Two autosaves of the same form crossed; the second updates the row the first made.
        PostAutosave.objects.filter(user=user, post=post).update(**defaults)
        autosave = PostAutosave.objects.get(user=user, post=post)
    return autosave


def autosave_for(*, user, post: Post | None) -> PostAutosave | None:
    """``user``'s autosave of ``post`` (of a new post when None), if any."""
    return PostAutosave.objects.filter(user=user, post=post).first()


def autosave_discard(*, user, post: Post | None) -> None:
    """Forget ``user``'s autosave of ``post`` (of a new post when None)."""
    PostAutosave.objects.filter(user=user, post=post).delete()
