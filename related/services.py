"""Writes of the related-posts engine: index a post, refresh its list and its neighbours' lists,
withdraw a post, rebuild everything.

Only posts with status "published" are indexed, whatever their date: a scheduled post gets its
own list and may enter its neighbours' lists as soon as it is saved, and the page shows it only
when ``Post.objects.published()`` says its time has come. Spare rows (``conf.stored_count``) keep
the visible list full meanwhile.
"""

from __future__ import annotations

import hashlib
import heapq
import logging
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Case, F, FloatField, Sum, Value, When
from django.db.models.functions import Greatest

from blog.models import Post
from related import conf
from related.models import PostIndex, PostTerm, RelatedPost, RelatedPostOverride, TermStat
from related.scoring import (
    build_vector,
    category_term,
    rarity,
    reason,
    similarity,
    tag_term,
)
from related.text import field_counts

logger = logging.getLogger(__name__)

IN_CHUNK = 500  # keeps IN (...) lists under every backend's parameter limit
PINNED_REASON = "pinned by an editor"

Progress = Callable[[str, int, int], None]


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    batch: list = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


# --- reading documents ------------------------------------------------------------------------


def _documents(post_ids: list[int]) -> list[dict]:
    """Title, excerpt, body, tag and category terms of the posts (three queries)."""
    docs = {
        pk: {"pk": pk, "title": title, "excerpt": excerpt, "body": body, "tags": [], "cats": []}
        for pk, title, excerpt, body in Post.objects.filter(pk__in=post_ids).values_list(
            "pk", "title", "excerpt", "body"
        )
    }
    names: dict[str, str] = {}
    content_type = ContentType.objects.get_for_model(Post)
    for object_id, slug, name in Post.tags.through.objects.filter(
        content_type=content_type, object_id__in=post_ids
    ).values_list("object_id", "tag__slug", "tag__name"):
        if object_id in docs:
            term = tag_term(slug)
            docs[object_id]["tags"].append(term)
            names[term] = name
    for post_id, slug, name in Post.categories.through.objects.filter(
        post_id__in=post_ids
    ).values_list("post_id", "category__slug", "category__name"):
        term = category_term(slug)
        docs[post_id]["cats"].append(term)
        names[term] = name
    for doc in docs.values():
        doc["names"] = names
    return [docs[pk] for pk in post_ids if pk in docs]


def _counts(doc: dict, weights: dict) -> dict[str, float]:
    return field_counts(
        title=doc["title"], excerpt=doc["excerpt"], body=doc["body"], weights=weights
    )


def _signature(counts: dict, doc: dict, weights: dict) -> str:
    payload = repr((sorted(counts.items()), sorted(doc["tags"]), sorted(doc["cats"]), weights))
    return hashlib.sha1(payload.encode()).hexdigest()


# --- document frequencies ---------------------------------------------------------------------


def _adjust_df(*, added: set[str], removed: set[str]) -> None:
    for batch in _chunks(sorted(added), IN_CHUNK):
        TermStat.objects.bulk_create([TermStat(term=t, df=0) for t in batch], ignore_conflicts=True)
        TermStat.objects.filter(term__in=batch).update(df=F("df") + 1)
    for batch in _chunks(sorted(removed), IN_CHUNK):
        TermStat.objects.filter(term__in=batch).update(df=Greatest(F("df") - 1, 0))


def _df(terms: Iterable[str]) -> dict[str, int]:
    df: dict[str, int] = {}
    for batch in _chunks(terms, IN_CHUNK):
        df.update(TermStat.objects.filter(term__in=batch).values_list("term", "df"))
    return df


# A pseudo-term every indexed post carries: its document frequency is the number of indexed
# posts, kept up to date by the same increments as every other term (no COUNT(*) per refresh).
ALL_POSTS = "#all"


def _indexed_count() -> int:
    return TermStat.objects.filter(term=ALL_POSTS).values_list("df", flat=True).first() or 0


# --- candidates and lists ---------------------------------------------------------------------


def _rarities(df: dict[str, int], n: int) -> dict[str, float]:
    return {t: rarity(d, n) for t, d in df.items()}


def _query_terms(
    vector: dict[str, float], df: dict[str, int], n: int, rarities: dict[str, float]
) -> dict[str, float]:
    """The post's most telling terms that are selective enough to look candidates up with,
    each with its weight times its rarity squared."""
    max_df = conf.max_df(n)
    usable = [
        (w * rarities.get(t, 1.0) ** 2, t) for t, w in vector.items() if 1 < df.get(t, 1) <= max_df
    ]
    return {t: w for w, t in heapq.nlargest(conf.query_terms(), usable)}


