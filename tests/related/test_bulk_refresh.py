"""A transaction that changes many posts (an import) is followed by one rebuild instead of a
refresh per post when those refreshes would end in a rebuild anyway, and the lists come out
exactly as the refreshes one at a time would have left them."""

import datetime
import random

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from taggit.models import Tag

from blog.models import Category, Post
from related import services, signals
from related.models import CorpusStatistics, PostIndex, PostTerm, RelatedPost, TermStat
from related.rebuild import related_rebuild

pytestmark = pytest.mark.django_db(transaction=True)

WORDS = {
    "crypto": "cipher key escrow backdoor lawful access decrypt plaintext warrant vendor",
    "votes": "ballot voter campaign audit machine turnout registration recount polling",
    "grid": "substation pipeline water utility ransomware outage operator blackout turbine",
}


def text(rng, topic, words):
    vocabulary = WORDS[topic].split() + ["policy", "report", "week", "public", "agency"]
    return " ".join(rng.choice(vocabulary) for _ in range(words)).capitalize() + "."


def blog(rng, *, existing: int, new: int, prefix: str, refreshes: list) -> None:
    """``existing`` posts rebuilt, then ``new`` ones (and a few edits) in one transaction."""
    author = get_user_model().objects.create(username="writer")
    categories = {t: Category.objects.create(name=t) for t in WORDS}
    now = timezone.now()
    topics = [rng.choice(list(WORDS)) for _ in range(existing + new)]

    def fields(n):
        return {
            "slug": f"{prefix}post-{n}",
            "author": author,
            "title": text(rng, topics[n], 5),
            "body": text(rng, topics[n], 40),
            "published_at": now - datetime.timedelta(hours=n + 1),
        }

    old = Post.objects.bulk_create(  # no signals: the rebuild indexes them
        Post(status=Post.Status.PUBLISHED, **fields(n)) for n in range(existing)
    )
    for post, topic in zip(old, topics, strict=False):
        post.tags.add(*rng.sample(WORDS[topic].split()[:5], 2))
        post.categories.add(categories[topic])
    related_rebuild()
    refreshes.clear()
    with transaction.atomic():
        for n in range(existing, existing + new):
            status = Post.Status.DRAFT if n % 9 == 0 else Post.Status.PUBLISHED
            post = Post.objects.create(status=status, **fields(n))
            post.tags.add(*rng.sample(WORDS[topics[n]].split()[:5], 2))
            post.categories.add(categories[topics[n]])
        for post in old[:3]:
            post.body = text(rng, "grid", 30)
            post.save()
        old[3].status = Post.Status.DRAFT
        old[3].save()


def snapshot(prefix: str) -> dict:
    """Everything the engine stores, by slug (ids differ from one blog to the next)."""
    slugs = dict(Post.objects.values_list("pk", "slug"))

    def name(pk):
        return slugs[pk].removeprefix(prefix)

    return {
        "index": sorted(name(pk) for pk in PostIndex.objects.values_list("post_id", flat=True)),
        "terms": sorted(
            (name(p), t, w, lookup)
            for p, t, w, lookup in PostTerm.objects.values_list(
                "post_id", "term", "weight", "lookup"
            )
        ),
        "lists": sorted(
            (name(p), rank, name(r), pinned, score, reason)
            for p, rank, r, pinned, score, reason in RelatedPost.objects.values_list(
                "post_id", "rank", "related_id", "pinned", "score", "reason"
            )
        ),
        "statistics": (
            sorted(TermStat.objects.values_list("term", "df")),
            list(CorpusStatistics.objects.values_list("posts", "indexed_posts")),
        ),
    }


def forget_everything():
    Post.objects.all().delete()
    for model in (PostIndex, PostTerm, RelatedPost, TermStat, CorpusStatistics, Category, Tag):
        model.objects.all().delete()
    get_user_model().objects.all().delete()


@pytest.fixture
def refreshes(monkeypatch):
    calls = []
    real = services.related_refresh_for_post

    def counted(*, post_id):
        calls.append(post_id)
        return real(post_id=post_id)

    monkeypatch.setattr(services, "related_refresh_for_post", counted)
    return calls


@pytest.mark.parametrize("existing", [30, 120])
def test_one_rebuild_leaves_the_lists_the_refreshes_would_have(
    settings, monkeypatch, refreshes, existing
):
    settings.RELATED_POSTS_COUNT, settings.RELATED_POSTS_SPARE = 4, 2
    monkeypatch.setattr(signals, "REBUILD_INSTEAD_FROM", 10**9)  # one refresh per post
    blog(random.Random(existing), existing=existing, new=60, prefix="a-", refreshes=refreshes)
    assert len(refreshes) == 64  # the new posts and the four edited
    one_at_a_time = snapshot("a-")

    forget_everything()
    monkeypatch.setattr(signals, "REBUILD_INSTEAD_FROM", 50)
    blog(random.Random(existing), existing=existing, new=60, prefix="b-", refreshes=refreshes)
    assert refreshes == [], "one rebuild instead"
    assert snapshot("b-") == one_at_a_time


def test_a_large_blog_keeps_its_refreshes_one_at_a_time(settings, refreshes):
    """Above the automatic rebuild's size the refreshes never end in a rebuild: they run."""
    settings.RELATED_POSTS_AUTO_REBUILD_MAX_POSTS = 50
    blog(random.Random(7), existing=60, new=60, prefix="", refreshes=refreshes)
    assert len(refreshes) == 64  # the new posts and the four edited
    indexed = PostIndex.objects.count()
    assert indexed == Post.objects.filter(status=Post.Status.PUBLISHED).count()
