"""Full-text search over published posts, ranked by relevance with a gentle recency boost.

One interface, one backend per database vendor:

- PostgreSQL: ``blog_post_search`` holds each post's weighted ``tsvector`` (title A; excerpt,
  tags, categories and author name B; body C) under a GIN index, stemmed with the text search
  configuration of ``BLOG_SEARCH_LANGUAGE``; queries go through ``websearch_to_tsquery`` and
  snippets through ``ts_headline``. Matches are ranked on a small "head" vector (the same fields
  with only the body's first words) and filtered on the publication time stored beside it
  (null unless published), so a search reads this table only; the posts shown are read through
  ``Post.objects.published()`` all the same. The full vector and body text live out of the
  table's pages, so a row is narrow; ``blog_search_page()`` (migration 0012) counts up to
  ``COUNT_CAP`` + 1 and bounds the ranking (``RANK_CAP``) so that common words stay fast.
- SQLite: ``blog_post_search`` is an FTS5 table (porter stemmer) with the same fields, ranked by
  ``bm25()`` with column weights in the same proportions; snippets come from ``snippet()``.

The reader's text is never handed to the database as query syntax: ``parse_query`` reduces it to
words, phrases, "or" and exclusions, and each backend writes its own syntax from that. The index
is kept current by ``blog.signals`` (post saved or deleted, its tags or categories changed, a tag
or category renamed, an author renamed) and rebuilt by ``manage.py rebuild_search_index``; bulk
writes send no signals and call ``search_index_update`` or the rebuild themselves.
"""

from __future__ import annotations

import datetime
import html
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from blog.models import Post

TABLE = "blog_post_search"
MAX_QUERY_LENGTH = 200
MAX_TERMS = 16
# A post published today ranks up to this much above an equally relevant old one; the boost
# halves at one year of age and keeps shrinking.
RECENCY_BOOST = 0.25
RECENCY_DAYS = 365.0
BODY_TEXT_LIMIT = 200_000
# PostgreSQL ranks on a small vector (title, excerpt, tags, author and the body's first words):
# reading every match's full vector would cost far more than the 20 ms a search may take.
LEAD_WORDS = 80
WRITE_BATCH = 200
# PostgreSQL, at scale (docs/features.md, "Search"): counting stops past COUNT_CAP matches ("more
# than 1,000 results", and only those can be paged through); when more than RANK_CAP posts match,
# relevance ranks the matches of the most recent period (30, 120, 480 or 1,920 days) holding
# RANK_CAP of them, and older matches follow newest first. Both bound the rows a search reads.
COUNT_CAP = 1000
RANK_CAP = 500

# Highlight markers for the database's snippet functions: control characters that the indexed
# text never contains (they are removed from it), replaced by <mark> after escaping.
START, STOP = "\x01", "\x02"
SNIPPET_WORDS = 28

# PostgreSQL's built-in text search configurations, by language code.
PG_LANGUAGES = {
    "ar": "arabic",
    "ca": "catalan",
    "da": "danish",
    "de": "german",
    "el": "greek",
    "en": "english",
    "es": "spanish",
    "eu": "basque",
    "fi": "finnish",
    "fr": "french",
    "ga": "irish",
    "hi": "hindi",
    "hu": "hungarian",
    "hy": "armenian",
    "id": "indonesian",
    "it": "italian",
    "lt": "lithuanian",
    "ne": "nepali",
    "nl": "dutch",
    "no": "norwegian",
    "nb": "norwegian",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sr": "serbian",
    "sv": "swedish",
    "ta": "tamil",
    "tr": "turkish",
    "yi": "yiddish",
}
PG_CONFIGURATIONS = {*PG_LANGUAGES.values(), "simple"}

# English stop words (PostgreSQL's and Snowball's list): ignored in queries on every backend,
# so "the" or "a" alone finds nothing instead of every post.
STOP_WORDS = frozenset(
    """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his
    himself she her hers herself it its itself they them their theirs themselves what
    which who whom this that these those am is are was were be been being have has had
    having do does did doing a an the and but if or because as until while of at by for
    with about against between into through during before after above below to from up
    down in out on off over under again further then once here there when where why how
    all any both each few more most other some such no nor not only own same so than too
    very s t can will just don should now
    """.split()  # noqa: SIM905 - a word list reads best as text
)

