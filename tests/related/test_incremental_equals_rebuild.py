"""The lists kept up to date one change at a time are exactly the lists a full rebuild makes.

Hundreds of generated posts, then a random sequence of what editors do — publish, edit the text,
re-tag, re-file, unpublish, republish, schedule, delete, pin, exclude, several changes in one
transaction — each committed for real so the after-commit refreshes run as on the site. Then a
rebuild with the same term statistics must find every index entry and every stored list
(posts, ranks, pins, scores to the last bit, reasons) as they are.
"""

import datetime
import random

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from blog.models import Category, Post
from related import services
from related.models import PostIndex, PostTerm, RelatedPost, RelatedPostOverride
from related.rebuild import related_rebuild

TOPICS = {
    "encryption": "cipher key escrow backdoor lawful access quantum signal keys crypto wars "
    "warrant decrypt messaging endtoend vendor exceptional plaintext algorithm",
    "elections": "ballot voter disinformation campaign audit machine turnout registration "
    "influence platform deepfake observers recount polling district candidate",
    "sanctions": "export controls chips entity list embargo licence semiconductor dualuse "
    "enforcement treasury designation evasion shipment customs tariff compliance",
    "surveillance": "biometric facial recognition camera police retention warrantless drones "
    "spyware intercept metadata tracking location broker subpoena oversight",
    "infrastructure": "grid substation pipeline water utility ransomware outage scada "
    "operator resilience blackout telemetry turbine pumps control backup",
    "treaties": "convention negotiation drafting ratification article state delegation "
    "norms geneva protocol tribunal jurisdiction sovereignty customary consensus",
}
COMMON = [
    "policy",
    "government",
    "report",
    "experts",
    "analysis",
    "week",
    "year",
    "public",
    "debate",
    "question",
    "change",
    "approach",
    "risk",
    "impact",
    "future",
    "agency",
    "minister",
    "officials",
    "statement",
    "response",
    "plan",
]
TAGS = {
    topic: [f"{topic}-{n}" for n in range(4)] + [f"shared-{n}" for n in range(3)]
    for topic in TOPICS
}

pytestmark = pytest.mark.django_db(transaction=True)


# Each topic has its named words and a long tail of rarer ones, drawn Zipf-like as in real
# writing, so terms are spread from everyday to unique.
VOCABULARY = {
    topic: words.split() + [f"{topic[:5]}x{n}" for n in range(120)]
    for topic, words in TOPICS.items()
}
ZIPF = {topic: [1 / (rank + 1) for rank in range(len(v))] for topic, v in VOCABULARY.items()}


def text(rng: random.Random, topic: str, words: int) -> str:
    picked = [
        rng.choices(VOCABULARY[topic], ZIPF[topic])[0]
        if rng.random() < 0.75
        else rng.choice(COMMON)
        for _ in range(words)
    ]
    return " ".join(picked).capitalize() + "."


def fields(rng: random.Random, topic: str) -> dict:
    return {
        "title": text(rng, topic, rng.randint(3, 7)).rstrip("."),
        "excerpt": text(rng, topic, rng.randint(0, 12)) if rng.random() < 0.5 else "",
        "body": "\n\n".join(text(rng, topic, rng.randint(20, 60)) for _ in range(3)),
    }


def snapshot() -> dict:
    """Everything the engine stores, exactly."""
    return {
        "index": dict(PostIndex.objects.values_list("post_id", "signature")),
        "terms": sorted(PostTerm.objects.values_list("post_id", "term", "weight", "lookup")),
        "lists": sorted(
            RelatedPost.objects.values_list(
                "post_id", "rank", "related_id", "pinned", "score", "reason"
            )
        ),
    }


