"""The full rebuild: term statistics, every post's entry and every list, in bulk.

Posts are streamed in chunks (their text is never all in memory, only their vectors), and the
index and the lists are written chunk by chunk. Entries and lists come from the same functions
as the one-post path (``related.index``, ``related.candidates``, ``related.lists``), so a rebuild
that keeps the statistics reproduces exactly the lists kept up to date one post at a time.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator

from django.db import connection, reset_queries, transaction
from django.utils import timezone

from blog.models import Post
from core.pagecache import content_changed
from related import conf, semantic
from related.candidates import MemoryPostings, scored_candidates, with_meaning
from related.index import Statistics as IndexStatistics
from related.index import (
    chunks,
    documents,
    entry_for,
    signature,
    stamp_of,
    statistics_row,
    term_rows,
)
from related.lists import Overrides, build_list, overrides_of, replace_lists
from related.models import CorpusStatistics, PostIndex, PostTerm, RelatedPost, TermStat
from related.scoring import reason, squared_rarities

Progress = Callable[[str, int, int], None]

NO_OVERRIDES = Overrides()

# Rebuilds of at least this many posts refresh the database's planner statistics afterwards.
ANALYZE_FROM_POSTS = 1000


def _published_id_batches(chunk_size: int) -> Iterator[list[int]]:
    ids = (
        Post.objects.filter(status=Post.Status.PUBLISHED)
        .order_by("pk")
        .values_list("pk", flat=True)
        .iterator(chunk_size=chunk_size)
    )
    return chunks(ids, chunk_size)


def related_rebuild(
    *,
    chunk_size: int = 1000,
    progress: Progress | None = None,
    keep_statistics: bool = False,
    embed: bool = True,
) -> int:
    """Recompute the term statistics (unless ``keep_statistics``), every published post's index
    entry and every stored list; returns the number of posts indexed. With the semantic signal
    on, the missing and stale embeddings are computed first (unless ``embed`` is false: the
    automatic rebuild after a save leaves them to the background thread and uses those
    stored)."""
    given = progress or (lambda stage, done, total: None)

    def report(stage: str, done: int, total: int) -> None:
        # With DEBUG on, Django keeps the SQL of the last 9,000 queries; a rebuild's bulk inserts
        # would hold hundreds of megabytes of it.
        reset_queries()
        given(stage, done, total)

    weights = conf.weights()
    published = Post.objects.filter(status=Post.Status.PUBLISHED)
    total = published.count()

    # Every write below holds the statistics row, as one-post refreshes do, so they never
    # interleave with one inside a transaction.
    # Forget posts that are no longer published (pins stay: an editor's choice outlives them).
    with transaction.atomic():
        statistics_row(lock=True)
        PostIndex.objects.exclude(post_id__in=published.values("pk")).delete()
        PostTerm.objects.exclude(post__status=Post.Status.PUBLISHED).delete()
        RelatedPost.objects.exclude(post__status=Post.Status.PUBLISHED).delete()
        RelatedPost.objects.exclude(related__status=Post.Status.PUBLISHED).filter(
            pinned=False
        ).delete()

    # Pass 1: the term statistics, or those in force.
    row = statistics_row()
    if keep_statistics:
        df = dict(TermStat.objects.values_list("term", "df"))
        n = row.posts
    else:
        df = Counter()
        n = 0
        for batch in _published_id_batches(chunk_size):
            for doc in documents(batch):
                df.update(doc.terms(doc.counts(weights)))
            n += len(batch)
            report("counting terms", n, total)
        with transaction.atomic():
            row = statistics_row(lock=True)
            TermStat.objects.all().delete()
            TermStat.objects.bulk_create(
                (TermStat(term=t, df=c) for t, c in df.items()), batch_size=5000
            )
            row.posts, row.taken_at = n, timezone.now()
            row.save(update_fields=["posts", "taken_at"])
    stats = IndexStatistics(df=df, n=n, stamp=stamp_of(row))

    # Pass 2: every post's entry, written to the index and kept in memory for pass 3.
    memory = MemoryPostings()
    names: dict[str, str] = {}
    done = 0
    for batch in _published_id_batches(chunk_size):
        index_rows, rows = [], []
        for doc in documents(batch):
            counts = doc.counts(weights)
            entry = entry_for(doc, counts, stats, weights)
            memory.add(doc.pk, entry.vector, entry.lookup)
            names.update(doc.names)
            index_rows.append(
                PostIndex(post_id=doc.pk, signature=signature(doc, counts, weights, stats.stamp))
            )
            rows += term_rows(doc.pk, entry)
        with transaction.atomic():
            statistics_row(lock=True)
            PostIndex.objects.filter(post_id__in=batch).delete()
            PostIndex.objects.bulk_create(index_rows, batch_size=1000)
            PostTerm.objects.filter(post_id__in=batch).delete()
            PostTerm.objects.bulk_create(rows, batch_size=2000)
        done += len(batch)
        report("indexing", done, total)
    del df
    rarities2 = squared_rarities(memory.terms(), stats.df, stats.n)
    use_meaning = semantic.enabled()
    if use_meaning and embed:  # embeddings of new and changed posts, in batches
        done = 0
        for batch in chunks(memory.post_ids(), chunk_size):
            semantic.embed_posts(batch)
            done += len(batch)
            report("embedding", done, total)
    if use_meaning:
        semantic.fill_vector_index()  # pgvector's table, when the database has the extension

    # Pass 3: every post's list, by the same rules as the one-post path.
    stored_count = conf.stored_count()
    post_ids = memory.post_ids()
    done = 0
    for chunk in chunks(post_ids, chunk_size):
        overrides = overrides_of(chunk)
        near = semantic.neighbours(semantic.stored_vectors(chunk)) if use_meaning else {}
        rows = []
        for post_id in chunk:
            vector = memory.vector(post_id)
            own = overrides.get(post_id, NO_OVERRIDES)
            found = scored_candidates(
                post_id=post_id,
                vector=vector,
                lookup=memory.lookup(post_id),
                rarities2=rarities2,
                postings=memory,
                # Enough of the best for the list whatever its pins and exclusions take.
                keep=stored_count + len(own.excluded) + len(own.pins),
            )
            if post_id in near:
                found = with_meaning(
                    found,
                    vector=vector,
                    rarities2=rarities2,
                    postings=memory,
                    near=near[post_id],
                )
            rows += build_list(
                post_id,
                found.scores,
                lambda other, v=vector, f=found: reason(
                    v,
                    f.shared[other],
                    rarities2=rarities2,
                    names=names,
                    meaning=f.meaning.get(other),
                ),
                own,
            )
        with transaction.atomic():
            statistics_row(lock=True)
            replace_lists(chunk, rows)
        done += len(chunk)
        report("scoring", done, total)
    with transaction.atomic():
        statistics_row(lock=True)
        CorpusStatistics.objects.filter(pk=1).update(indexed_posts=len(post_ids))
    if len(post_ids) >= ANALYZE_FROM_POSTS:
        _refresh_planner_statistics()
    content_changed()
    return len(post_ids)


def _refresh_planner_statistics() -> None:
    """After a bulk load the planner's statistics are stale and PostgreSQL cannot use
    index-only scans until the visibility map is set: without this, the inverted-index look-up
    of the next incremental updates is several times slower."""
    tables = [m._meta.db_table for m in (PostTerm, RelatedPost, TermStat, PostIndex)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            verb = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
            cursor.execute(f"{verb} {', '.join(tables)}")
        elif connection.vendor == "sqlite":
            for table in tables:
                cursor.execute(f"ANALYZE {table}")
