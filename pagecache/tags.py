"""Cache tags: what each reader page shows, and when each of those things last changed.

A kept page carries the tags of everything it shows (``add_tags`` while it renders) and the
time its rendering started. Each tag has a stamp in the cache: the time it was last
invalidated. The rule for a kept page is one: it is fresh while none of its tags was
invalidated after it was rendered (``pagecache.pages``). The same tags are the surrogate
keys an edge cache purges by (``pagecache.purge``).

Stamps are written when the change is made and again when its transaction commits: a page
rendered in between read the old rows, started before the second stamp, and so counts as
stale. Stamps never expire; ``LATEST_KEY`` holds the newest of them, so a hit can tell in
the same round trip as the page that nothing changed since. A missing stamp (an emptied
cache) counts as a change made now.
"""

import time

from django.core.cache import cache, caches
from django.db import transaction

PREFIX = "pagecache:tag:"
LATEST_KEY = "pagecache:latest"
ALL = "all"  # on every page: invalidate(ALL) makes the whole site stale


def add_tags(request, *tags: str) -> None:
    """Record that the page rendered for this request shows these things."""
    found = getattr(request, "cache_tags", None)
    if found is None:
        found = request.cache_tags = {ALL}
    found.update(tags)


def invalidate(*tags: str) -> None:
    """Make stale every page showing any of the tags, now and again when the current
    transaction commits, and purge them at the edge after the commit."""
    tags = sorted(set(tags))
    if not tags:
        return
    from pagecache import purge  # purge's model needs the app registry: not at import time

    stamp(tags)
    purge.queue(tags)
    transaction.on_commit(lambda: stamp(tags), robust=True)


def stamp(tags) -> None:
    now = time.time_ns()
    cache.set_many({LATEST_KEY: now, **{PREFIX + tag: now for tag in tags}}, None)
    caches["pages"].clear()  # this process's own edit shows at once (pagecache.pages)


def register(tags, rendered_ns: int) -> None:
    """Give tags never invalidated a stamp just older than this page, so it counts as fresh.

    Not 0: had a stamp been evicted, a page older than its lost value would look fresh.
    ``add``, so an invalidation meanwhile wins.
    """
    keys = [LATEST_KEY, *(PREFIX + tag for tag in tags)]
    for key in set(keys) - cache.get_many(keys).keys():
        cache.add(key, rendered_ns - 1, None)


def changed_since(tags, moment_ns: int) -> bool:
    """Whether any tag was invalidated after the moment (a lost stamp counts as one)."""
    keys = [PREFIX + tag for tag in tags]
    found = cache.get_many(keys)
    if len(found) < len(keys):
        now = time.time_ns()
        for key in set(keys) - found.keys():
            cache.add(key, now, None)
        return True
    return any(stamp > moment_ns for stamp in found.values())
