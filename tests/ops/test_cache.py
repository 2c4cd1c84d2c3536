"""The cache is optional: with Redis unreachable a read is a miss, a write does nothing, a
counter says so at once, and after a pause the cache is tried again (a real Redis)."""

from __future__ import annotations

import pytest

from scsp.cache import CacheUnavailable, OptionalRedisCache
from tests.ops.servers import FixedPortRedis

pytestmark = pytest.mark.redis


def make(url, retry_seconds, settings):
    settings.CACHE_RETRY_SECONDS = retry_seconds
    return OptionalRedisCache(url, {"OPTIONS": {"socket_connect_timeout": 0.5,
                                                "socket_timeout": 0.5}})


def test_redis_down_is_a_miss_and_redis_back_is_used_again(settings):
    redis = FixedPortRedis().start()
    try:
        cache = make(redis.url, 0, settings)
        cache.set("figures", {"q4": 12})
        assert cache.get("figures") == {"q4": 12}
        redis.stop()
        assert cache.get("figures") is None
        assert cache.get("figures", "default") == "default"
        assert cache.set("figures", 1) is None and cache.add("k", 1) is False
        assert cache.get_many(["a", "b"]) == {} and cache.delete("figures") is False
        with pytest.raises(CacheUnavailable):
            cache.incr("counter")
        redis.start()  # an empty Redis again, where the app expects it
        assert cache.get("figures") is None
        cache.set("figures", 2)
        assert cache.get("figures") == 2
    finally:
        redis.destroy()


def test_after_a_failure_the_cache_is_not_tried_until_the_pause_ends(settings):
    redis = FixedPortRedis().start()
    try:
        cache = make(redis.url, 3600, settings)
        redis.stop()
        assert cache.get("x") is None  # fails: the circuit opens
        assert not cache.available
        redis.start()
        cache.set("x", 1)  # skipped, Redis is not asked during the pause
        assert cache.get("x") is None
        cache._down_until = 0  # the pause over
        cache.set("x", 1)
        assert cache.get("x") == 1
    finally:
        redis.destroy()


@pytest.mark.django_db
def test_a_finished_quarters_report_is_computed_when_the_cache_is_down(
        client_for, chair, settings):
    settings.CACHES = {"default": {"BACKEND": "scsp.cache.OptionalRedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/0",
                                   "OPTIONS": {"socket_connect_timeout": 0.5}}}
    response = client_for(chair).get("/reports/quarterly/2025-26/q4/")
    assert response.status_code == 200
    assert "Q4" in response.content.decode()
