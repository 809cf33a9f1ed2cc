"""Fixed-window rate limits kept in the cache (atomic add/incr on Redis and local memory)."""

import hashlib
import time

from django.core.cache import cache

from newsroom import clientip

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """Return (count, seconds) for a rate such as "10/h"."""
    count, _, period = rate.partition("/")
    return int(count), PERIODS[period]


def client_ip(request) -> str:
    """The client's address through the trusted proxies (newsroom.clientip)."""
    return clientip.client_ip(request)


def hit(scope: str, key: str, rate: str) -> bool:
    """Count one attempt; return True when the limit for this window is exceeded."""
    limit, seconds = parse_rate(rate)
    window = int(time.time() // seconds)
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    cache_key = f"ratelimit:{scope}:{digest}:{window}"
    if cache.add(cache_key, 1, seconds + 1):
        return 1 > limit
    try:
        return cache.incr(cache_key) > limit
    except ValueError:
        cache.add(cache_key, 1, seconds + 1)
        return False