def _scores(
    post_id: int, vector: dict[str, float], df: dict[str, int], n: int, rarities: dict
) -> tuple[dict[int, float], dict[int, dict[str, float]]]:
    """Exact similarity of the post with its best candidates, found through the inverted index,
    and the terms each candidate shares with it (two queries)."""
    query = _query_terms(vector, df, n, rarities)
    if not query:
        return {}, {}
    weight_of_term = Case(
        *[When(term=t, then=Value(w)) for t, w in query.items()], output_field=FloatField()
    )
    candidates = list(
        PostTerm.objects.filter(term__in=list(query))
        .exclude(post_id=post_id)
        .values("post_id")
        .annotate(partial=Sum(F("weight") * weight_of_term))
        .order_by("-partial", "post_id")
        .values_list("post_id", flat=True)[: conf.candidate_count()]
    )
    shared: dict[int, dict[str, float]] = {pk: {} for pk in candidates}
    for batch in _chunks(list(vector), IN_CHUNK):
        for pk, term, weight in PostTerm.objects.filter(
            post_id__in=candidates, term__in=batch
        ).values_list("post_id", "term", "weight"):
            shared[pk][term] = weight
    return {pk: similarity(vector, terms, rarities) for pk, terms in shared.items()}, shared


def _list_rows(
    post_id: int,
    vector: dict[str, float],
    scores: dict[int, float],
    shared: dict[int, dict[str, float]],
    names: dict[str, str],
    overrides: list[tuple[int, str]],
    rarities: dict[str, float],
) -> list[RelatedPost]:
    """The post's stored list: editor pins first, then the best-scoring posts above the minimum,
    without excluded posts."""
    pins = [other for other, kind in overrides if kind == RelatedPostOverride.Kind.PIN]
    excluded = {other for other, kind in overrides if kind == RelatedPostOverride.Kind.EXCLUDE}
    floor = conf.min_score()
    best = heapq.nlargest(
        max(conf.stored_count() - len(pins), 0),
        (
            (score, -pk)
            for pk, score in scores.items()
            if score >= floor and pk not in excluded and pk not in pins
        ),
    )
    rows = [
        RelatedPost(
            post_id=post_id,
            related_id=other,
            score=scores.get(other, 0.0),
            pinned=True,
            reason=PINNED_REASON,
        )
        for other in pins
    ]
    rows += [
        RelatedPost(
            post_id=post_id,
            related_id=-neg_pk,
            score=score,
            reason=reason(vector, shared.get(-neg_pk, {}), rarities=rarities, names=names),
        )
        for score, neg_pk in best
    ]
    for rank, row in enumerate(rows, start=1):
        row.rank = rank
    return rows


def _overrides(post_ids: Iterable[int]) -> dict[int, list[tuple[int, str]]]:
    result: dict[int, list[tuple[int, str]]] = {}
    for batch in _chunks(post_ids, IN_CHUNK):
        for post_id, other, kind in (
            RelatedPostOverride.objects.filter(post_id__in=batch)
            .order_by("position", "pk")
            .values_list("post_id", "other_id", "kind")
        ):
            result.setdefault(post_id, []).append((other, kind))
    return result


def _replace_lists(post_ids: Iterable[int], rows: list[RelatedPost]) -> None:
    for batch in _chunks(post_ids, IN_CHUNK):
        RelatedPost.objects.filter(post_id__in=batch).delete()
    RelatedPost.objects.bulk_create(rows, batch_size=1000)


def _stored_vector(post_id: int) -> dict[str, float]:
    return dict(PostTerm.objects.filter(post_id=post_id).values_list("term", "weight"))


def _names_for(terms: Iterable[str]) -> dict[str, str]:
    """Display names of tag and category terms, for the reasons shown to editors."""
    from taggit.models import Tag

    from blog.models import Category
    from related.scoring import CATEGORY_PREFIX, TAG_PREFIX

    tags = [t[len(TAG_PREFIX) :] for t in terms if t.startswith(TAG_PREFIX)]
    cats = [t[len(CATEGORY_PREFIX) :] for t in terms if t.startswith(CATEGORY_PREFIX)]
    names = {
        tag_term(s): n for s, n in Tag.objects.filter(slug__in=tags).values_list("slug", "name")
    }
    names.update(
        {
            category_term(s): n
            for s, n in Category.objects.filter(slug__in=cats).values_list("slug", "name")
        }
    )
    return names


