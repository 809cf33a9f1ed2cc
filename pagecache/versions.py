"""Values reader pages draw on every render (the masthead, the appeals), each kept by every
process under the version of its data.

A namespace has a version in the shared cache. An edit bumps it, and bumps it again when
its transaction commits (``bump``): a page rendered while the edit is open reads the old
rows and keeps them under the version of that moment, which nobody asks for once the
commit's is out.
Each process then builds the value once for the new version, from committed rows, and
keeps it in its local-memory cache (the ``local`` alias). It reads the version itself from
the shared cache at most once every PAGE_CACHE_RECHECK_SECONDS, as it checks its kept
pages: another process's edit shows within that second, this process's own at once.
"""

import secrets

from django.conf import settings
from django.core.cache import cache, caches
from django.db import transaction

PREFIX = "pagecache:version:"


class Namespace:
    def __init__(self, name: str):
        self.key = PREFIX + name

    def version(self) -> str:
        """The current version, as the shared cache held it at most
        PAGE_CACHE_RECHECK_SECONDS ago (this process's own edits at once)."""
        local = caches["local"]
        version = local.get(self.key)
        if version is None:
            version = cache.get(self.key)
            if version is None:
                cache.add(self.key, secrets.token_hex(8), None)
                version = cache.get(self.key)
            if settings.PAGE_CACHE_RECHECK_SECONDS > 0:
                local.set(self.key, version, settings.PAGE_CACHE_RECHECK_SECONDS)
        return version

    def bump(self) -> None:
        """The data changed: every process reads it afresh, now and after the commit."""
        self._new()
        transaction.on_commit(self._new, robust=True)

    def _new(self) -> None:
        cache.set(self.key, secrets.token_hex(8), None)
        caches["local"].delete(self.key)

    def get(self, name: str, build, *, request=None):
        """Return the value under this name for the current version, building it if needed;
        read once for the length of a `request` that is given."""
        read = request.__dict__.setdefault("versioned", {}) if request is not None else {}
        key = f"{self.key}:{name}"
        if key not in read:
            read[key] = caches["local"].get_or_set(f"{key}:{self.version()}", build, None)
        return read[key]
