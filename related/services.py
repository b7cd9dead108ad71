"""Writes after one post changes: index it, refresh its list and its neighbours' lists, withdraw
it, recompute a list. Each runs in one transaction holding the statistics row, so index updates
run one at a time.

Only posts with status "published" are indexed, whatever their date: a scheduled post gets its
own list and may enter its neighbours' lists as soon as it is saved, and the page shows it only
when ``Post.objects.published()`` says its time has come. Spare rows (``conf.stored_count``) keep
the visible list full meanwhile.

When the number of indexed posts has drifted too far from the term statistics, the change that
made them stale is followed by a full rebuild (small blogs) or a logged notice (large blogs run
``rebuild_related`` on a schedule).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import transaction
from taggit.models import Tag

from blog.models import Category, Post
from related import conf, semantic
from related.candidates import DatabasePostings, scored_candidates, with_meaning
from related.index import (
    chunks,
    count_indexed,
    documents,
    entry_for,
    signature,
    stamp_of,
    statistics_for,
    statistics_row,
    statistics_stale,
    stored_entry,
    term_rows,
)
from related.lists import (
    RECOMPUTE,
    UNCHANGED,
    Overrides,
    absorb,
    build_list,
    overrides_of,
    replace_lists,
    stored_lists,
)
from related.models import PostIndex, PostTerm, RelatedPost
from related.rebuild import related_rebuild
from related.scoring import (
    CATEGORY_PREFIX,
    TAG_PREFIX,
    category_term,
    reason,
    squared_rarities,
    tag_term,
)

logger = logging.getLogger(__name__)


def related_refresh_for_post(*, post_id: int) -> None:
    """Index a post after it was saved and update its own list and the lists of the posts that
    should now list it or stop listing it; only its candidates are touched, never all posts."""
    with transaction.atomic():
        row = statistics_row(lock=True)
        post = Post.objects.filter(pk=post_id).values("status").first()
        if post is None or post["status"] != Post.Status.PUBLISHED:
            _withdraw(post_id, neighbour_ids=())
        else:
            _index_and_list(post_id, row)
        row.refresh_from_db()
        rebuild = _stale_and_small(row)
    if rebuild:
        _rebuild_while_stale()


def related_withdraw_post(*, post_id: int, neighbour_ids: Iterable[int] = ()) -> None:
    """Take a post that is no longer published (or deleted) out of the index and out of every
    list it was in; lists it leaves short are recomputed, so they fill up again. A deleted post's
    rows are already gone with it: ``neighbour_ids`` names the lists it was in."""
    with transaction.atomic():
        row = statistics_row(lock=True)
        _withdraw(post_id, neighbour_ids=neighbour_ids)
        row.refresh_from_db()
        rebuild = _stale_and_small(row)
    if rebuild:
        _rebuild_while_stale()


def related_recompute_list(*, post_id: int) -> None:
    """Recompute one post's stored list (after an editor changed its pins or exclusions)."""
    with transaction.atomic():
        statistics_row(lock=True)
        if PostIndex.objects.filter(post_id=post_id).exists():
            _recompute_lists([post_id])
        else:
            RelatedPost.objects.filter(post_id=post_id).delete()


def related_refresh_meaning(*, post_id: int) -> None:
    """After a post's embedding was stored (off the request, ``related.embedder``): its own
    list and its neighbours' lists gain the posts close to it in meaning."""
    with transaction.atomic():
        row = statistics_row(lock=True)
        if not PostIndex.objects.filter(post_id=post_id).exists():
            return  # withdrawn meanwhile
        entry = stored_entry(post_id)
        stats = statistics_for(entry.vector, row)
        _list_and_neighbours(post_id, entry, stats, _names_for(entry.vector))


# --- steps ------------------------------------------------------------------------------------


