"""Counting requests in the cache, for limits that are not sign-in (sign-in is django-axes').

A fixed window per (purpose, value): the first hit adds a counter that expires with the window,
later hits increment it. The value is hashed, so no address or e-mail address is a cache key.
Redis in production, the local-memory cache in development and tests. **A cache failure lets
the request through and is logged**: refusing everyone because Redis is down would be worse
than an hour without the limit. We wrote this (about 20 lines) rather than add
django-ratelimit, whose system checks reject both Django's own Redis cache and locmem.
"""

from __future__ import annotations

import hashlib
import logging
import time

from django.core.cache import cache

log = logging.getLogger("scsp.security")


def hit(purpose: str, value: str, *, limit: int, window: int) -> bool:
    """Count one request; True while the count in this window is within ``limit``."""
    slot = int(time.time() // window)
    digest = hashlib.sha256(f"{purpose}:{value}".encode()).hexdigest()[:32]
    key = f"scsp-rl:{purpose}:{slot}:{digest}"
    try:
        cache.add(key, 0, timeout=window + 60)
        count = cache.incr(key)
    except Exception:  # noqa: BLE001 - fail open, loudly
        log.exception("rate limit %s: the cache failed; letting the request through", purpose)
        return True
    return count <= limit
