"""The Redis cache of a test process (tests/conftest.py): the configured backend under a key
prefix of the process's own, whose clear() deletes that prefix's keys rather than the whole
database, which the other pytest-xdist workers (and other runs) are using."""

from django.core.cache.backends.redis import RedisCache
from django.utils.module_loading import import_string


class OwnKeys:
    def clear(self):
        client = self._cache.get_client(write=True)
        keys = list(client.scan_iter(match=f"{self.key_prefix}:*", count=1000))
        for start in range(0, len(keys), 1000):
            client.delete(*keys[start : start + 1000])
        return True


def with_own_keys(backend: str) -> str:
    """Return the dotted path of `backend` made to clear only its own keys, if it is Redis."""
    base = import_string(backend)
    if not issubclass(base, RedisCache):
        return backend
    globals()["OwnKeysRedisCache"] = type("OwnKeysRedisCache", (OwnKeys, base), {})
    return f"{__name__}.OwnKeysRedisCache"
