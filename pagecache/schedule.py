"""Scheduled changes: the lists a story joins when its publication time comes.

The page cache keeps the time of the next scheduled change (``NEXT_KEY``) and reads it
with every page; once it has passed, the tags that change then are invalidated, so a
scheduled story appears on time. ``PAGE_CACHE_NEXT_CHANGE`` names the function that says
when that is and which tags change (the articles app's, so this app needs none of its
models). A beat task does the same every minute for pages no request reaches (an edge
cache serving them), and shared pages are kept by the edge no longer than until then.
"""

import math
import time

from django.conf import settings
from django.core.cache import cache
from django.utils.module_loading import import_string

from pagecache.tags import invalidate

NEXT_KEY = "pagecache:next-change"


def remember_next() -> dict:
    """Look up, keep and return the next scheduled change: {"at": ns or 0, "tags": [...]}."""
    moment, tags = import_string(settings.PAGE_CACHE_NEXT_CHANGE)()
    upcoming = {"at": int(moment.timestamp() * 1e9) if moment else 0, "tags": list(tags)}
    cache.set(NEXT_KEY, upcoming, None)
    return upcoming


def due(upcoming: dict | None, now_ns: int) -> bool:
    """Invalidate what changes at a scheduled time that has passed; return whether it had.

    Unknown (an emptied cache): looked up again.
    """
    if upcoming is None:
        upcoming = remember_next()
    if not upcoming["at"] or now_ns < upcoming["at"]:
        return False
    invalidate(*upcoming["tags"])
    remember_next()
    return True


def publish_due() -> bool:
    return due(cache.get(NEXT_KEY), time.time_ns())


def seconds_until_next(limit: int) -> int:
    """How long an edge may keep a page: `limit`, or less when a scheduled change comes first."""
    upcoming = cache.get(NEXT_KEY)
    if not upcoming or not upcoming["at"]:
        return limit
    return max(1, min(limit, math.ceil((upcoming["at"] - time.time_ns()) / 1e9)))
