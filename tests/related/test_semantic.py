"""The optional semantic signal, with a tiny stand-in encoder (the real model is an optional
extra; its figures are in docs/related-posts.md): embeddings computed after commit by the
process's background thread, off the request; the hybrid finds posts that share meaning but no
word and says so in the reason; a failing encoder never fails a save; a rebuild computes what the
thread missed and makes the same lists as the one-post path."""

import logging
import threading

import pytest

from related import embedder as embedder_module
from related import semantic, signals
from related.models import PostEmbedding, RelatedPost
from related.rebuild import related_rebuild
from tests.factories import PostFactory
from tests.related import standin_encoder

STAND_IN = "tests.related.standin_encoder.factory"
FAILING = "tests.related.standin_encoder.failing"
# The background thread has its own database connection: it sees only committed rows.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def hybrid(settings):
    settings.RELATED_POSTS_SEMANTIC = STAND_IN
    settings.RELATED_POSTS_AUTO_REBUILD_MAX_POSTS = 0
    semantic._load.cache_clear()
    yield settings
    assert embedder_module.embedder.drain(timeout=30)
    semantic._load.cache_clear()


def drained():
    assert embedder_module.embedder.drain(timeout=30), "the background thread finished"


def make_posts():
    car = PostFactory(title="Sedan prices", excerpt="Dealers.", body="A sedan costs more.")
    vehicle = PostFactory(title="Automobile fleets", excerpt="Vans.", body="Vehicle leasing.")
    garden = PostFactory(title="Garden notes", excerpt="Soil.", body="Tomatoes and beans.")
    return car, vehicle, garden


def lists():
    return sorted(RelatedPost.objects.values_list("post_id", "related_id", "rank", "score"))


def test_off_by_default_no_embedding_is_stored():
    car, vehicle, _ = make_posts()
    drained()
    assert not semantic.enabled()
    assert not PostEmbedding.objects.exists()
    assert not RelatedPost.objects.filter(post=car, related=vehicle).exists(), "no shared word"


def test_publishing_stores_an_embedding_off_the_request_and_finds_posts_that_share_no_word(
    hybrid, monkeypatch
):
    threads = set()
    encode = standin_encoder.StandInEncoder.encode

    def recording(self, texts):
        threads.add(threading.current_thread().name)
        return encode(self, texts)

    monkeypatch.setattr(standin_encoder.StandInEncoder, "encode", recording)
    car, vehicle, garden = make_posts()
    drained()
    assert threads == {"related-embeddings"}, "never encoded in the saving thread"
    assert PostEmbedding.objects.count() == 3
    row = RelatedPost.objects.get(post=car, related=vehicle)
    assert "similar meaning" in row.reason
    assert RelatedPost.objects.filter(post=vehicle, related=car).exists()
    assert not RelatedPost.objects.filter(post=car, related=garden).exists()


def test_a_changed_text_is_encoded_again_and_the_lists_follow(hybrid):
    car, vehicle, garden = make_posts()
    drained()
    before = PostEmbedding.objects.get(post=garden).signature
    garden.body = "Our sedan, an automobile, a vehicle."
    garden.save()
    drained()
    assert PostEmbedding.objects.get(post=garden).signature != before
    assert RelatedPost.objects.filter(post=car, related=garden).exists()
    assert semantic.embed_posts([car.pk, vehicle.pk, garden.pk]) == 0, "all current"


def test_a_failing_encoder_never_fails_a_save_and_the_rebuild_fills_in(hybrid, caplog):
    hybrid.RELATED_POSTS_SEMANTIC = FAILING
    hybrid.RELATED_POSTS_AUTO_REBUILD_MAX_POSTS = 2000  # term statistics taken as posts come
    with caplog.at_level(logging.ERROR, logger="related.embedder"):
        make_posts()
        car = PostFactory(title="Sedan leasing", excerpt="Dealers.", body="Leasing a sedan.")
        other = PostFactory(title="Sedan fleets", excerpt="Vans.", body="Sedan leasing.")
        drained()
    assert "computing the embeddings of posts" in caplog.text
    assert not PostEmbedding.objects.exists()
    assert RelatedPost.objects.filter(post=car, related=other).exists(), "the lexical list"

    hybrid.RELATED_POSTS_SEMANTIC = STAND_IN
    related_rebuild()
    assert PostEmbedding.objects.count() == 5


def test_a_full_queue_leaves_posts_to_the_rebuild(hybrid, monkeypatch, caplog):
    hybrid.RELATED_POSTS_SEMANTIC_QUEUE = 1
    worker = embedder_module.Embedder()
    monkeypatch.setattr(signals, "embedder", worker)
    busy, release = threading.Event(), threading.Event()
    encode = standin_encoder.StandInEncoder.encode

    def slow(self, texts):
        busy.set()
        assert release.wait(30)
        return encode(self, texts)

    monkeypatch.setattr(standin_encoder.StandInEncoder, "encode", slow)
    first = PostFactory(title="Sedan prices", excerpt="Dealers.", body="A sedan costs more.")
    assert busy.wait(30), "the thread is encoding the first post"
    with caplog.at_level(logging.WARNING, logger="related.embedder"):
        queued = PostFactory(title="Automobile fleets", excerpt="Vans.", body="Vehicle leasing.")
        left_out = PostFactory(title="Vehicle loans", excerpt="Cash.", body="A car loan.")
    assert "queue is full" in caplog.text
    release.set()
    assert worker.drain(timeout=30)
    embedded = set(PostEmbedding.objects.values_list("post_id", flat=True))
    assert embedded == {first.pk, queued.pk}
    related_rebuild()
    assert left_out.pk in set(PostEmbedding.objects.values_list("post_id", flat=True))
    worker.stop(timeout=5)


def test_rebuild_makes_the_lists_of_the_one_post_path(hybrid):
    make_posts()
    drained()
    before = lists()
    related_rebuild(keep_statistics=True)
    assert lists() == before
    assert before, "the hybrid stored lists"


def test_the_scan_reads_in_chunks_and_keeps_the_closest(hybrid, monkeypatch):
    monkeypatch.setattr(semantic, "SCAN_CHUNK", 2)
    posts = [PostFactory(title=f"Cars {n}", excerpt="Sedan.", body="Vehicle.") for n in range(5)]
    drained()
    semantic.embed_posts([p.pk for p in posts])
    monkeypatch.setattr(semantic, "neighbours_limit", lambda: 3)
    vectors = semantic.stored_vectors([posts[0].pk])
    near = semantic.neighbours(vectors)[posts[0].pk]
    assert len(near) == 3 and posts[0].pk not in near
    assert all(cosine > 0.99 for cosine in near.values())
