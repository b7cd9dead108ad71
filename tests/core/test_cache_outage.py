"""Pages are served whole when Redis is down: the cache only ever holds copies."""

import pytest
from django.core.cache import caches

from blog.models import Post
from core.cache import FaultTolerantRedisCache
from core.models import SiteIdentity
from tests.factories import PostFactory

DOWN = {
    "BACKEND": "core.cache.FaultTolerantRedisCache",
    "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
    "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
}
UP = {
    "BACKEND": "core.cache.FaultTolerantRedisCache",
    "LOCATION": "redis://127.0.0.1:6379/9",
    "KEY_PREFIX": "groupblog-tests",
}
# The page cache (core.pagecache) shares the outage: its own alias on the same server.
DOWN_REDIS = {"default": DOWN, "pages": {**DOWN, "KEY_PREFIX": "groupblog-tests-pages"}}
UP_REDIS = {"default": UP, "pages": {**UP, "KEY_PREFIX": "groupblog-tests-pages"}}


@pytest.fixture
def redis_down(settings):
    settings.CACHES = DOWN_REDIS
    cache = caches["default"]
    assert isinstance(cache, FaultTolerantRedisCache)
    cache.set("probe", "value")
    assert cache.get("probe", "missed") == "missed"
    yield
    caches["default"].close()


def test_pages_are_served_when_redis_is_down(client, db, redis_down):
    post = PostFactory(title="Still readable")
    assert "Still readable" in client.get("/").content.decode()
    assert client.get(post.get_absolute_url()).status_code == 200
    assert client.get("/search/", {"q": "readable"}).status_code == 200


def part(html: str, tag: str) -> str:
    """The content of the page's first <tag> element."""
    return html.split(f"<{tag}", 1)[1].split(f"</{tag}>", 1)[0]


def test_saving_a_post_works_when_redis_is_down(client, db, redis_down):
    post = PostFactory(title="Before the outage")
    assert "Before the outage" in part(client.get("/").content.decode(), "aside")

    post.title = "Edited during an outage"
    post.save()  # the sidebar invalidation fails, and must not fail the save

    assert Post.objects.get(pk=post.pk).title == "Edited during an outage"
    html = client.get("/").content.decode()
    assert "Edited during an outage" in part(html, "main")
    assert "Edited during an outage" in part(html, "aside")  # recent posts: no stale copy
    assert "Before the outage" not in html


def test_renaming_the_site_works_when_redis_is_down(client, db, redis_down):
    SiteIdentity.objects.update_or_create(pk=1, defaults={"name": "Old Ledger"})
    assert "Old Ledger" in part(client.get("/").content.decode(), "header")

    identity = SiteIdentity.objects.get()
    identity.name = "New Ledger"
    identity.save()

    assert SiteIdentity.objects.get().name == "New Ledger"
    html = client.get("/").content.decode()
    assert "New Ledger" in part(html, "header") and "Old Ledger" not in html


def test_cache_is_used_when_redis_is_up(settings, client, db, django_assert_num_queries):
    import redis

    try:
        redis.Redis.from_url("redis://127.0.0.1:6379/9", socket_connect_timeout=0.5).ping()
    except redis.exceptions.RedisError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    settings.CACHES = UP_REDIS
    cache = caches["default"]
    assert isinstance(cache, FaultTolerantRedisCache)
    cache.clear()
    PostFactory()
    client.get("/")  # fills the cache
    # Another address of the same list (not a stored page): the content generation, then only
    # the list itself (count, page); the sidebar and the post cards come from Redis.
    with django_assert_num_queries(3):
        client.get("/?page=1")
    cache.clear()