WORD = re.compile(r"\w+")
TOKEN = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')
TAG = re.compile(r"<[^>]*>")
SPACE = re.compile(r"\s+")


def search_language() -> str:
    """The PostgreSQL text search configuration: ``BLOG_SEARCH_LANGUAGE`` when set, else the one
    for ``LANGUAGE_CODE`` ("en-us" → "english"), else "simple" (no stemming)."""
    configured = getattr(settings, "BLOG_SEARCH_LANGUAGE", "")
    if configured:
        return configured
    code = settings.LANGUAGE_CODE.lower().split("-")[0].split("_")[0]
    return PG_LANGUAGES.get(code, "simple")


# --- the reader's query ------------------------------------------------------------------------

Term = tuple[str, ...]  # one word, or the words of a phrase


@dataclass
class ParsedQuery:
    """A reader's query reduced to what every backend can express: all ``groups`` must match
    (a group matches when any of its terms does), no ``excluded`` term may."""

    text: str  # what the reader typed, capped and cleaned: shown back and kept in page links
    groups: list[list[Term]] = field(default_factory=list)
    excluded: list[Term] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # stop words dropped
    shortened: bool = False

    @property
    def runnable(self) -> bool:
        return bool(self.groups)


def _is_stop(term: Term) -> bool:
    return all(word in STOP_WORDS for word in term)


def parse_query(raw: str) -> ParsedQuery:
    """Words, "quoted phrases", ``-excluded`` terms and ``or`` between terms, as in web search
    engines; everything else in the text is a separator. Stop words are dropped; the text is cut
    at ``MAX_QUERY_LENGTH`` characters and ``MAX_TERMS`` terms. Linear in the text's length."""
    text = SPACE.sub(" ", raw.replace("\x00", "")).strip()
    shortened = len(text) > MAX_QUERY_LENGTH
    text = text[:MAX_QUERY_LENGTH].strip()
    parsed = ParsedQuery(text=text, shortened=shortened)
    join_next = last_kept = False
    terms = 0
    for match in TOKEN.finditer(text):
        quoted = match.group(2) is not None
        negated = bool(match.group(1) if quoted else match.group(3))
        chunk = match.group(2) if quoted else match.group(4)
        if not quoted and not negated and chunk.lower() == "or":
            # "or" joins the terms on either side; beside a dropped word it joins nothing.
            join_next = last_kept
            continue
        term = tuple(word.lower() for word in WORD.findall(chunk))
        if not term:
            continue
        if terms == MAX_TERMS:
            parsed.shortened = True
            break
        terms += 1
        last_kept = not negated and not _is_stop(term)
        if _is_stop(term):
            parsed.ignored.append(" ".join(term))
        elif negated:
            parsed.excluded.append(term)
        elif join_next:
            parsed.groups[-1].append(term)
        else:
            parsed.groups.append([term])
        join_next = False
    return parsed


# --- documents ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Document:
    post_id: int
    published_at: datetime.datetime | None  # None unless the post's status is published
    title: str
    excerpt: str
    terms: str  # tags and categories
    body: str
    author: str


def plain_text(value: str) -> str:
    """Text without markup or highlight markers, for the index and its snippets."""
    value = html.unescape(TAG.sub(" ", value))
    return SPACE.sub(" ", value.replace(START, " ").replace(STOP, " ")).strip()


def documents(posts: Iterable[Post]) -> list[Document]:
    """Index documents of posts loaded with author, profile, tags and categories."""
    return [
        Document(
            post_id=post.pk,
            published_at=post.published_at if post.status == Post.Status.PUBLISHED else None,
            title=plain_text(post.title),
            excerpt=plain_text(post.excerpt),
            terms=" ; ".join(
                [tag.name for tag in post.tags.all()]
                + [category.name for category in post.categories.all()]
            ),
            body=plain_text(post.body_html)[:BODY_TEXT_LIMIT],
            author=plain_text(post.author_name),
        )
        for post in posts
    ]


def _posts_to_index() -> QuerySet:
    return (
        Post.objects.select_related("author", "author__profile")
        .prefetch_related("tags", "categories")
        .only(
            "pk",
            "status",
            "published_at",
            "title",
            "excerpt",
            "body_html",
            "author__username",
            "author__first_name",
            "author__last_name",
            "author__profile__display_name",
        )
        .order_by("pk")
    )


