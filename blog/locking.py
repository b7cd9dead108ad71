"""No save silently undoes another, and editors see who else has a post open.

* **Optimistic locking.** ``Post.version`` grows by one on every save. A form carries the version
  it was opened at; ``version_conflict`` reads the current one under a row lock (the admin's save
  runs in the same transaction), so a save based on an older version is refused even when two
  arrive at the same instant. Nothing is blocked while people type.
* **Editing notices.** The change form records that its user has the post open and refreshes
  that every ``HEARTBEAT_SECONDS`` while open; others opening the form within ``EDITING_WINDOW``
  see "<name> is editing this post (opened N minutes ago)". Stored in the database, so every
  worker process and app server sees the same, with or without Redis.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from blog.models import Post, PostEditingPresence

HEARTBEAT_SECONDS = 30
EDITING_WINDOW = timedelta(seconds=HEARTBEAT_SECONDS * 4)


def version_conflict(*, post_id: int, opened_version: int) -> int | None:
    """The post's current version when it is not ``opened_version`` (someone saved since the
    form was opened), else None. Locks the row until the transaction ends."""
    current = (
        Post.objects.select_for_update()
        .filter(pk=post_id)
        .values_list("version", flat=True)
        .first()
    )
    if current is None or current == opened_version:
        return None
    return current


@dataclass(frozen=True)
class Editor:
    name: str
    opened_minutes: int

    @property
    def notice(self) -> str:
        if self.opened_minutes < 1:
            when = "opened less than a minute ago"
        elif self.opened_minutes == 1:
            when = "opened 1 minute ago"
        else:
            when = f"opened {self.opened_minutes} minutes ago"
        return f"{self.name} is editing this post ({when})."


def editing_touch(*, post: Post, user) -> None:
    """Record that ``user`` has ``post``'s form open now (a new opening when the last sign of
    life is older than the window)."""
    now = timezone.now()
    still_open = PostEditingPresence.objects.filter(
        post=post, user=user, seen_at__gte=now - EDITING_WINDOW
    ).update(seen_at=now)
    if not still_open:
        PostEditingPresence.objects.bulk_create(
            [PostEditingPresence(post=post, user=user, opened_at=now, seen_at=now)],
            update_conflicts=True,
            unique_fields=["post", "user"],
            update_fields=["opened_at", "seen_at"],
        )


def editing_release(*, post: Post, user) -> None:
    """``user`` closed or saved ``post``'s form."""
    PostEditingPresence.objects.filter(post=post, user=user).delete()


def others_editing(*, post: Post, user) -> list[Editor]:
    """Who else has had ``post``'s form open within the window, longest open first."""
    now = timezone.now()
    rows = (
        PostEditingPresence.objects.filter(post=post, seen_at__gte=now - EDITING_WINDOW)
        .exclude(user=user)
        .select_related("user")
        .order_by("opened_at")
    )
    return [
        Editor(
            name=row.user.get_full_name() or row.user.get_username(),
            opened_minutes=int((now - row.opened_at).total_seconds() // 60),
        )
        for row in rows
    ]