def _recompute_lists(post_ids: Iterable[int]) -> None:
    """Recompute the stored lists of indexed posts from the inverted index."""
    post_ids = list(post_ids)
    indexed = set(PostIndex.objects.filter(post_id__in=post_ids).values_list("post_id", flat=True))
    n = _indexed_count()
    overrides = _overrides(indexed)
    rows: list[RelatedPost] = []
    for post_id in sorted(indexed):
        vector = _stored_vector(post_id)
        df = _df(vector)
        rarities = _rarities(df, n)
        scores, shared = _scores(post_id, vector, df, n, rarities)
        names = _names_for(vector)
        rows += _list_rows(
            post_id, vector, scores, shared, names, overrides.get(post_id, []), rarities
        )
    _replace_lists(post_ids, rows)


# --- services ---------------------------------------------------------------------------------


@transaction.atomic
def related_recompute_list(*, post_id: int) -> None:
    """Recompute one post's stored list (after an editor changed its pins or exclusions)."""
    if PostIndex.objects.filter(post_id=post_id).exists():
        _recompute_lists([post_id])
    else:
        RelatedPost.objects.filter(post_id=post_id).delete()


@transaction.atomic
def related_withdraw_post(*, post_id: int, neighbour_ids: Iterable[int] = ()) -> None:
    """Take a post that is no longer published (or deleted) out of the index and out of every
    list; lists it leaves one short are recomputed, so they fill up again."""
    index = PostIndex.objects.filter(post_id=post_id).first()
    if index is not None:
        _adjust_df(added=set(), removed=set(index.terms.split()))
        index.delete()
    PostTerm.objects.filter(post_id=post_id).delete()
    RelatedPost.objects.filter(post_id=post_id).delete()
    listing = Counter(
        RelatedPost.objects.filter(related_id=post_id).values_list("post_id", flat=True)
    )
    neighbours = set(neighbour_ids) | set(listing)
    RelatedPost.objects.filter(related_id=post_id).delete()
    if neighbours:
        _recompute_lists(neighbours)


@transaction.atomic
def related_refresh_for_post(*, post_id: int) -> None:
    """Index a post after it was saved and update its own list and the lists of the posts that
    should now list it or stop listing it; only its candidates are touched, never all posts."""
    post = Post.objects.filter(pk=post_id).values("status").first()
    if post is None or post["status"] != Post.Status.PUBLISHED:
        related_withdraw_post(post_id=post_id)
        return
    weights = conf.weights()
    (doc,) = _documents([post_id])
    counts = _counts(doc, weights)
    signature = _signature(counts, doc, weights)
    index = PostIndex.objects.filter(post_id=post_id).first()
    if index is not None and index.signature == signature:
        return  # already indexed exactly like this (several signals fire for one save)
    terms = set(counts) | set(doc["tags"]) | set(doc["cats"]) | {ALL_POSTS}
    old_terms = set(index.terms.split()) if index else set()
    _adjust_df(added=terms - old_terms, removed=old_terms - terms)
    if index is None:
        PostIndex.objects.create(
            post_id=post_id, terms=" ".join(sorted(terms)), signature=signature
        )
    else:
        index.terms, index.signature = " ".join(sorted(terms)), signature
        index.save(update_fields=["terms", "signature", "updated_at"])
    df = _df(terms)
    n = df.get(ALL_POSTS, 1)
    vector = build_vector(
        counts=counts,
        tag_terms=doc["tags"],
        category_terms=doc["cats"],
        df=df,
        n=n,
        weights=weights,
        terms_per_post=conf.terms_per_post(),
    )
    PostTerm.objects.filter(post_id=post_id).delete()
    PostTerm.objects.bulk_create(
        [PostTerm(post_id=post_id, term=t, weight=w) for t, w in vector.items()]
    )
    rarities = _rarities(df, n)
    scores, shared = _scores(post_id, vector, df, n, rarities)
    names = doc["names"]
    own_overrides = _overrides([post_id]).get(post_id, [])
    own_rows = _list_rows(post_id, vector, scores, shared, names, own_overrides, rarities)
    _update_neighbours(post_id, vector, scores, shared, names, own_rows, rarities)


