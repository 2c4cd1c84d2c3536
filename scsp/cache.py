"""The cache is optional: Redis down means compute, never fail.

:class:`OptionalRedisCache` is Django's Redis cache whose reads answer "not cached" and whose
writes do nothing when Redis cannot be reached, with one warning in the log. After a failure
it stops trying for ``CACHE_RETRY_SECONDS`` (the "circuit" is open), so a request during an
outage does not wait on a connect timeout for every cache call: a page costs what it costs
without the cache, and the next attempt after the pause finds Redis again when it is back.

Counters (:meth:`incr` / :meth:`decr`) cannot pretend, so they raise :class:`CacheUnavailable`
at once; their one user, :mod:`scsp.ratelimit`, lets the request through and logs it.
"""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

log = logging.getLogger(__name__)


class CacheUnavailable(Exception):
    """Redis could not be reached (now, or within the last ``CACHE_RETRY_SECONDS``)."""


def _redis_errors() -> tuple[type[BaseException], ...]:
    import redis

    return (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)


class OptionalRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._down_until = 0.0
        self._lock = threading.Lock()
        self._errors = _redis_errors()

    def _retry_seconds(self) -> float:
        return float(getattr(settings, "CACHE_RETRY_SECONDS", 10))

    def _call(self, name: str, default, *args, **kwargs):
        if time.monotonic() < self._down_until:
            return default
        try:
            return getattr(super(), name)(*args, **kwargs)
        except self._errors as exc:
            self._trip(name, exc)
            return default

    def _trip(self, name: str, exc: BaseException) -> None:
        with self._lock:
            first = time.monotonic() >= self._down_until
            self._down_until = time.monotonic() + self._retry_seconds()
        if first:
            log.warning("cache unavailable (%s: %s); working without it for %ss",
                        name, type(exc).__name__, self._retry_seconds())

    @property
    def available(self) -> bool:
        """False while the circuit is open after a failure."""
        return time.monotonic() >= self._down_until

    # Reads: a failure is a miss.
    def get(self, key, default=None, version=None):
        return self._call("get", default, key, default, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, key, version)

    # Writes: a failure writes nothing.
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", False, key, value, timeout, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", None, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", list(data), data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", False, key, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", None, keys, version)

    def clear(self):
        return self._call("clear", False)

    # Counters: no honest default, so a failure is an error the caller handles.
    def incr(self, key, delta=1, version=None):
        if not self.available:
            raise CacheUnavailable("the cache is unavailable")
        try:
            return super().incr(key, delta, version)
        except self._errors as exc:
            self._trip("incr", exc)
            raise CacheUnavailable("the cache is unavailable") from exc

    def decr(self, key, delta=1, version=None):
        return self.incr(key, -delta, version)
