"""The appeals' view and click counters: sums only, raised by the browser's beacons and
folded into AppealCount rows by beat (support.services.appeal_counts_fold).

On Redis (the default cache in production) they are one hash: a beacon is one HINCRBY, a
fold reads and empties the hash in one MULTI. On any other cache (the embedded default's
files) the hash is a dict kept under one key, changed under this process's lock: a count
raced by another process may be lost, which the embedded default can bear.
"""

import threading

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

KEY = "support:appeal-counts"
DROPPED = "dropped"
_lock = threading.Lock()


def _cache():
    return caches["default"]  # the backend itself (django.core.cache.cache is a proxy)


def _redis():
    backend = _cache()
    if isinstance(backend, RedisCache):
        return backend._cache.get_client(write=True)
    return None


def field(day, variant_id: int, article_id: int | None, event: str) -> str:
    return f"{day.isoformat()}|{variant_id}|{article_id or ''}|{event}"


def dropped_field(day) -> str:
    return f"{day.isoformat()}|{DROPPED}"


def add(name: str, amount: int = 1) -> None:
    client = _redis()
    if client is not None:
        client.hincrby(_cache().make_key(KEY), name, amount)
        return
    with _lock:
        counts = _cache().get(KEY) or {}
        counts[name] = counts.get(name, 0) + amount
        _cache().set(KEY, counts, None)


def take() -> dict[str, int]:
    """Every counter raised since the last take, emptied in the same step."""
    client = _redis()
    if client is not None:
        key = _cache().make_key(KEY)
        pipe = client.pipeline(transaction=True)
        pipe.hgetall(key)
        pipe.delete(key)
        found, _ = pipe.execute()
        return {k.decode(): int(v) for k, v in found.items()}
    with _lock:
        counts = _cache().get(KEY) or {}
        _cache().delete(KEY)
    return counts


def put_back(counts: dict[str, int]) -> None:
    """A fold that failed returns what it took, so nothing counted is lost."""
    for name, amount in counts.items():
        add(name, amount)
