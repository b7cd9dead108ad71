"""Text → index: what the engine reads of a post, the term statistics, and a post's vector with
its look-up terms. Both the one-post refresh and the full rebuild index posts through here."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import F

from blog.models import Post
from related import conf
from related.models import CorpusStatistics, PostTerm, TermStat
from related.scoring import build_vector, category_term, lookup_terms, tag_term
from related.text import field_counts

IN_CHUNK = 500  # keeps IN (...) lists under every backend's parameter limit


def chunks(items: Iterable, size: int = IN_CHUNK) -> Iterator[list]:
    batch: list = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


@dataclass
class Document:
    """What the engine reads of one post: its text, tag and category terms, and the display
    names of those terms (for the reasons shown to editors)."""

    pk: int
    title: str
    excerpt: str
    body: str
    tags: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)

    def counts(self, weights: dict) -> dict[str, float]:
        return field_counts(title=self.title, excerpt=self.excerpt, body=self.body, weights=weights)

    def terms(self, counts: dict[str, float]) -> set[str]:
        return set(counts) | set(self.tags) | set(self.categories)


def documents(post_ids: list[int]) -> list[Document]:
    """The documents of the posts, in the order given (three queries)."""
    docs = {
        pk: Document(pk=pk, title=title, excerpt=excerpt, body=body)
        for pk, title, excerpt, body in Post.objects.filter(pk__in=post_ids).values_list(
            "pk", "title", "excerpt", "body"
        )
    }
    content_type = ContentType.objects.get_for_model(Post)
    for object_id, slug, name in Post.tags.through.objects.filter(
        content_type=content_type, object_id__in=post_ids
    ).values_list("object_id", "tag__slug", "tag__name"):
        if object_id in docs:
            term = tag_term(slug)
            docs[object_id].tags.append(term)
            docs[object_id].names[term] = name
    for post_id, slug, name in Post.categories.through.objects.filter(
        post_id__in=post_ids
    ).values_list("post_id", "category__slug", "category__name"):
        term = category_term(slug)
        docs[post_id].categories.append(term)
        docs[post_id].names[term] = name
    return [docs[pk] for pk in post_ids if pk in docs]


# --- term statistics --------------------------------------------------------------------------


@dataclass(frozen=True)
class Statistics:
    """The term statistics in force: document frequencies (of the terms loaded) and the number
    of posts they were counted on; ``stamp`` names the snapshot."""

    df: dict[str, int]
    n: int
    stamp: str

    def max_df(self) -> int:
        return conf.max_df(self.n)


def statistics_row(*, lock: bool = False) -> CorpusStatistics:
    """The one statistics row (created empty on a new site); ``lock`` holds it until the
    transaction ends, so index updates run one at a time."""
    queryset = CorpusStatistics.objects.select_for_update() if lock else CorpusStatistics.objects
    row, _ = queryset.get_or_create(pk=1)
    return row


def stamp_of(row: CorpusStatistics) -> str:
    return f"{row.posts}@{row.taken_at.isoformat() if row.taken_at else '-'}"


def statistics_for(terms: Iterable[str], row: CorpusStatistics) -> Statistics:
    """The statistics of the given terms (one query per 500 terms)."""
    df: dict[str, int] = {}
    for batch in chunks(sorted(set(terms))):
        df.update(TermStat.objects.filter(term__in=batch).values_list("term", "df"))
    return Statistics(df=df, n=row.posts, stamp=stamp_of(row))


def statistics_stale(row: CorpusStatistics) -> bool:
    """More than RELATED_POSTS_STATISTICS_DRIFT of the posts came or went since the statistics
    were taken (on a blog of under 50 posts, any change: a rebuild there takes milliseconds)."""
    change = abs(row.indexed_posts - row.posts)
    if row.taken_at is None:
        return row.indexed_posts > 0
    return change > 0 and (row.posts < 50 or change > conf.statistics_drift() * row.posts)


def count_indexed(delta: int) -> None:
    """A post entered (+1) or left (-1) the index."""
    CorpusStatistics.objects.filter(pk=1).update(indexed_posts=F("indexed_posts") + delta)


# --- one post's entry -------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """A post's place in the index: its weighted vector and its look-up terms (sorted)."""

    vector: dict[str, float]
    lookup: list[str]


def signature(doc: Document, counts: dict[str, float], weights: dict, stats_stamp: str) -> str:
    """Changes when anything the entry is computed from changes."""
    payload = repr(
        (sorted(counts.items()), sorted(doc.tags), sorted(doc.categories), weights, stats_stamp)
    )
    return hashlib.sha1(payload.encode()).hexdigest()


def entry_for(doc: Document, counts: dict[str, float], stats: Statistics, weights: dict) -> Entry:
    """The post's vector against the statistics in force, and its look-up terms."""
    vector = build_vector(
        counts=counts,
        tag_terms=doc.tags,
        category_terms=doc.categories,
        df=stats.df,
        n=stats.n,
        weights=weights,
        terms_per_post=conf.terms_per_post(),
    )
    lookup = lookup_terms(
        vector, stats.df, stats.n, limit=conf.lookup_terms(), max_df=stats.max_df()
    )
    return Entry(vector=vector, lookup=lookup)


def term_rows(post_id: int, entry: Entry) -> list[PostTerm]:
    lookup = set(entry.lookup)
    return [
        PostTerm(post_id=post_id, term=term, weight=weight, lookup=term in lookup)
        for term, weight in entry.vector.items()
    ]


def stored_entry(post_id: int) -> Entry:
    """A post's entry as stored in the index (one query)."""
    vector: dict[str, float] = {}
    lookup = []
    for term, weight, is_lookup in PostTerm.objects.filter(post_id=post_id).values_list(
        "term", "weight", "lookup"
    ):
        vector[term] = weight
        if is_lookup:
            lookup.append(term)
    return Entry(vector=vector, lookup=sorted(lookup))
