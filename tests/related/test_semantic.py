"""The optional semantic signal, with a tiny stand-in encoder (the real model is an optional
extra; its figures are in docs/related-posts.md): embeddings stored per post after commit, the
hybrid finds posts that share meaning but no word, says so in the reason, and a rebuild makes the
same lists as the one-post path."""

import pytest

from related import semantic
from related.models import PostEmbedding, RelatedPost
from related.rebuild import related_rebuild
from tests.factories import PostFactory

STAND_IN = "tests.related.standin_encoder.factory"
pytestmark = pytest.mark.django_db


@pytest.fixture
def hybrid(settings):
    settings.RELATED_POSTS_SEMANTIC = STAND_IN
    settings.RELATED_POSTS_AUTO_REBUILD_MAX_POSTS = 0
    semantic._load.cache_clear()
    yield
    semantic._load.cache_clear()


def make_posts(capture):
    with capture(execute=True):
        car = PostFactory(title="Sedan prices", excerpt="Dealers.", body="A sedan costs more.")
        vehicle = PostFactory(title="Automobile fleets", excerpt="Vans.", body="Vehicle leasing.")
        garden = PostFactory(title="Garden notes", excerpt="Soil.", body="Tomatoes and beans.")
    return car, vehicle, garden


def lists():
    return sorted(RelatedPost.objects.values_list("post_id", "related_id", "rank", "score"))


def test_off_by_default_no_embedding_is_stored(django_capture_on_commit_callbacks):
    car, vehicle, _ = make_posts(django_capture_on_commit_callbacks)
    assert not semantic.enabled()
    assert not PostEmbedding.objects.exists()
    assert not RelatedPost.objects.filter(post=car, related=vehicle).exists(), "no shared word"


def test_publishing_stores_an_embedding_and_finds_posts_that_share_no_word(
    hybrid, django_capture_on_commit_callbacks
):
    car, vehicle, garden = make_posts(django_capture_on_commit_callbacks)
    assert PostEmbedding.objects.count() == 3
    row = RelatedPost.objects.get(post=car, related=vehicle)
    assert "similar meaning" in row.reason
    assert not RelatedPost.objects.filter(post=car, related=garden).exists()


def test_an_unchanged_post_is_not_encoded_again(hybrid, django_capture_on_commit_callbacks):
    car, *_ = make_posts(django_capture_on_commit_callbacks)
    assert semantic.embed_posts([car.pk]) == 0
    car.body = "A physician drives a sedan."
    car.save()
    assert semantic.embed_posts([car.pk]) == 1


def test_rebuild_makes_the_lists_of_the_one_post_path(hybrid, django_capture_on_commit_callbacks):
    make_posts(django_capture_on_commit_callbacks)
    before = lists()
    related_rebuild(keep_statistics=True)
    assert lists() == before
    assert before, "the hybrid stored lists"


def test_the_scan_reads_in_chunks_and_keeps_the_closest(hybrid, monkeypatch):
    monkeypatch.setattr(semantic, "SCAN_CHUNK", 2)
    posts = [PostFactory(title=f"Cars {n}", excerpt="Sedan.", body="Vehicle.") for n in range(5)]
    semantic.embed_posts([p.pk for p in posts])
    monkeypatch.setattr(semantic, "neighbours_limit", lambda: 3)
    vectors = semantic.stored_vectors([posts[0].pk])
    near = semantic.neighbours(vectors)[posts[0].pk]
    assert len(near) == 3 and posts[0].pk not in near
    assert all(cosine > 0.99 for cosine in near.values())