# --- backends ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    post_id: int
    snippet: str  # plain text with START/STOP around the matched words


class SQLiteBackend:
    """FTS5, porter stemmer; ``bm25()`` column weights in the proportions of PostgreSQL's."""

    WEIGHTS = "5.0, 2.0, 2.0, 1.0, 2.0"  # title, excerpt, terms, body, author

    def write(self, docs: Sequence[Document]) -> None:
        with connection.cursor() as cursor:
            self.remove(cursor, [doc.post_id for doc in docs])
            for start in range(0, len(docs), WRITE_BATCH):
                batch = docs[start : start + WRITE_BATCH]
                rows = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(batch))
                cursor.execute(
                    f"INSERT INTO {TABLE} (rowid, title, excerpt, terms, body, author) "
                    f"VALUES {rows}",
                    [
                        value
                        for d in batch
                        for value in (d.post_id, d.title, d.excerpt, d.terms, d.body, d.author)
                    ],
                )

    def remove(self, cursor, post_ids: Sequence[int]) -> None:
        for start in range(0, len(post_ids), 500):
            batch = post_ids[start : start + 500]
            marks = ", ".join(["%s"] * len(batch))
            cursor.execute(f"DELETE FROM {TABLE} WHERE rowid IN ({marks})", batch)

    def clear(self, cursor) -> None:
        cursor.execute(f"DELETE FROM {TABLE}")

    @staticmethod
    def match(parsed: ParsedQuery) -> str:
        """The FTS5 expression: every term a quoted string of plain words, so nothing the reader
        typed is read as FTS5 syntax (column filters, NEAR, prefixes, ^)."""

        def quoted(term: Term) -> str:
            return '"' + " ".join(term) + '"'

        def any_of(terms: list[Term]) -> str:
            return quoted(terms[0]) if len(terms) == 1 else f"({' OR '.join(map(quoted, terms))})"

        expression = " AND ".join(any_of(group) for group in parsed.groups)
        if parsed.excluded:
            expression = f"({expression}) NOT {any_of(parsed.excluded)}"
        return expression

    def count(self, parsed: ParsedQuery, published: QuerySet) -> int:
        sql, params = published.order_by().values("pk").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) FROM {TABLE} s WHERE s.{TABLE} MATCH %s AND s.rowid IN ({sql})",
                [self.match(parsed), *params],
            )
            return cursor.fetchone()[0]

    def hits(
        self, parsed: ParsedQuery, published: QuerySet, offset: int, limit: int
    ) -> tuple[list[Hit], int | None]:
        sql, params = (
            published.order_by()
            .values(post_pk=F("pk"), post_date=F("published_at"))
            .query.sql_with_params()
        )
        now = timezone.now().astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S")
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT s.rowid, snippet({TABLE}, 3, char(1), char(2), '…', {SNIPPET_WORDS}) "
                f"FROM {TABLE} s JOIN ({sql}) p ON p.post_pk = s.rowid "
                f"WHERE s.{TABLE} MATCH %s "
                f"ORDER BY bm25({TABLE}, {self.WEIGHTS}) * (1.0 + %s * %s / "
                f"(%s + max(0.0, julianday(%s) - julianday(p.post_date)))), "
                "p.post_date DESC, s.rowid DESC LIMIT %s OFFSET %s",
                [
                    *params,
                    self.match(parsed),
                    RECENCY_BOOST,
                    RECENCY_DAYS,
                    RECENCY_DAYS,
                    now,
                    limit,
                    offset,
                ],
            )
            return [Hit(post_id, snippet or "") for post_id, snippet in cursor.fetchall()], None