def _update_neighbours(
    post_id: int,
    vector: dict[str, float],
    scores: dict[int, float],
    shared: dict[int, dict[str, float]],
    names: dict[str, str],
    own_rows: list[RelatedPost],
    rarities: dict[str, float],
) -> None:
    """Merge the post into (or out of) the lists of the posts it scores with; the score is
    symmetric, so the neighbours' other rows stay valid and need no recomputation."""
    floor = conf.min_score()
    capacity = conf.stored_count()
    close = {pk for pk, score in scores.items() if score >= floor}
    current: dict[int, list[RelatedPost]] = {}
    listing = set(RelatedPost.objects.filter(related_id=post_id).values_list("post_id", flat=True))
    affected = close | listing
    for batch in _chunks(sorted(affected), IN_CHUNK):
        for row in RelatedPost.objects.filter(post_id__in=batch).order_by("rank"):
            current.setdefault(row.post_id, []).append(row)
    excluded_by = set(
        RelatedPostOverride.objects.filter(
            other_id=post_id, kind=RelatedPostOverride.Kind.EXCLUDE
        ).values_list("post_id", flat=True)
    )
    changed: list[int] = [post_id]
    rows: list[RelatedPost] = list(own_rows)
    recompute: list[int] = []
    for pk in sorted(affected):
        old = current.get(pk, [])
        pinned = [r for r in old if r.pinned]
        pinned_ids = {r.related_id for r in pinned}
        scored = [(r.score, -r.related_id, r.reason) for r in old if not r.pinned]
        was_full = len(old) >= capacity
        kept = [s for s in scored if -s[1] != post_id]
        lost = len(kept) < len(scored)
        score = scores.get(pk, 0.0)
        if score >= floor and pk not in excluded_by and post_id not in pinned_ids:
            kept.append(
                (score, -post_id, reason(shared[pk], vector, rarities=rarities, names=names))
            )
        kept = heapq.nlargest(max(capacity - len(pinned), 0), kept)
        if lost and was_full and len(pinned) + len(kept) < capacity:
            recompute.append(pk)  # the list may have a better replacement than the spares
            continue
        new = [(s, -neg, why) for s, neg, why in kept]
        if [(r.score, r.related_id) for r in old if not r.pinned] == [(s, o) for s, o, _ in new]:
            continue
        changed.append(pk)
        for rank, row in enumerate(pinned, start=1):
            rows.append(
                RelatedPost(
                    post_id=pk,
                    related_id=row.related_id,
                    score=row.score,
                    rank=rank,
                    pinned=True,
                    reason=row.reason,
                )
            )
        for rank, (s, other, why) in enumerate(new, start=len(pinned) + 1):
            rows.append(RelatedPost(post_id=pk, related_id=other, score=s, rank=rank, reason=why))
    _replace_lists(changed, rows)
    if recompute:
        _recompute_lists(recompute)


# --- rebuild ----------------------------------------------------------------------------------


def _published_id_batches(chunk_size: int) -> Iterator[list[int]]:
    ids = (
        Post.objects.filter(status=Post.Status.PUBLISHED)
        .order_by("pk")
        .values_list("pk", flat=True)
        .iterator(chunk_size=chunk_size)
    )
    return _chunks(ids, chunk_size)