class Blog:
    """A generated blog and the changes editors make to it."""

    def __init__(self, rng: random.Random, size: int):
        self.rng = rng
        self.author = get_user_model().objects.create(username="writer")
        self.categories = {t: Category.objects.create(name=t.title()) for t in TOPICS}
        now = timezone.now()
        topics = [rng.choice(list(TOPICS)) for _ in range(size)]
        posts = Post.objects.bulk_create(  # no signals: the starting rebuild indexes them
            Post(
                slug=f"post-{n}",
                author=self.author,
                status=Post.Status.PUBLISHED,
                published_at=now - datetime.timedelta(hours=n + 1),
                **fields(rng, topic),
            )
            for n, topic in enumerate(topics)
        )
        names = {name for topic_tags in TAGS.values() for name in topic_tags}
        tags = {name: Tag.objects.create(name=name) for name in sorted(names)}
        post_type = ContentType.objects.get_for_model(Post)
        filed, tagged = [], []
        for post, topic in zip(posts, topics, strict=True):
            if rng.random() < 0.7:
                tagged += [
                    TaggedItem(content_type=post_type, object_id=post.pk, tag=tags[name])
                    for name in rng.sample(TAGS[topic], rng.randint(1, 3))
                ]
            if rng.random() < 0.5:
                filed.append(Post.categories.through(post=post, category=self.categories[topic]))
        TaggedItem.objects.bulk_create(tagged)
        Post.categories.through.objects.bulk_create(filed)
        self.counter = size

    def any_post(self, **filters) -> Post | None:
        ids = list(Post.objects.filter(**filters).values_list("pk", flat=True))
        return Post.objects.get(pk=self.rng.choice(ids)) if ids else None

    def publish_new(self):
        self.counter += 1
        topic = self.rng.choice(list(TOPICS))
        post = Post.objects.create(
            slug=f"new-{self.counter}",
            author=self.author,
            status=Post.Status.PUBLISHED,
            published_at=timezone.now() - datetime.timedelta(minutes=1),
            **fields(self.rng, topic),
        )
        post.tags.add(*self.rng.sample(TAGS[topic], self.rng.randint(0, 3)))

    def edit_text(self):
        post = self.any_post()
        for name, value in fields(self.rng, self.rng.choice(list(TOPICS))).items():
            if self.rng.random() < 0.6:
                setattr(post, name, value)
        post.save()

    def retag(self):
        post = self.any_post()
        topic = self.rng.choice(list(TOPICS))
        if self.rng.random() < 0.5 and post.tags.exists():
            post.tags.remove(self.rng.choice(list(post.tags.all())))
        else:
            post.tags.add(self.rng.choice(TAGS[topic]))

    def refile(self):
        post = self.any_post()
        post.categories.set(self.rng.sample(list(self.categories.values()), self.rng.randint(0, 2)))

    def unpublish(self):
        post = self.any_post(status=Post.Status.PUBLISHED)
        post.status = self.rng.choice([Post.Status.DRAFT, Post.Status.PENDING])
        post.save()

    def republish(self):
        post = self.any_post(status__in=[Post.Status.DRAFT, Post.Status.PENDING])
        if post:
            post.status = Post.Status.PUBLISHED
            post.save()

    def schedule(self):
        post = self.any_post()
        post.status = Post.Status.PUBLISHED
        post.published_at = timezone.now() + datetime.timedelta(days=self.rng.randint(1, 9))
        post.save()

    def delete(self):
        self.any_post().delete()

    def pin_or_exclude(self):
        post, other = self.any_post(status=Post.Status.PUBLISHED), self.any_post()
        if post is None or other is None or post.pk == other.pk:
            return
        existing = RelatedPostOverride.objects.filter(post=post, other=other).first()
        if existing is not None:
            existing.delete()
            return
        kind = self.rng.choice(["pin", "exclude", "exclude"])
        if kind == "exclude":  # mostly exclude a post that is listed today
            listed = list(
                RelatedPost.objects.filter(post=post, pinned=False).values_list(
                    "related_id", flat=True
                )
            )
            if listed:
                other = Post.objects.get(pk=self.rng.choice(listed))
        RelatedPostOverride.objects.get_or_create(
            post=post, other=other, defaults={"kind": kind, "position": self.rng.randint(0, 3)}
        )

    def several_at_once(self):
        with transaction.atomic():
            for _ in range(self.rng.randint(2, 4)):
                self.rng.choice([self.edit_text, self.retag, self.refile, self.unpublish])()


@pytest.fixture
def counting(monkeypatch):
    """Counts how often the one-post path had to recompute a neighbour's list in full."""
    calls = {"recompute": 0}
    original = services._recompute_lists

    def counted(post_ids):
        calls["recompute"] += 1
        return original(post_ids)

    monkeypatch.setattr(services, "_recompute_lists", counted)
    return calls


@pytest.mark.parametrize("seed", [1, 2])
def test_lists_kept_up_to_date_equal_a_full_rebuild(settings, counting, seed):
    settings.RELATED_POSTS_AUTO_REBUILD_MAX_POSTS = 0  # keep the statistics fixed throughout
    settings.RELATED_POSTS_COUNT, settings.RELATED_POSTS_SPARE = 4, 2  # full lists are common
    rng = random.Random(seed)
    blog = Blog(rng, size=320)
    assert related_rebuild() == 320
    start = snapshot()
    full = sum(1 for _, rank, *_ in start["lists"] if rank == 6)
    assert full > 320 * 0.6, "most lists must be full, so posts compete for places"

    actions = [
        (blog.publish_new, 6),
        (blog.edit_text, 8),
        (blog.retag, 6),
        (blog.refile, 4),
        (blog.unpublish, 4),
        (blog.republish, 3),
        (blog.schedule, 2),
        (blog.delete, 3),
        (blog.pin_or_exclude, 4),
        (blog.several_at_once, 3),
    ]
    for _ in range(160):
        action = rng.choices([a for a, _ in actions], weights=[w for _, w in actions])[0]
        action()

    kept_up_to_date = snapshot()
    assert kept_up_to_date["lists"] != start["lists"]
    assert counting["recompute"] > 0, "the sequence never made a full list lose a post"
    related_rebuild(keep_statistics=True)
    rebuilt = snapshot()
    assert kept_up_to_date["index"] == rebuilt["index"]
    assert kept_up_to_date["terms"] == rebuilt["terms"]
    assert kept_up_to_date["lists"] == rebuilt["lists"]
