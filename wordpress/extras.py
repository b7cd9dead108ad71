"""The side file of ``export_blog`` (``<export>.jsonl``) read back after its WXR: what WordPress's
format cannot hold — posts' Markdown sources, sources and old addresses, authors' bios, rating
sets, votes and aggregates, related-post pins. Applied in the import's transaction, keyed like
the rest on the ids of the export, so a re-run changes nothing."""

from __future__ import annotations

import datetime
import json
from collections import defaultdict
from pathlib import Path

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType

from authors.models import AuthorProfile
from blog.models import Post, PostRedirect
from wordpress.export import IMAGE_REFERENCE
from wordpress.models import ImportedItem, OldAddress

PROFILE_FIELDS = ("bio", "website", "mastodon", "bluesky", "linkedin", "github")


class SideFile:
    def __init__(self, run, path: Path):
        self.run = run
        self.path = Path(path)
        self.report = run.report
        # Caches that forget what a rolled-back record taught them (WordPressImport.cache).
        self.posts = run.cache()  # export id → post here
        self.ballots = defaultdict(list)  # set name → ballots
        self.aggregates = run.cache()  # (post here, set, criterion) → (count, total)
        self.sets = run.cache()
        self.pins = []

    def post(self, export_id) -> Post | None:
        if export_id not in self.posts:
            item = ImportedItem.objects.filter(kind="post", key=str(export_id)).first()
            self.posts[export_id] = Post.objects.filter(pk=item.object_id).first() if item else None
        return self.posts[export_id]

    def apply(self) -> None:
        with self.path.open(encoding="utf-8") as lines:
            for n, line in enumerate(lines, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError:
                    self.report.problem(f"side file line {n}: not JSON")
                    continue
                handler = getattr(self, f"_{record.get('type')}", None)
                if handler is not None:
                    self.run._in_savepoint("side file", f"line {n}", handler, record)
        self._votes()
        self._pins()

    def _author(self, record: dict) -> None:
        user = get_user_model().objects.filter(username=record.get("login", "")).first()
        if user is None:
            return
        profile = AuthorProfile.objects.filter(user=user).first()
        if profile is None:
            return
        changed = False
        for name in PROFILE_FIELDS:
            value = record.get(name) or ""
            if value and not getattr(profile, name):
                setattr(profile, name, value)
                changed = True
        if changed:
            profile.save()
            self.report.side_changes += 1

    def _post(self, record: dict) -> None:
        post = self.post(record.get("id"))
        if post is None:
            return
        item = ImportedItem.objects.get(kind="post", object_id=post.pk)
        if item.version is not None and item.version != post.version:
            return  # edited here since: kept, as the WXR pass did
        images = record.get("images") or {}

        def library_id(match):
            attachment = images.get(match.group(1))
            image = self.run._attachment_image(int(attachment))[0] if attachment else None
            if image is None or image.pk is None:
                return match.group(0)
            return match.group(0).replace(match.group(1), str(image.pk))

        wanted = {
            "body": IMAGE_REFERENCE.sub(library_id, record.get("body") or ""),
            "source_name": (record.get("source_name") or "")[:200],
            "source_url": (record.get("source_url") or "")[:500],
            "featured_image_alt": (record.get("featured_alt") or "")[:200],
            "featured_image_caption": (record.get("featured_caption") or "")[:300],
            "featured_image_credit": (record.get("featured_credit") or "")[:200],
        }
        if record.get("status") == Post.Status.CHANGES_REQUESTED:
            wanted["status"] = Post.Status.CHANGES_REQUESTED
        changed = [name for name, value in wanted.items() if getattr(post, name) != value]
        if changed:
            for name in changed:
                setattr(post, name, wanted[name])
            post.save()
            self.run.to_index.add(post.pk)
            ImportedItem.objects.filter(pk=item.pk).update(version=post.version)
            self.report.side_changes += 1
        # The old addresses, counted in the report like those of a WordPress export.
        paths = list(dict.fromkeys(path[:500] for path in record.get("old_addresses") or []))
        existing = dict(OldAddress.objects.filter(path__in=paths).values_list("path", "post_id"))
        new = [OldAddress(path=path, post=post) for path in paths if path not in existing]
        if new:
            OldAddress.objects.bulk_create(new)
            self.report.side_changes += len(new)
        self.report.addresses += sum(1 for p in paths if existing.get(p, post.pk) == post.pk)
        for slug in record.get("old_slugs") or []:
            taken = (
                PostRedirect.objects.filter(old_slug=slug).exists()
                or Post.objects.filter(slug=slug).exists()
            )
            if slug != post.slug and not taken:
                PostRedirect.objects.create(old_slug=slug, post=post)
                self.report.side_changes += 1

    def _rating_set(self, record: dict) -> None:
        from ratings.models import Criterion, RatingSet

        name = (record.get("name") or "")[:100]
        rating_set = RatingSet.objects.filter(name=name).first()
        if rating_set is None and record.get("is_default"):
            # The site's own default set stands for the exported default.
            rating_set = RatingSet.objects.filter(is_default=True).first()
        if rating_set is None:
            rating_set = RatingSet.objects.create(name=name, mode=record.get("mode", "stars"))
            self.report.side_changes += 1
        for criterion in record.get("criteria") or []:
            _, created = Criterion.objects.get_or_create(
                rating_set=rating_set,
                key=criterion["key"],
                defaults={"name": criterion["name"], "position": criterion.get("position", 0)},
            )
            self.report.side_changes += created
        self.sets[name] = rating_set

    def _reader(self, reader: str) -> str:
        if reader.startswith("user:"):
            user = get_user_model().objects.filter(username=reader[5:]).first()
            return f"u:{user.pk}" if user else f"a:user-{reader[5:]}"[:64]
        return reader[:64]

    def _vote(self, record: dict) -> None:
        from ratings.services import Ballot

        post = self.post(record.get("post"))
        if post is None:
            self.report.counts["vote", "skipped"] += 1
            return
        rating_set = self.sets.get(record.get("set"))
        if rating_set is None:
            return
        criteria = list(rating_set.criteria.all())
        self.ballots[record["set"]].append(
            Ballot(
                object_id=post.pk,
                reader_key=self._reader(record.get("reader", "")),
                score=int(record.get("score", 0)),
                criterion=None if len(criteria) == 1 else record.get("criterion"),
                created_at=datetime.datetime.fromisoformat(record["created_at"])
                if record.get("created_at")
                else None,
            )
        )

    def _aggregate(self, record: dict) -> None:
        post = self.post(record.get("post"))
        if post is not None:
            key = (post.pk, record.get("set"), record.get("criterion"))
            self.aggregates[key] = (int(record["count"]), int(record["total"]))

    def _pin(self, record: dict) -> None:
        self.pins.append(record)

    def _votes(self) -> None:
        if not self.ballots:
            return
        from ratings.errors import RatingError
        from ratings.models import RatingAggregate
        from ratings.services import votes_import
        from wordpress.gdsr import ballots_not_yet_imported

        ct = ContentType.objects.get_for_model(Post)
        for name, ballots in self.ballots.items():
            rating_set = self.sets[name]
            fresh = ballots_not_yet_imported(ct, ballots, rating_set)
            self.report.counts["vote", "unchanged"] += len(ballots) - len(fresh)
            try:
                votes_import(model=Post, ballots=fresh, rating_set=rating_set)
            except RatingError as exc:
                self.report.problem(f"votes of {name!r}: {exc.message}")
                continue
            self.report.counts["vote", "created"] += len(fresh)
        stored = {
            (a.object_id, a.criterion.rating_set.name, a.criterion.key): (a.count, a.total)
            for a in RatingAggregate.objects.filter(content_type=ct).select_related(
                "criterion__rating_set"
            )
        }
        differ = [key for key, value in self.aggregates.items() if stored.get(key) != value]
        if differ:
            self.report.notes.append(
                f"{len(differ)} rating aggregate(s) differ from the export's (first: post "
                f"{differ[0][0]}, {differ[0][1]})"
            )

    def _pins(self) -> None:
        if not self.pins or not apps.is_installed("related"):
            return
        model = apps.get_model("related", "RelatedPostOverride")
        for record in self.pins:
            post, other = self.post(record.get("post")), self.post(record.get("other"))
            if post is None or other is None or post.pk == other.pk:
                continue
            _, created = model.objects.get_or_create(
                post=post,
                other=other,
                defaults={"kind": record.get("kind", "pin"), "position": record.get("position", 0)},
            )
            self.report.side_changes += created
