"""Rate limits: the one helper every form and endpoint that can be hammered goes through.

Count an attempt and refuse when a scope's limit is spent, keyed by the client's network
(newsroom.clientip: its /24 for IPv4, its /64 for IPv6, through the trusted proxies)::

    from newsroom import ratelimit

    if ratelimit.hit("checkout", ratelimit.client_network(request), settings.CHECKOUT_RATE_LIMIT):
        return too_many(request)

or, for a whole view, with the rate named by its setting (read on each request)::

    @ratelimit.limit("sign-in", rate_setting="SIGN_IN_RATE_LIMIT")
    def sign_in(request): ...

A rate is "count/period" with a period of s, m, h or d ("10/h"). Windows are fixed (the
hour on the clock, not the last sixty minutes), so up to twice the count can pass around a
window's edge; counters live in the default cache (atomic add and incr on Redis and on
local memory) and vanish with their window. A key may be anything: a network, a checkout
session, an address with its network, or one fixed key for a site-wide cap.
"""

import functools
import hashlib
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse

from newsroom.clientip import client_ip, client_network

__all__ = ["client_ip", "client_network", "hit", "limit", "parse_rate"]

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """Return (count, seconds) for a rate such as "10/h"; ValueError for anything else."""
    count, _, period = rate.strip().partition("/")
    if not count.isascii() or not count.isdigit() or period not in PERIODS:
        raise ValueError(f"{rate!r} is not a rate like 10/h (a count, then /s, /m, /h or /d).")
    return int(count), PERIODS[period]


def hit(scope: str, key: str, rate: str) -> bool:
    """Count one attempt for `key` in `scope`; return True once the rate is exceeded."""
    limit_, seconds = parse_rate(rate)
    window = int(time.time() // seconds)
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    cache_key = f"ratelimit:{scope}:{digest}:{window}"
    if cache.add(cache_key, 1, seconds + 1):
        return 1 > limit_
    try:
        return cache.incr(cache_key) > limit_
    except ValueError:  # the counter expired between add and incr: this is a new window
        cache.add(cache_key, 1, seconds + 1)
        return 1 > limit_


def too_many(request) -> HttpResponse:
    return HttpResponse(
        "Too many requests. Please wait a while and try again.\n",
        status=429,
        content_type="text/plain; charset=utf-8",
    )


def limit(
    scope: str,
    *,
    rate_setting: str,
    key: Callable = client_network,
    methods: tuple[str, ...] = ("POST",),
    refused: Callable = too_many,
):
    """Decorate a view: each request in `methods` counts against `key(request)`; over the
    rate named by the setting `rate_setting`, the view answers `refused(request)` (a 429)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            rate = getattr(settings, rate_setting)
            if request.method in methods and hit(scope, key(request), rate):
                return refused(request)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
