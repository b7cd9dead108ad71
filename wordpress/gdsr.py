"""GD Star Rating's votes as votes of the ratings app, for the posts the WordPress import made.

The plugin's tables (layouts from its install/tables/*.txt):

- ``gdsr_votes_log``: one row per vote — ``record_id``, ``id`` (the post), ``vote_type``
  (``article`` stars, ``multis`` multi-criteria, ``comment``, ``artthumb``/``cmmthumb``
  thumbs), ``multi_id``, ``user_id`` (0 for visitors), ``vote``, ``object`` (a multi-criteria
  vote's values, PHP-serialized), ``voted``, ``ip``, ``user_agent``, ``comment_id``;
- ``gdsr_data_article``: per post, ``user_voters``/``user_votes`` and
  ``visitor_voters``/``visitor_votes`` (count and sum): the plugin's own aggregates, which the
  imported votes are checked against;
- ``gdsr_multis`` (``multi_id``, ``name``, ``stars``, ``object``: the criteria's names),
  ``gdsr_multis_data`` (``id``, ``post_id``, ``multi_id`` …) and ``gdsr_multis_values``
  (``id`` of the data row, ``source`` ``dta``, ``item_id`` = criterion, voters and votes).

Readers: a WordPress user who is an imported author votes as that user here (``u:<id>``); any
other WordPress user as ``a:wpuser-<WordPress id>``; a visitor as ``a:ip-<keyed hash of the
address>`` (ratings.readers.ip_hash, the hash every vote here keeps). The address itself is
never stored. Votes already imported are recognised by reader and skipped, so a re-run changes
nothing.
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from blog.models import Post
from core.pagecache import content_changed
from ratings import conf as ratings_conf
from ratings.errors import RatingError
from ratings.models import Criterion, RatingAggregate, RatingRule, RatingSet, Vote
from ratings.readers import ip_hash
from ratings.services import Ballot, votes_import
from wordpress.models import ImportedItem
from wordpress.tables import TableError, php_unserialize, read_rows

VOTES_LOG = [
    "record_id", "id", "vote_type", "multi_id", "user_id", "vote", "object", "voted", "ip",
    "user_agent", "comment_id",
]  # fmt: skip
DATA_ARTICLE = [
    "post_id", "rules_articles", "rules_comments", "moderate_articles", "moderate_comments",
    "is_page", "user_voters", "user_votes", "visitor_voters", "visitor_votes", "review",
    "review_text", "views", "user_recc_plus", "user_recc_minus", "visitor_recc_plus",
    "visitor_recc_minus", "expiry_type", "expiry_value",
]  # fmt: skip
MULTIS = [
    "multi_id", "name", "description", "stars", "object", "weight", "auto_insert",
    "auto_location", "auto_categories",
]  # fmt: skip
MULTIS_DATA = [
    "id", "post_id", "multi_id", "average_rating_users", "average_rating_visitors",
    "total_votes_users", "total_votes_visitors", "average_review", "last_voted",
]  # fmt: skip
MULTIS_VALUES = [
    "id", "source", "item_id", "user_voters", "user_votes", "visitor_voters", "visitor_votes",
]  # fmt: skip
SHOWN = 30
# The columns the import reads (a file without them is refused), and those holding numbers.
LAYOUTS = {
    "gdsr_votes_log": (
        VOTES_LOG,
        ["record_id", "id", "vote_type", "user_id", "vote", "voted", "ip"],
        ["record_id", "id", "multi_id", "user_id", "vote", "comment_id"],
    ),
    "gdsr_data_article": (
        DATA_ARTICLE,
        ["post_id", "user_voters", "user_votes", "visitor_voters", "visitor_votes"],
        ["post_id", "user_voters", "user_votes", "visitor_voters", "visitor_votes"],
    ),
    "gdsr_multis": (MULTIS, ["multi_id", "name", "stars", "object"], ["multi_id", "stars"]),
    "gdsr_multis_data": (MULTIS_DATA, ["id", "post_id", "multi_id"], ["id", "post_id", "multi_id"]),
    "gdsr_multis_values": (
        MULTIS_VALUES,
        MULTIS_VALUES,
        ["id", "item_id", "user_voters", "user_votes", "visitor_voters", "visitor_votes"],
    ),
}


class GDSRError(Exception):
    """The votes cannot be imported as given (nothing was changed)."""


@dataclass
class GDSRReport:
    dry_run: bool = False
    imported: Counter = field(default_factory=Counter)  # set name → votes written
    unchanged: int = 0
    skipped: Counter = field(default_factory=Counter)  # reason → votes
    # WordPress post id → votes on it, for posts the WordPress import did not bring.
    unknown_posts: Counter = field(default_factory=Counter)
    checked: int = 0
    # (post id here, WordPress id, what the plugin says, what the site has)
    mismatches: list[tuple[int, int, str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [
            "Dry run: nothing was changed." if self.dry_run else "GD Star Rating import finished."
        ]
        total = sum(self.imported.values())
        out.append(f"  votes imported: {total}")
        for name, n in sorted(self.imported.items()):
            out.append(f"      {name}: {n}")
        out.append(f"  votes already imported (unchanged): {self.unchanged}")
        for reason, n in self.skipped.most_common():
            out.append(f"  votes skipped: {n} — {reason}")
        if self.unknown_posts:
            ids = sorted(self.unknown_posts)
            shown = ", ".join(f"#{i} ({self.unknown_posts[i]})" for i in ids[:SHOWN])
            more = f" … and {len(ids) - SHOWN} more" if len(ids) > SHOWN else ""
            out.append(
                f"  votes on {len(ids)} WordPress post(s) not imported "
                f"({sum(self.unknown_posts.values())} votes; WordPress id (votes)): {shown}{more}"
            )
        if self.checked:
            out.append(
                f"  aggregates checked against the plugin's: {self.checked}, "
                f"{self.checked - len(self.mismatches)} match"
            )
        for post_id, wp_id, plugin, site in self.mismatches[:SHOWN]:
            out.append(f"      post {post_id} (WordPress #{wp_id}): plugin {plugin}, site {site}")
        for note in self.notes:
            out.append(f"  {note}")
        return out


def _int(value, default: int = 0) -> int:
    try:
        return int(Decimal(str(value).strip()))
    except (InvalidOperation, ValueError, TypeError):
        return default


def _decimal(value) -> Decimal:
    try:
        return Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        return Decimal(0)


@dataclass
class _Set:
    rating_set: RatingSet
    criteria: list[Criterion]  # in the plugin's order
    stars: int


class GDSRImport:
    """One run of the GD Star Rating import; ``run()`` returns the report."""

    def __init__(
        self,
        *,
        log: Path | None = None,
        articles: Path | None = None,
        multis: Path | None = None,
        multis_data: Path | None = None,
        multis_values: Path | None = None,
        dump: Path | None = None,
        stars: int = 10,
        rescale: bool = False,
        time_zone: str | None = None,
        dry_run: bool = False,
    ):
        self.dump = dump
        self.log = log or dump
        self.articles = articles or dump
        self.multis = multis or dump
        self.multis_data = multis_data or dump
        self.multis_values = multis_values or dump
        if self.log is None:
            raise GDSRError("Give the votes log: --log votes_log.csv (or --dump dump.sql).")
        self.stars = stars
        self.rescale = rescale
        self.dry_run = dry_run
        self.report = GDSRReport(dry_run=dry_run)
        try:
            self.tz = zoneinfo.ZoneInfo(time_zone) if time_zone else timezone.get_default_timezone()
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
            raise GDSRError(f"Unknown time zone {time_zone!r}.") from exc
        self.max_score = ratings_conf.max_score()

    def run(self) -> GDSRReport:
        try:
            with transaction.atomic():
                self._run()
                if self.dry_run:
                    transaction.set_rollback(True)
        except TableError as exc:
            raise GDSRError(str(exc)) from exc
        except RatingError as exc:
            raise GDSRError(exc.message) from exc
        if not self.dry_run:
            content_changed()  # the votes were written in bulk, without signals
        return self.report

    # --- reading ---------------------------------------------------------------------------

    def _rows(self, path: Path, table: str):
        """The table's rows, refusing a file that is not that table (tables.read_rows); a
        dump given with --dump need not hold the optional tables."""
        columns, required, numeric = LAYOUTS[table]
        return read_rows(
            path,
            table=table,
            columns=columns,
            required=required,
            numeric=numeric,
            optional_in_dump=path == self.dump and table != "gdsr_votes_log",
        )

    def _posts(self) -> dict[int, int]:
        """WordPress post id → post here."""
        rows = ImportedItem.objects.filter(kind__in=["post", "page"], object_id__isnull=False)
        return {int(key): pk for key, pk in rows.values_list("key", "object_id") if key.isdigit()}

    def _users(self) -> dict[int, int]:
        """WordPress user id → user here, for the imported authors."""
        found = {}
        for data, pk in ImportedItem.objects.filter(kind="author").values_list("data", "object_id"):
            wp_id = (data or {}).get("wp_id")
            if wp_id and pk:
                found[int(wp_id)] = pk
        return found

    def _multi_sets(self) -> dict[int, _Set]:
        """The plugin's multi-criteria sets as rating sets of the same name and criteria."""
        if self.multis is None:
            return {}
        sets = {}
        for row in self._rows(self.multis, "gdsr_multis"):
            multi_id = _int(row.get("multi_id"))
            name = (row.get("name") or f"GD Star Rating set {multi_id}").strip()[:100]
            try:
                names = php_unserialize(row.get("object") or "")
            except (ValueError, IndexError):
                names = {}
            labels = [str(v) for _, v in sorted(names.items())] if isinstance(names, dict) else []
            labels = [label for label in labels if label.strip()] or ["Overall"]
            rating_set, _ = RatingSet.objects.get_or_create(
                name=name, defaults={"mode": RatingSet.Mode.STARS}
            )
            criteria = []
            for position, label in enumerate(labels):
                key = slugify(label)[:60] or f"criterion-{position + 1}"
                criterion, _ = Criterion.objects.get_or_create(
                    rating_set=rating_set,
                    key=key,
                    defaults={"name": label[:60], "position": position},
                )
                criteria.append(criterion)
            sets[multi_id] = _Set(rating_set, criteria, _int(row.get("stars"), 10) or 10)
        return sets

    def _score(self, value: int, stars: int) -> int | None:
        if value <= 0:
            return None
        if stars > self.max_score and self.rescale:
            return max(1, min(self.max_score, round(value * self.max_score / stars)))
        return value

    def _when(self, raw) -> datetime.datetime | None:
        try:
            naive = datetime.datetime.strptime(str(raw or "")[:19], "%Y-%m-%d %H:%M:%S")
        except ValueError:
            return None
        return min(timezone.make_aware(naive, self.tz), timezone.now())

    # --- the run ---------------------------------------------------------------------------

    def _run(self) -> None:
        posts, users = self._posts(), self._users()
        multi_sets = self._multi_sets()
        default_set = RatingSet.objects.filter(is_default=True).first()
        default_criteria = list(Criterion.objects.of_set(None))
        if len(default_criteria) != 1:
            raise GDSRError(
                "The site's default rating set must have exactly one criterion for GD Star "
                f"Rating's stars; {default_set} has {len(default_criteria)}."
            )
        # rating set id → ballots; and the keys already used in this file.
        ballots: dict[int, list[Ballot]] = defaultdict(list)
        seen: set[tuple[int, int, str]] = set()
        too_high = 0
        for row in self._rows(self.log, "gdsr_votes_log"):
            kind = (row.get("vote_type") or "article").strip()
            wp_post = _int(row.get("id"))
            if kind not in ("article", "multis"):
                self.report.skipped[f"{kind} votes (only posts' star ratings are imported)"] += 1
                continue
            post_id = posts.get(wp_post)
            if post_id is None:
                self.report.unknown_posts[wp_post] += 1
                continue
            record = _int(row.get("record_id"))
            reader, address_hash = self._reader(row, users)
            when = self._when(row.get("voted"))
            if kind == "article":
                targets = [(default_set, default_criteria[0], _int(row.get("vote")), self.stars)]
            else:
                multi = multi_sets.get(_int(row.get("multi_id")))
                if multi is None:
                    self.report.skipped["multi-criteria votes of a set not given (--multis)"] += 1
                    continue
                try:
                    values = php_unserialize(row.get("object") or "")
                except (ValueError, IndexError):
                    self.report.skipped["multi-criteria votes that cannot be read"] += 1
                    continue
                values = values if isinstance(values, dict) else {}
                targets = [
                    (multi.rating_set, criterion, _int(values.get(i)), multi.stars)
                    for i, criterion in enumerate(multi.criteria)
                ]
            for rating_set, criterion, value, stars in targets:
                score = self._score(value, stars)
                if score is None:
                    continue
                if score > self.max_score:
                    too_high += 1
                    continue
                key = reader
                if (post_id, criterion.pk, key) in seen:
                    # The plugin counted a second vote from one reader: keep it, as it did.
                    key = f"{reader}-r{record}"[:64]
                seen.add((post_id, criterion.pk, key))
                ballots[rating_set.pk].append(
                    Ballot(
                        object_id=post_id,
                        reader_key=key,
                        score=score,
                        criterion=criterion.key if rating_set.pk != default_set.pk else None,
                        ip_hash=address_hash,
                        created_at=when,
                    )
                )
        if too_high:
            raise GDSRError(
                f"{too_high} vote(s) go above {self.max_score} stars, the most this site's "
                f"ratings allow. Set RATINGS_MAX_SCORE = {self.stars} in the settings (the "
                "averages then stay exactly the plugin's), or pass --rescale to bring the "
                f"plugin's {self.stars} stars down to {self.max_score}. Nothing was imported."
            )
        ct = ContentType.objects.get_for_model(Post)
        sets = {s.pk: s for s in RatingSet.objects.filter(pk__in=list(ballots))}
        for set_id, set_ballots in ballots.items():
            fresh = ballots_not_yet_imported(ct, set_ballots, sets[set_id])
            self.report.unchanged += len(set_ballots) - len(fresh)
            if fresh:
                votes_import(model=Post, ballots=fresh, rating_set=sets[set_id])
            self.report.imported[sets[set_id].name] += len(fresh)
        for multi in multi_sets.values():
            self._show_multi_set(ct, multi, ballots.get(multi.rating_set.pk, []), default_set)
        if self.articles is not None:
            self._check_articles(ct, posts, default_criteria[0])
        if self.multis_data is not None and self.multis_values is not None and multi_sets:
            self._check_multis(ct, posts, multi_sets)

    def _reader(self, row: dict, users: dict[int, int]) -> tuple[str, str]:
        address = (row.get("ip") or "").strip()
        address_hash = ip_hash(address) if address else ""
        wp_user = _int(row.get("user_id"))
        if wp_user > 0:
            local = users.get(wp_user)
            return (f"u:{local}" if local else f"a:wpuser-{wp_user}"), address_hash
        if address_hash:
            return f"a:ip-{address_hash[:40]}", address_hash
        return f"a:gdsr-{_int(row.get('record_id'))}", ""

    def _show_multi_set(self, ct, multi: _Set, ballots: list[Ballot], default_set) -> None:
        """A post rated only with a multi-criteria set shows that set (an override); a post
        with star votes too keeps the default set, and its multi-criteria votes are kept."""
        multi_posts = {b.object_id for b in ballots}
        if not multi_posts:
            return
        starred = set(
            RatingAggregate.objects.filter(
                content_type=ct,
                object_id__in=list(multi_posts),
                criterion__rating_set=default_set,
                count__gt=0,
            ).values_list("object_id", flat=True)
        )
        for post_id in sorted(multi_posts - starred):
            RatingRule.objects.update_or_create(
                content_type=ct,
                object_id=post_id,
                defaults={"rating_set": multi.rating_set, "note": "GD Star Rating multi-set"},
            )
        if multi_posts & starred:
            self.report.notes.append(
                f"{len(multi_posts & starred)} post(s) had both star votes and "
                f"{multi.rating_set.name!r} votes: they show the stars; the other votes are kept."
            )

    def _check_articles(self, ct, posts: dict[int, int], criterion: Criterion) -> None:
        """The plugin's count and sum per post (users + visitors) against the site's."""
        stored = {}
        for row in self._rows(self.articles, "gdsr_data_article"):
            wp_post = _int(row.get("post_id"))
            voters = _int(row.get("user_voters")) + _int(row.get("visitor_voters"))
            total = _decimal(row.get("user_votes")) + _decimal(row.get("visitor_votes"))
            if voters == 0:
                continue
            post_id = posts.get(wp_post)
            if post_id is None:
                self.report.unknown_posts.setdefault(wp_post, 0)
                continue
            stored[post_id] = (wp_post, voters, total)
        aggregates = dict(
            (a.object_id, (a.count, a.total))
            for a in RatingAggregate.objects.filter(
                content_type=ct, object_id__in=list(stored), criterion=criterion
            )
        )
        for post_id, (wp_post, voters, total) in sorted(stored.items()):
            self._compare(post_id, wp_post, (voters, total), aggregates.get(post_id, (0, 0)))

    def _compare(self, post_id, wp_post, plugin, site) -> None:
        self.report.checked += 1
        count, total = plugin
        if self.rescale and self.stars > self.max_score:
            # Rescaled votes: compare the number of votes only.
            if site[0] != count:
                self.report.mismatches.append(
                    (post_id, wp_post, f"{count} votes", f"{site[0]} votes")
                )
            return
        if (site[0], Decimal(site[1])) != (count, total):
            plugin_text = f"{count} votes, average {total / count:.2f}" if count else "no votes"
            site_text = f"{site[0]} votes, average {site[1] / site[0]:.2f}" if site[0] else "none"
            self.report.mismatches.append((post_id, wp_post, plugin_text, site_text))

    def _check_multis(self, ct, posts: dict[int, int], multi_sets: dict[int, _Set]) -> None:
        data = {}
        for row in self._rows(self.multis_data, "gdsr_multis_data"):
            multi = multi_sets.get(_int(row.get("multi_id")))
            post_id = posts.get(_int(row.get("post_id")))
            if multi and post_id:
                data[_int(row.get("id"))] = (post_id, _int(row.get("post_id")), multi)
        expected = {}
        for row in self._rows(self.multis_values, "gdsr_multis_values"):
            if (row.get("source") or "dta") != "dta" or _int(row.get("id")) not in data:
                continue
            post_id, wp_post, multi = data[_int(row.get("id"))]
            index = _int(row.get("item_id"))
            if not 0 <= index < len(multi.criteria):
                continue
            count = _int(row.get("user_voters")) + _int(row.get("visitor_voters"))
            total = _decimal(row.get("user_votes")) + _decimal(row.get("visitor_votes"))
            if count:
                expected[post_id, multi.criteria[index].pk] = (wp_post, count, total)
        aggregates = {
            (a.object_id, a.criterion_id): (a.count, a.total)
            for a in RatingAggregate.objects.filter(
                content_type=ct,
                object_id__in=list({p for p, _ in expected}),
                criterion_id__in=list({c for _, c in expected}),
            )
        }
        for (post_id, criterion_id), (wp_post, count, total) in sorted(expected.items()):
            self._compare(
                post_id, wp_post, (count, total), aggregates.get((post_id, criterion_id), (0, 0))
            )


def ballots_not_yet_imported(ct, ballots: list[Ballot], rating_set: RatingSet) -> list[Ballot]:
    """The ballots whose reader has no vote yet on that post and criterion: a re-run skips the
    votes an earlier run imported."""
    criteria = {c.key: c.pk for c in rating_set.criteria.all()}
    only = next(iter(criteria.values())) if len(criteria) == 1 else None
    object_ids = sorted({b.object_id for b in ballots})
    stored: set[tuple[int, int, str]] = set()
    for start in range(0, len(object_ids), 500):
        stored.update(
            Vote.objects.filter(
                content_type=ct,
                object_id__in=object_ids[start : start + 500],
                criterion_id__in=list(criteria.values()),
            ).values_list("object_id", "criterion_id", "reader_key")
        )
    return [
        b
        for b in ballots
        if (b.object_id, criteria.get(b.criterion) if b.criterion else only, b.reader_key)
        not in stored
    ]
