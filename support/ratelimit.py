"""Fixed-window rate limits kept in the cache (atomic add/incr on Redis and local memory)."""

import hashlib
import ipaddress
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


def client_network(request) -> str:
    """The client's network: its /24 for IPv4, its /48 for IPv6 (one household or office)."""
    try:
        address = ipaddress.ip_address(client_ip(request))
    except ValueError:
        return client_ip(request)
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


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