def related_rebuild(*, chunk_size: int = 1000, progress: Progress | None = None) -> int:
    """Recompute the index and every stored list from scratch, streaming posts in chunks (their
    text is never all in memory; only compact numeric vectors are); returns the post count."""
    report = progress or (lambda stage, done, total: None)
    weights = conf.weights()
    published = Post.objects.filter(status=Post.Status.PUBLISHED)
    total = published.count()

    # Forget posts that are no longer published.
    with transaction.atomic():
        PostIndex.objects.exclude(post_id__in=published.values("pk")).delete()
        PostTerm.objects.exclude(post__status=Post.Status.PUBLISHED).delete()
        RelatedPost.objects.exclude(post__status=Post.Status.PUBLISHED).delete()
        RelatedPost.objects.exclude(related__status=Post.Status.PUBLISHED).delete()

    # Pass 1: document frequencies.
    df: Counter = Counter()
    done = 0
    for batch in _published_id_batches(chunk_size):
        for doc in _documents(batch):
            df.update(set(_counts(doc, weights)) | set(doc["tags"]) | set(doc["cats"]))
            df[ALL_POSTS] += 1
        done += len(batch)
        report("counting terms", done, total)
    n = max(done, 1)
    with transaction.atomic():
        TermStat.objects.all().delete()
        TermStat.objects.bulk_create(
            (TermStat(term=t, df=c) for t, c in df.items()), batch_size=5000
        )

    # Pass 2: vectors, written to the inverted index and kept as compact arrays for pass 3.
    term_ids: dict[str, int] = {}
    term_names: list[str] = []
    post_ids = array("q")
    vec_terms: list[array] = []
    vec_weights: list[array] = []
    postings: dict[int, tuple[array, array]] = {}
    names: dict[str, str] = {}
    done = 0
    terms_per_post = conf.terms_per_post()
    for batch in _published_id_batches(chunk_size):
        index_rows, term_rows = [], []
        for doc in _documents(batch):
            counts = _counts(doc, weights)
            terms = set(counts) | set(doc["tags"]) | set(doc["cats"]) | {ALL_POSTS}
            vector = build_vector(
                counts=counts,
                tag_terms=doc["tags"],
                category_terms=doc["cats"],
                df=df,
                n=n,
                weights=weights,
                terms_per_post=terms_per_post,
            )
            names.update(doc["names"])
            index_rows.append(
                PostIndex(
                    post_id=doc["pk"],
                    terms=" ".join(sorted(terms)),
                    signature=_signature(counts, doc, weights),
                )
            )
            idx = len(post_ids)
            post_ids.append(doc["pk"])
            t_arr, w_arr = array("I"), array("f")
            for term, weight in vector.items():
                term_rows.append(PostTerm(post_id=doc["pk"], term=term, weight=weight))
                tid = term_ids.get(term)
                if tid is None:
                    tid = term_ids[term] = len(term_names)
                    term_names.append(term)
                t_arr.append(tid)
                w_arr.append(weight)
                plist = postings.get(tid)
                if plist is None:
                    plist = postings[tid] = (array("I"), array("f"))
                plist[0].append(idx)
                plist[1].append(weight)
            vec_terms.append(t_arr)
            vec_weights.append(w_arr)
        with transaction.atomic():
            PostIndex.objects.filter(post_id__in=batch).delete()
            PostIndex.objects.bulk_create(index_rows, batch_size=1000)
            PostTerm.objects.filter(post_id__in=batch).delete()
            PostTerm.objects.bulk_create(term_rows, batch_size=2000)
        done += len(batch)
        report("indexing", done, total)
    term_rarity = array("f", (rarity(df.get(t, 1), n) for t in term_names))
    rarities = {t: term_rarity[i] for i, t in enumerate(term_names)}
    del df

    # Pass 3: each post's list, from the in-memory postings (same rules as the incremental path).
    max_df = conf.max_df(n)
    top_query, top_candidates = conf.query_terms(), conf.candidate_count()
    done = 0
    for start in range(0, len(post_ids), chunk_size):
        chunk = range(start, min(start + chunk_size, len(post_ids)))
        chunk_pks = [post_ids[i] for i in chunk]
        overrides = _overrides(chunk_pks)
        rows: list[RelatedPost] = []
        for i in chunk:
            terms_i, weights_i = vec_terms[i], vec_weights[i]
            vector = {term_names[t]: w for t, w in zip(terms_i, weights_i, strict=True)}
            usable = [
                (w * term_rarity[t] ** 2, t)
                for t, w in zip(terms_i, weights_i, strict=True)
                if 1 < len(postings[t][0]) <= max_df
            ]
            acc: dict[int, float] = {}
            for w, t in heapq.nlargest(top_query, usable):
                docs, ws = postings[t]
                for j, wj in zip(docs, ws, strict=True):
                    acc[j] = acc.get(j, 0.0) + w * wj
            acc.pop(i, None)
            candidates = heapq.nlargest(top_candidates, acc, key=acc.__getitem__)
            scores: dict[int, float] = {}
            shared: dict[int, dict[str, float]] = {}
            for j in candidates:
                other = zip(vec_terms[j], vec_weights[j], strict=True)
                common = {term_names[t]: w for t, w in other if term_names[t] in vector}
                pk = post_ids[j]
                shared[pk] = common
                scores[pk] = similarity(vector, common, rarities)
            rows += _list_rows(
                post_ids[i],
                vector,
                scores,
                shared,
                names,
                overrides.get(post_ids[i], []),
                rarities,
            )
        with transaction.atomic():
            _replace_lists(chunk_pks, rows)
        done += len(chunk)
        report("scoring", done, total)
    _refresh_planner_statistics()
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
