"""Values every reader page draws (the masthead, the appeals), shared through the cache and
kept by each process under their version.

Each is built from the database when the cache lacks it, and stored there with a version
(newsroom.rendered.new_version()), which is also stored alone under its own small key. A
process keeps the last value it read; while the cache still holds that version, the value
is not read again, so a page pays for a few bytes instead of a read and an unpickling of
model instances (a tenth of an uncached article page's CPU). Reader pages read the versions
in the same round trip as their page-cache records (``read_along_keys()``).

An edit deletes both keys (``invalidate()``): every process then finds no version, reads
the value afresh and the first to find none rebuilds it, so an edit shows on the next page
as it did before.
"""

from django.core.cache import cache

from newsroom import rendered
from newsroom.per_request import kept_now, per_request

_all: list["Snapshot"] = []
_ALONG = "snapshots: versions read along with the page"  # among the request's kept values
_MISSING = object()


class Snapshot:
    def __init__(self, key: str, build, *, timeout: int):
        self.key = key
        self.version_key = f"{key}:version"
        self.build = build
        self.timeout = timeout
        self._kept: dict | None = None  # this process's last value read
        self.get = per_request(self._read)
        _all.append(self)

    def __call__(self) -> dict:
        return self.get()

    def _read(self) -> dict:
        version = _read_along(self.version_key)
        if version is _MISSING:
            version = cache.get(self.version_key)
        kept = self._kept
        if version is not None and kept is not None and kept.get("version") == version:
            return kept
        value = cache.get(self.key)
        if value is None or "version" not in value:  # none, or kept by an older release
            value = self.build()
            value["version"] = rendered.new_version()
            cache.set_many({self.key: value, self.version_key: value["version"]}, self.timeout)
        self._kept = value
        return value

    def invalidate(self) -> None:
        """The data changed: every process reads or builds the value afresh."""
        cache.delete_many([self.key, self.version_key])
        self._kept = None
        self.get.forget()


def read_along_keys() -> list[str]:
    return [snapshot.version_key for snapshot in _all]


def found_along(found: dict) -> None:
    """Keep, for this request, the versions read with the page's records (None: none held)."""
    kept = kept_now()
    if kept is not None:
        kept.setdefault(_ALONG, {}).update({key: found.get(key) for key in read_along_keys()})


def _read_along(key: str):
    along = (kept_now() or {}).get(_ALONG)
    return along.pop(key, _MISSING) if along is not None else _MISSING