def _index_and_list(post_id: int, row) -> None:
    """Index the post (unless it is indexed exactly like this already) and update the lists."""
    weights = conf.weights()
    (doc,) = documents([post_id])
    counts = doc.counts(weights)
    sig = signature(doc, counts, weights, stamp_of(row))
    index = PostIndex.objects.filter(post_id=post_id).first()
    if index is not None and index.signature == sig:
        return
    stats = statistics_for(doc.terms(counts), row)
    entry = entry_for(doc, counts, stats, weights)
    PostTerm.objects.filter(post_id=post_id).delete()
    PostTerm.objects.bulk_create(term_rows(post_id, entry))
    if index is None:
        PostIndex.objects.create(post_id=post_id, signature=sig)
        count_indexed(+1)
    else:
        index.signature = sig
        index.save(update_fields=["signature", "updated_at"])
    _list_and_neighbours(post_id, entry, stats, doc.names)


def _list_and_neighbours(post_id: int, entry, stats, names: dict[str, str]) -> None:
    """Store the indexed post's own list and bring it into or out of its neighbours' lists."""
    found, rarities2 = _candidates(post_id, entry, stats)

    def why(owner_vector, other_vector, other):
        return reason(
            owner_vector,
            other_vector,
            rarities2=rarities2,
            names=names,
            meaning=found.meaning.get(other),
        )

    own = build_list(
        post_id,
        found.scores,
        lambda other: why(entry.vector, found.shared[other], other),
        overrides_of([post_id]).get(post_id, Overrides()),
    )
    # Lists the post may enter (it scores enough with them) or leave (they list it now).
    floor = conf.min_score()
    close = {other for other, score in found.scores.items() if score >= floor}
    _update_neighbours(
        post_id,
        (close | _listing(post_id)) - {post_id},
        scores=found.scores,
        reason_for=lambda owner: why(found.shared[owner], entry.vector, owner),
        own_rows=own,
    )


def _withdraw(post_id: int, *, neighbour_ids: Iterable[int]) -> None:
    if PostIndex.objects.filter(post_id=post_id).delete()[0]:
        count_indexed(-1)
    PostTerm.objects.filter(post_id=post_id).delete()
    RelatedPost.objects.filter(post_id=post_id).delete()
    _update_neighbours(
        post_id,
        _listing(post_id),
        scores={},
        reason_for=lambda owner: "",
        recompute=neighbour_ids,
    )


def _update_neighbours(
    post_id: int,
    owners: set[int],
    *,
    scores: dict[int, float],
    reason_for,
    own_rows: list[RelatedPost] | None = None,
    recompute: Iterable[int] = (),
) -> None:
    """Bring ``post_id`` into or out of the stored lists of ``owners`` at its new score with
    each (absent: no longer a candidate), store its own new list if given, and recompute the
    lists that cannot tell (and those named in ``recompute``)."""
    recompute = set(recompute)
    overrides = overrides_of(owners)
    current = stored_lists(owners)
    changed, rows = ([post_id], list(own_rows)) if own_rows is not None else ([], [])
    for owner in sorted(set(owners) - recompute):
        score = scores.get(owner)
        result = absorb(
            owner=owner,
            stored=current.get(owner, []),
            changed=post_id,
            score=score,
            reason=reason_for(owner) if score is not None else "",
            overrides=overrides.get(owner, Overrides()),
        )
        if result == RECOMPUTE:
            recompute.add(owner)
        elif result != UNCHANGED:
            changed.append(owner)
            rows += result
    replace_lists(changed, rows)
    if recompute:
        _recompute_lists(recompute)


def _listing(post_id: int) -> set[int]:
    """The posts whose lists suggest ``post_id`` (pins aside: a pin stays, whatever happens to
    the pinned post)."""
    return set(
        RelatedPost.objects.filter(related_id=post_id, pinned=False).values_list(
            "post_id", flat=True
        )
    )


def _recompute_lists(post_ids: Iterable[int]) -> None:
    """Recompute the stored lists of indexed posts from the inverted index."""
    post_ids = sorted(set(post_ids))
    indexed = set(PostIndex.objects.filter(post_id__in=post_ids).values_list("post_id", flat=True))
    row = statistics_row()
    overrides = overrides_of(indexed)
    rows: list[RelatedPost] = []
    for post_id in sorted(indexed):
        entry = stored_entry(post_id)
        found, rarities2 = _candidates(post_id, entry, statistics_for(entry.vector, row))
        names = _names_for(entry.vector)
        rows += build_list(
            post_id,
            found.scores,
            lambda other, e=entry, f=found, r=rarities2, n=names: reason(
                e.vector, f.shared[other], rarities2=r, names=n, meaning=f.meaning.get(other)
            ),
            overrides.get(post_id, Overrides()),
        )
    replace_lists(post_ids, rows)


