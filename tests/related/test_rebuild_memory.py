"""The rebuild holds every post's entry compactly (flat arrays, terms numbered once) and streams
posts in chunks; long posts score on their kept terms, so they get full lists too."""

import pytest

from related.candidates import MemoryPostings
from related.models import RelatedPost
from related.rebuild import related_rebuild
from tests.factories import PostFactory


def test_memory_postings_give_back_what_was_added():
    memory = MemoryPostings()
    memory.add(7, {"cipher": 0.5, "#tag:crypto": 0.2, "key": 0.1}, ["#tag:crypto", "cipher"])
    memory.add(3, {"cipher": 0.25, "garden": 0.9}, ["cipher"])
    assert memory.vector(7) == {"cipher": 0.5, "#tag:crypto": 0.2, "key": 0.1}
    assert memory.lookup(7) == ["#tag:crypto", "cipher"]
    assert memory.post_ids() == [3, 7]
    assert memory.terms() == {"cipher", "#tag:crypto", "key", "garden"}
    postings = memory.lookup_postings(["cipher", "unknown"])
    assert sorted(postings["cipher"]) == [(3, 0.25), (7, 0.5)]
    assert "unknown" not in postings
    assert memory.weights([3], ["cipher"]) == {3: {"cipher": 0.25, "garden": 0.9}}


def test_memory_postings_store_a_few_bytes_per_term():
    memory = MemoryPostings()
    for pk in range(2000):
        memory.add(pk, {f"term{pk % 300}-{i}": 0.1 * i for i in range(50)}, [])
    stored = memory._term_of.itemsize + memory._weight_of.itemsize
    assert len(memory._term_of) == 100_000 and stored <= 12


@pytest.mark.django_db
def test_rebuild_in_small_chunks_gives_the_lists_of_one_big_chunk(
    django_capture_on_commit_callbacks, settings
):
    settings.RELATED_POSTS_AUTO_REBUILD_MAX_POSTS = 0
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(12):
            topic = ["cipher keys escrow", "ballot voter audit", "grid outage scada"][n % 3]
            PostFactory(title=f"Note {n} on {topic}", body=f"{topic} and more {topic}.")
    related_rebuild(chunk_size=1000)
    whole = sorted(RelatedPost.objects.values_list("post_id", "related_id", "rank", "score"))
    related_rebuild(chunk_size=5)
    assert sorted(RelatedPost.objects.values_list("post_id", "related_id", "rank", "score")) == (
        whole
    )
    assert whole


@pytest.mark.django_db
def test_long_posts_get_full_lists(django_capture_on_commit_callbacks):
    def own_words(n):  # hundreds of words of its own, far beyond the kept terms
        return " ".join(f"topic{n}word{i}" for i in range(400))

    with django_capture_on_commit_callbacks(execute=True):
        for n in range(6):
            PostFactory(title=f"Garden {n}", body="Tomatoes and beans.")
        posts = [
            PostFactory(title=f"Kernel tracing {n}", body=f"Kernel tracing probes. {own_words(n)}")
            for n in range(7)
        ]
    assert RelatedPost.objects.filter(post=posts[0]).count() >= 5


@pytest.mark.parametrize("numpy", [False, True], ids=["plain", "numpy"])
def test_memory_scores_are_the_floats_of_the_one_post_path(numpy, monkeypatch):
    """The rebuild scores from its arrays (with NumPy when installed); the one-post path scores
    dicts with ``similarity``. Both add the shared terms in term order, so a pair's score is the
    same float either way."""
    import random

    from related import candidates
    from related.scoring import similarity

    if numpy:
        pytest.importorskip("numpy")
        monkeypatch.setattr(candidates, "NUMPY_FROM", 1)
        monkeypatch.setattr(candidates, "NUMPY_ROWS", 7)  # several blocks per post
    else:
        monkeypatch.setattr(candidates, "_numpy", None)

    rng = random.Random(5)
    vocabulary = [f"w{i}" for i in range(120)] + ["#tag:a", "#tag:b", "#cat:c"]
    vectors = {
        pk: {t: rng.random() for t in rng.sample(vocabulary, rng.randint(1, 40))}
        for pk in range(1, 60)
    }
    memory = MemoryPostings()
    for pk, vector in vectors.items():
        memory.add(pk, vector, [])
    rarities2 = {t: rng.random() for t in vocabulary}
    memory.add(60, {"w999": 1.0}, [])  # shares nothing: scores 0.0
    vectors[60] = {"w999": 1.0}
    rarities2["w999"] = 0.5
    others = sorted(vectors)
    for pk, vector in vectors.items():
        scores = memory.scores(pk, others, rarities2)
        assert scores == {o: similarity(vector, vectors[o], rarities2) for o in others}
    decoded = memory.decoded()
    assert decoded[7] == vectors[7] and len(decoded) == len(vectors)
    with pytest.raises(KeyError):
        decoded[999]


def test_numpy_candidates_follow_the_plain_rule():
    """The rebuild's NumPy path chooses exactly the candidates of the plain rule."""
    pytest.importorskip("numpy")
    import random

    from related import candidates

    rng = random.Random(9)
    vocabulary = [f"w{i}" for i in range(40)]
    memory = MemoryPostings()
    vectors, lookups = {}, {}
    for pk in range(3, 300, 3):  # ids with gaps, as after deletions
        vectors[pk] = {t: rng.random() for t in rng.sample(vocabulary, rng.randint(2, 12))}
        lookups[pk] = sorted(rng.sample(sorted(vectors[pk]), min(4, len(vectors[pk]))))
        memory.add(pk, vectors[pk], lookups[pk])
    rarities2 = {t: rng.random() for t in vocabulary}

    def found(pk, keep=None):
        result = candidates.scored_candidates(
            post_id=pk,
            vector=vectors[pk],
            lookup=lookups[pk],
            rarities2=rarities2,
            postings=memory,
            keep=keep,
        )
        return result.scores

    kept = {pk: found(pk, keep=3) for pk in vectors}

    with_numpy = {pk: found(pk) for pk in vectors}
    original = candidates._numpy
    candidates._numpy = None
    try:
        plain = {pk: found(pk) for pk in vectors}
    finally:
        candidates._numpy = original
    assert with_numpy == plain
    for pk, scores in plain.items():  # the best three, as lists rank them
        assert kept[pk] == dict(sorted(scores.items(), key=lambda i: (-i[1], i[0]))[:3])
    assert sum(len(s) for s in plain.values()) > 100  # the rule chose something
    assert any(0 < len(s) < len(vectors) - 1 for s in plain.values())  # and left some out
