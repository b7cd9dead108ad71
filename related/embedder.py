"""Embeddings off the request: with the semantic signal on, the one-post refresh after commit
updates the lists from the words, tags and categories at once and hands the post to a small
background thread of the process, which encodes it (the slow part: a fraction of a second to
seconds per post on a CPU), stores the embedding and then lets the post's list and its
neighbours' lists gain the semantic candidates.

One thread per process, started on first use (again in a forked child), with a bounded queue
(``RELATED_POSTS_SEMANTIC_QUEUE``, default 1000 posts): a post queued twice is encoded once, and
a post that finds the queue full is left out, with a warning. At exit the thread finishes what
is queued for at most ``RELATED_POSTS_SEMANTIC_DRAIN_SECONDS`` (default 30). An encoder that
fails is logged and never fails the editor's save. Whatever was left out, lost at exit or failed
is computed by the next ``manage.py rebuild_related``, which stores every missing or stale
embedding.
"""

from __future__ import annotations

import atexit
import logging
import os
import queue
import threading
import time
from collections.abc import Iterable

from django.conf import settings
from django.db import connections

logger = logging.getLogger(__name__)

BATCH = 16  # posts encoded together when several are waiting
_STOP = object()


def queue_size() -> int:
    return int(getattr(settings, "RELATED_POSTS_SEMANTIC_QUEUE", 1000))


def drain_seconds() -> float:
    return float(getattr(settings, "RELATED_POSTS_SEMANTIC_DRAIN_SECONDS", 30))


class Embedder:
    """The process's background encoder: ``submit`` from the request, ``drain`` to wait."""

    def __init__(self):
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._queue: queue.Queue | None = None
        self._thread: threading.Thread | None = None
        self._pid: int | None = None
        self._waiting: set[int] = set()  # queued, not yet taken by the thread
        self._unfinished = 0  # queued or being processed
        self._exit_hook = False

    def submit(self, post_ids: Iterable[int]) -> int:
        """Queue posts for encoding; returns how many were queued (not already waiting)."""
        post_ids = list(post_ids)
        if not post_ids:
            return 0
        queued = 0
        with self._lock:
            self._start()
            for post_id in post_ids:
                if post_id in self._waiting:
                    continue
                try:
                    self._queue.put_nowait(post_id)
                except queue.Full:
                    logger.warning(
                        "Related posts: the embedding queue is full; post %s is left to the "
                        "next `manage.py rebuild_related`.",
                        post_id,
                    )
                    continue
                self._waiting.add(post_id)
                self._unfinished += 1
                queued += 1
        return queued

    def drain(self, timeout: float | None = None) -> bool:
        """Wait until every queued post is processed; False when ``timeout`` ran out first."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._idle:
            while self._unfinished and self._pid == os.getpid():
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return False
                self._idle.wait(remaining)
        return True

    def stop(self, timeout: float | None = None) -> None:
        """Finish what is queued (for at most ``timeout`` seconds), then end the thread."""
        with self._lock:
            thread, work = self._thread, self._queue
            if thread is None or not thread.is_alive() or self._pid != os.getpid():
                return
            self._thread = None
        timeout = drain_seconds() if timeout is None else timeout
        try:
            work.put(_STOP, timeout=timeout)
        except queue.Full:
            return
        thread.join(timeout)
        if thread.is_alive():
            logger.warning(
                "Related posts: embeddings still queued at exit are left to the next "
                "`manage.py rebuild_related`."
            )

    # --- the thread ---------------------------------------------------------------------------

    def _start(self) -> None:
        """Start the thread unless it runs in this process (called holding the lock)."""
        if self._thread is not None and self._thread.is_alive() and self._pid == os.getpid():
            return
        # A forked child inherits the parent's queue but not its thread: start afresh.
        self._queue = queue.Queue(maxsize=queue_size())
        self._waiting, self._unfinished, self._pid = set(), 0, os.getpid()
        self._thread = threading.Thread(
            target=self._run, args=(self._queue,), name="related-embeddings", daemon=True
        )
        self._thread.start()
        if not self._exit_hook:
            atexit.register(self.stop)
            self._exit_hook = True

    def _run(self, work: queue.Queue) -> None:
        stopping = False
        while not stopping:
            batch = []
            item = work.get()
            while True:
                if item is _STOP:
                    stopping = True
                else:
                    batch.append(item)
                if stopping or len(batch) >= BATCH:
                    break
                try:
                    item = work.get_nowait()
                except queue.Empty:
                    break
            if not batch:
                continue
            with self._lock:
                self._waiting.difference_update(batch)  # saved again from now on: queued again
            try:
                process(batch)
            finally:
                with self._idle:
                    self._unfinished = max(0, self._unfinished - len(batch))
                    if not self._unfinished:
                        self._idle.notify_all()


def process(post_ids: list[int]) -> None:
    """Encode the posts' texts and refresh the lists of those whose embedding changed; never
    raises (the thread lives on, the rebuild computes what failed)."""
    from blog.models import Post
    from core.pagecache import content_changed
    from related import semantic, services

    try:
        if not semantic.enabled():
            return
        published = list(
            Post.objects.filter(pk__in=post_ids, status=Post.Status.PUBLISHED).values_list(
                "pk", flat=True
            )
        )
        refreshed = semantic.embed_post_ids(published)
        for post_id in refreshed:
            services.related_refresh_meaning(post_id=post_id)
        if refreshed:
            content_changed(fragments=False)  # post pages show the new lists
    except Exception:
        logger.exception(
            "Related posts: computing the embeddings of posts %s failed; the next "
            "`manage.py rebuild_related` computes them.",
            post_ids,
        )
    finally:
        connections.close_all()  # this thread's own connections


embedder = Embedder()