def _candidates(post_id: int, entry, stats):
    """The post's candidates from the database's inverted index, scored exactly, and the
    rarities they were scored with."""
    rarities2 = squared_rarities(entry.vector, stats.df, stats.n)
    postings = DatabasePostings()
    found = scored_candidates(
        post_id=post_id,
        vector=entry.vector,
        lookup=entry.lookup,
        rarities2=rarities2,
        postings=postings,
    )
    if semantic.enabled():
        own = semantic.stored_vectors([post_id]).get(post_id)
        if own is not None:
            found = with_meaning(
                found,
                vector=entry.vector,
                rarities2=rarities2,
                postings=postings,
                near=semantic.neighbours({post_id: own})[post_id],
            )
    return found, rarities2


def _names_for(terms: Iterable[str]) -> dict[str, str]:
    """Display names of tag and category terms, for the reasons shown to editors."""
    tags = [t[len(TAG_PREFIX) :] for t in terms if t.startswith(TAG_PREFIX)]
    cats = [t[len(CATEGORY_PREFIX) :] for t in terms if t.startswith(CATEGORY_PREFIX)]
    names = {
        tag_term(slug): name
        for slug, name in Tag.objects.filter(slug__in=tags).values_list("slug", "name")
    }
    names.update(
        {
            category_term(slug): name
            for slug, name in Category.objects.filter(slug__in=cats).values_list("slug", "name")
        }
    )
    return names


def _rebuild_while_stale() -> None:
    """Rebuild in one transaction holding the statistics row, unless another process did it
    while this one waited: small blogs only, where that takes a few seconds (embeddings are
    left to the background thread: encoding is slow)."""
    with transaction.atomic():
        row = statistics_row(lock=True)
        if _stale_and_small(row):
            related_rebuild(embed=False)


def related_rebuild_instead(post_ids: Iterable[int]) -> bool:
    """After a transaction that changed many posts: when refreshing them one at a time (in the
    order of their ids, as after a commit) would end in a full rebuild, rebuild at once and
    return True; the caller then skips the one-post refreshes. They would change nothing: the
    rebuild indexes every post as it is and recomputes every list, whatever the refreshes
    before it wrote, and after it each refresh finds its post indexed exactly like this.
    Otherwise change nothing and return False."""
    post_ids = sorted(set(post_ids))
    with transaction.atomic():
        row = statistics_row(lock=True)
        published, indexed = set(), set()
        for batch in chunks(post_ids):
            published.update(
                Post.objects.filter(pk__in=batch, status=Post.Status.PUBLISHED).values_list(
                    "pk", flat=True
                )
            )
            indexed.update(
                PostIndex.objects.filter(post_id__in=batch).values_list("post_id", flat=True)
            )
        # What each refresh does to the count of indexed posts, and whether it is then
        # followed by a rebuild (``related_refresh_for_post``).
        for post_id in post_ids:
            if post_id in published and post_id not in indexed:
                row.indexed_posts += 1
            elif post_id not in published and post_id in indexed:
                row.indexed_posts -= 1
            if _rebuild_due(row):
                related_rebuild(embed=False)
                return True
    return False


def _rebuild_due(row) -> bool:
    return statistics_stale(row) and row.indexed_posts <= conf.auto_rebuild_max_posts()


def _stale_and_small(row) -> bool:
    """Whether the statistics are stale and the blog small enough to rebuild right away; a
    large blog with stale statistics is logged instead."""
    if not statistics_stale(row):
        return False
    if _rebuild_due(row):
        return True
    logger.info(
        "Related posts: term statistics counted on %s posts, %s indexed now; run "
        "`manage.py rebuild_related` to refresh them.",
        row.posts,
        row.indexed_posts,
    )
    return False
