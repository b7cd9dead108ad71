"""A Redis cache whose outages degrade to cache misses instead of error pages.

The cache only ever holds copies (site identity, sidebar): when Redis is down, pages are served
from the database, slower but whole, and the failure is logged. Counters (``incr``) and ``add``
are not wrapped: code that relies on them decides itself how to fail.
"""

import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


class FaultTolerantRedisCache(RedisCache):
    def _unavailable(self, operation: str, exc: Exception) -> None:
        logger.warning("cache unavailable, %s skipped: %s", operation, exc)

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except RedisError as exc:
            self._unavailable("get", exc)
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except RedisError as exc:
            self._unavailable("get_many", exc)
            return {}

    def set(self, key, value, timeout=None, version=None):
        try:
            super().set(key, value, timeout, version)
        except RedisError as exc:
            self._unavailable("set", exc)

    def set_many(self, data, timeout=None, version=None):
        try:
            return super().set_many(data, timeout, version)
        except RedisError as exc:
            self._unavailable("set_many", exc)
            return list(data)

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except RedisError as exc:
            self._unavailable("delete", exc)
            return False

    def delete_many(self, keys, version=None):
        try:
            super().delete_many(keys, version)
        except RedisError as exc:
            self._unavailable("delete_many", exc)
