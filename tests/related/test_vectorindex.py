"""pgvector for semantic candidates: used only when the database has the ``vector`` extension
(checked once per process), otherwise the chunked scan. The extension is not installed where the
project is developed, so these tests cover the check and the fallback, including a pgvector path
that fails: the lists stay right."""

import logging

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from related import semantic, vectorindex
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="pgvector is a PostgreSQL extension"
)


@pytest.fixture(autouse=True)
def fresh_check(settings):
    settings.RELATED_POSTS_SEMANTIC = "tests.related.standin_encoder.factory"
    settings.RELATED_POSTS_AUTO_REBUILD_MAX_POSTS = 0
    semantic._load.cache_clear()
    vectorindex.forget()
    yield
    vectorindex.forget()
    semantic._load.cache_clear()


def car_posts():
    posts = [PostFactory(title=f"Sedan {n}", excerpt="Cars.", body="A vehicle.") for n in range(3)]
    semantic.embed_posts([p.pk for p in posts])
    return posts


def test_without_the_extension_the_scan_finds_the_candidates(django_assert_num_queries):
    posts = car_posts()  # storing the embeddings checked already
    vectorindex.forget()
    with CaptureQueriesContext(connection) as first:
        assert not vectorindex.enabled()
    checks = [q for q in first.captured_queries if "pg_extension" in q["sql"]]
    assert len(checks) == (1 if connection.vendor == "postgresql" else 0)
    with django_assert_num_queries(0):
        assert not vectorindex.enabled(), "checked once"
    assert vectorindex.nearest({posts[0].pk: [1.0, 0, 0, 0]}, limit=5, floor=0.35) is None
    near = semantic.neighbours(semantic.stored_vectors([posts[0].pk]))[posts[0].pk]
    assert set(near) == {posts[1].pk, posts[2].pk}


def test_turned_off_by_the_setting(settings, django_assert_num_queries):
    settings.RELATED_POSTS_PGVECTOR = False
    with django_assert_num_queries(0):
        assert not vectorindex.enabled()


@postgres_only
def test_a_failing_pgvector_path_falls_back_to_the_scan_for_good(caplog):
    posts = car_posts()
    scanned = semantic.neighbours(semantic.stored_vectors([posts[0].pk]))
    # As if the extension and its table were there: the query fails (no type "vector").
    vectorindex._state.update(extension=True, table=True)
    with caplog.at_level(logging.ERROR, logger="related.vectorindex"):
        near = semantic.neighbours(semantic.stored_vectors([posts[0].pk]))
    assert near == scanned
    assert "using the chunked scan" in caplog.text
    assert not vectorindex.enabled(), "not tried again"
    # The failure rolled back to its savepoint: the transaction goes on.
    assert PostFactory(title="Sedan 4").pk