class PostgresBackend:
    """A weighted ``tsvector`` per post under a GIN index; ``websearch_to_tsquery``, ``ts_rank``
    and ``ts_headline`` in the configuration of ``search_language()``."""

    # Ranking, in blog_search_page() (migration 0012): ts_rank_cd(head, query, 1), cover density
    # (how close the matched words are) normalised by document length, chosen over ts_rank on the
    # tuning half of bench/search_queries.json (docs/benchmarks.md).
    HEADLINE = (
        f"StartSel={START}, StopSel={STOP}, MaxWords={SNIPPET_WORDS}, MinWords=12, "
        'ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "'
    )

    def write(self, docs: Sequence[Document]) -> None:
        language = search_language()
        weighted = (
            "setweight(to_tsvector(%s::regconfig, %s), 'A') || "
            "setweight(to_tsvector(%s::regconfig, %s), 'B') || "
            "setweight(to_tsvector(%s::regconfig, %s), 'C')"
        )
        with connection.cursor() as cursor:
            for start in range(0, len(docs), WRITE_BATCH):
                batch = docs[start : start + WRITE_BATCH]
                rows = ", ".join([f"(%s, %s, %s, {weighted}, {weighted})"] * len(batch))
                params = []
                for d in batch:
                    secondary = "\n".join([d.excerpt, d.terms, d.author])
                    lead = " ".join(d.body.split(" ", LEAD_WORDS)[:LEAD_WORDS])
                    params += [d.post_id, d.published_at, d.body]
                    params += [language, d.title, language, secondary, language, lead]
                    params += [language, d.title, language, secondary, language, d.body]
                cursor.execute(
                    f"INSERT INTO {TABLE} (post_id, published_at, body_text, head, document) "
                    f"VALUES {rows} ON CONFLICT (post_id) DO UPDATE SET "
                    "published_at = EXCLUDED.published_at, body_text = EXCLUDED.body_text, "
                    "head = EXCLUDED.head, document = EXCLUDED.document",
                    params,
                )

    def remove(self, cursor, post_ids: Sequence[int]) -> None:
        if post_ids:
            cursor.execute(f"DELETE FROM {TABLE} WHERE post_id = ANY(%s)", [list(post_ids)])

    def clear(self, cursor) -> None:
        cursor.execute(f"TRUNCATE {TABLE}")

    @staticmethod
    def websearch(parsed: ParsedQuery) -> str:
        """The query rewritten in ``websearch_to_tsquery`` syntax from plain words only."""

        def quoted(term: Term) -> str:
            return '"' + " ".join(term) + '"' if len(term) > 1 else term[0]

        parts = [" or ".join(map(quoted, group)) for group in parsed.groups]
        parts += ["-" + quoted(term) for term in parsed.excluded]
        return " ".join(parts)

    def page(self, parsed: ParsedQuery, offset: int, limit: int) -> tuple[list[Hit], int]:
        """``blog_search_page()`` (migration 0012): the ranked page with passages and the count
        of matches, capped at ``COUNT_CAP`` + 1, in one call planned for these values."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT post_id, snippet, total FROM blog_search_page("
                "%s::regconfig, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                [
                    search_language(),
                    self.websearch(parsed),
                    timezone.now(),
                    offset,
                    limit,
                    COUNT_CAP,
                    RANK_CAP,
                    RECENCY_BOOST,
                    RECENCY_DAYS,
                    self.HEADLINE,
                ],
            )
            rows = cursor.fetchall()
        hits = [Hit(post_id, snippet or "") for post_id, snippet, _ in rows if post_id is not None]
        return hits, rows[0][2] if rows else 0

    def count(self, parsed: ParsedQuery, published: QuerySet) -> int:
        return self.page(parsed, 0, 0)[1]

    def hits(
        self, parsed: ParsedQuery, published: QuerySet, offset: int, limit: int
    ) -> tuple[list[Hit], int | None]:
        return self.page(parsed, offset, limit)


def backend() -> SQLiteBackend | PostgresBackend:
    if connection.vendor == "postgresql":
        return PostgresBackend()
    if connection.vendor == "sqlite":
        return SQLiteBackend()
    raise NotImplementedError(f"Search has no backend for {connection.vendor}.")


# --- keeping the index current ----------------------------------------------------------------


def search_index_update(*, post_ids: Iterable[int]) -> int:
    """Write the index entries of these posts afresh from their current text, tags, categories
    and author name; entries of posts that no longer exist are removed. Returns posts indexed."""
    ids = sorted(set(post_ids))
    if not ids:
        return 0
    engine = backend()
    indexed = 0
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        docs = documents(_posts_to_index().filter(pk__in=chunk))
        gone = set(chunk) - {doc.post_id for doc in docs}
        if gone:
            with connection.cursor() as cursor:
                engine.remove(cursor, sorted(gone))
        engine.write(docs)
        indexed += len(docs)
    return indexed


def search_index_remove(*, post_ids: Iterable[int]) -> None:
    """Drop the index entries of these posts (they are being deleted)."""
    with connection.cursor() as cursor:
        backend().remove(cursor, sorted(set(post_ids)))


def search_index_rebuild(
    *, chunk_size: int = 1000, progress: Callable[[int, int], None] | None = None
) -> int:
    """Empty the index and index every post again, in chunks of ``chunk_size`` posts, in one
    transaction (readers see the old index until it commits)."""
    with transaction.atomic():
        return _rebuild(chunk_size, progress)


def _rebuild(chunk_size: int, progress: Callable[[int, int], None] | None) -> int:
    engine = backend()
    ids = list(Post.objects.order_by("pk").values_list("pk", flat=True))
    with connection.cursor() as cursor:
        engine.clear(cursor)
    for start in range(0, len(ids), chunk_size):
        chunk = ids[start : start + chunk_size]
        engine.write(documents(_posts_to_index().filter(pk__in=chunk)))
        if progress:
            progress(min(start + chunk_size, len(ids)), len(ids))
    return len(ids)


# --- results ----------------------------------------------------------------------------------


def snippet_html(snippet: str) -> SafeString | None:
    """The snippet escaped, with <mark> around matched words as its only markup; None when it
    highlights nothing (the post matched on its title, tags or author only)."""
    if START not in snippet:
        return None
    text = SPACE.sub(" ", snippet).strip()
    marked = escape(text).replace(START, "<mark>").replace(STOP, "</mark>")
    # A marker cut off by the snippet's edge must not leave an element open.
    if marked.count("<mark>") != marked.count("</mark>"):
        marked = escape(text.replace(START, "").replace(STOP, ""))
    return mark_safe(marked)  # noqa: S308 - escaped above; <mark> is the only markup


class SearchResults:
    """The posts matching a query, best first, as the paginator wants them: ``count()`` and
    slices. A page costs a fixed number of queries: the count (on PostgreSQL, counted with the
    ranked page named by ``page``, the (offset, limit) the paginator will ask for), the ranked ids
    and snippets, then the posts through ``listing`` (the page's own queryset, with its
    prefetches)."""

    def __init__(
        self, parsed: ParsedQuery, *, listing: QuerySet, page: tuple[int, int] | None = None
    ):
        self.parsed = parsed
        self.listing = listing
        self.page = page
        self.engine = backend()
        self._count: int | None = None
        self.more = False  # more than COUNT_CAP matches: count() is COUNT_CAP
        self._hits: tuple[int, int, list[Hit]] | None = None  # offset, limit asked, hits

    def count(self) -> int:
        if self._count is None:
            if not self.parsed.runnable:
                self._count = 0
            elif self.page and self._read_hits(*self.page) is not None:
                pass  # counted with the page
            else:
                total = self.engine.count(self.parsed, Post.objects.published())
                self._count, self.more = min(total, COUNT_CAP), total > COUNT_CAP
        return self._count

    def _read_hits(self, offset: int, limit: int) -> int | None:
        hits, total = self.engine.hits(self.parsed, Post.objects.published(), offset, limit)
        self._hits = (offset, limit, hits)
        if total is not None:
            self._count = min(total, COUNT_CAP)
            self.more = total > COUNT_CAP
        return total

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key):
        if not isinstance(key, slice) or key.step not in (None, 1):
            raise TypeError("Search results are read by page slices.")
        offset = key.start or 0
        limit = (key.stop if key.stop is not None else self.count()) - offset
        if limit <= 0 or not self.parsed.runnable:
            return []
        read = self._hits
        if not (read and read[0] == offset and (read[1] >= limit or len(read[2]) < read[1])):
            self._read_hits(offset, limit)
        hits = self._hits[2][:limit]
        posts = self.listing.in_bulk([hit.post_id for hit in hits])
        page = []
        for hit in hits:
            post = posts.get(hit.post_id)
            if post is not None:  # unpublished between the two queries
                post.search_snippet = snippet_html(hit.snippet)
                page.append(post)
        return page


def search_posts(
    parsed: ParsedQuery, *, listing: QuerySet, page: tuple[int, int] | None = None
) -> SearchResults:
    """Published posts matching the parsed query, most relevant first (recent ones slightly
    ahead of equally relevant old ones); ``page`` is the (offset, limit) about to be shown."""
    return SearchResults(parsed, listing=listing, page=page)
