"""Reader pages kept whole in the shared cache and served before the rest of the stack runs.

A view opts in with ``@reader_page`` and names the query parameters it reads: they alone
are in the page's key (a cache-buster or ``utm_source`` is ignored), and a kept one in a
non-canonical spelling (``?page=01``, ``?page=1``, a repeated one) is redirected to its
canonical form. ``PageCacheMiddleware`` answers a kept page in one cache round trip: the
page, when it was last found fresh, the newest tag stamp and the next scheduled change.
The rule is ``pagecache.tags``': a page is fresh while none of its tags changed after it
was rendered. When some tag changed since, the page's own tags are read once more, and a
page found fresh is stamped as checked, so the next hit is one round trip again.

Each process also keeps the pages it found fresh in its local memory (the ``pages`` cache)
for PAGE_CACHE_RECHECK_SECONDS (1 s), and serves them from there without asking the shared
cache again: on this kind of machine a round trip to Redis cost as much as the rest of a hit
(bench/pages.py, README). So an edit made through another process shows within that second
(an edge cache in front shows it at once: it is purged), and a story falls due on time.

Anonymous readers get shared pages (``public``, ``s-maxage``, and the tags as
``Surrogate-Key``/``Cache-Tag`` for an edge cache); other variants of a page
(``PAGE_CACHE_VARIANT``) get private ones; staff get private, uncached pages.
"""

import hashlib
import time
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache, caches
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.urls import Resolver404, resolve
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import parse_http_date_safe
from django.utils.module_loading import import_string

from pagecache import schedule
from pagecache.tags import ALL, LATEST_KEY, changed_since, register

PREFIX = "pagecache:page:"
CHECKED = ":checked"
MAX_QUERY_TEXT = 200


def reader_page(view=None, *, query: tuple[str, ...] = (), max_age: int | None = None):
    """Keep the view's pages in the page cache; `query`: the parameters the view reads;
    `max_age`: how long a browser may keep one (PAGE_MAX_AGE unless said, e.g. a document a
    script polls)."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            request.cache_tags = {ALL}
            if max_age is not None:
                request.page_max_age = max_age
            return view(request, *args, **kwargs)

        wrapper.page_cache_query = tuple(query)
        return wrapper

    return decorate(view) if view is not None else decorate


def canonical_query(request, names) -> tuple[str, bool]:
    """Return the page's kept parameters as its canonical query string, and whether the
    request spelled them so (otherwise it is redirected there)."""
    kept, spelled = [], []
    for name in names:
        values = request.GET.getlist(name)
        if not values:
            continue
        value = _canonical(name, values[0])
        if value:
            kept.append((name, value))
        spelled.append(len(values) == 1 and value == values[0])
    return urlencode(kept), all(spelled)


def _canonical(name: str, value: str) -> str:
    if name in ("page", "part"):
        # A page number as digits, without leading zeros; the first page has none.
        if value.isascii() and value.isdigit() and value.strip("0"):
            number = value.lstrip("0")
            return "" if number == "1" else number
        return value  # not a page number: the view answers 404
    return " ".join(value.split())[:MAX_QUERY_TEXT]


def canonical_path(request) -> str:
    """The page's address with only its kept parameters (never what a reader appended)."""
    names = getattr(request, "page_cache_query", ())
    query = canonical_query(request, names)[0] if names else ""
    return f"{request.path}?{query}" if query else request.path


class PageCacheMiddleware:
    """Serve kept reader pages before sessions, CSRF, auth and the view; keep new ones."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD") or settings.PAGE_CACHE_SECONDS <= 0:
            return self.get_response(request)
        here = None
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            here = _request_key(request)
            entry = caches["pages"].get(here)
            if entry is not None:  # found fresh within the last PAGE_CACHE_RECHECK_SECONDS
                return _served(request, entry, hit=True)
        view = _reader_view(request)
        if view is None:
            return self.get_response(request)
        names = view.page_cache_query
        request.page_cache_query = names
        query, as_spelled = canonical_query(request, names)
        if not as_spelled:
            canonical = f"{request.path}?{query}" if query else request.path
            return HttpResponsePermanentRedirect(canonical)
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            return self._maybe_staff(request)
        key = _page_key(request, query)
        now = time.time_ns()
        found = cache.get_many([key, key + CHECKED, LATEST_KEY, schedule.NEXT_KEY])
        fired = schedule.due(found.get(schedule.NEXT_KEY), now)
        entry = found.get(key)
        if entry is not None and not fired and _fresh(key, entry, found):
            _keep_here(here, entry, found.get(schedule.NEXT_KEY), now)
            return _served(request, entry, hit=True)
        rendered = time.time_ns()
        response = self.get_response(request)
        if not _storable(response):
            return response
        entry = _entry(request, response, rendered)
        register(entry["tags"], rendered)
        cache.set(key, entry, settings.PAGE_CACHE_SECONDS)
        _keep_here(here, entry, None, now)
        return _served(request, entry, hit=False)

    def _maybe_staff(self, request):
        """A session may be staff's: not served from the cache, and private if it is."""
        response = self.get_response(request)
        if request.user.is_active and request.user.is_staff:
            patch_cache_control(response, private=True, no_cache=True)
        return response


def _reader_view(request):
    try:
        view = resolve(request.path_info).func
    except Resolver404:
        return None
    return view if hasattr(view, "page_cache_query") else None


def _page_key(request, query: str) -> str:
    """The page's key in the shared cache: its variant, host, path and kept parameters."""
    url = f"{_variant(request)}\n{request.get_host()}{request.path}?{query}"
    return PREFIX + hashlib.sha256(url.encode()).hexdigest()


def _request_key(request) -> str:
    """This process's key for a page it kept: the request as it came (only a request that
    passed the host check and was answered with a page ever leaves one)."""
    meta = request.META
    asked = (_variant(request), meta.get("HTTP_HOST", ""), request.path, meta.get("QUERY_STRING"))
    return hashlib.md5(repr(asked).encode(), usedforsecurity=False).hexdigest()


def _variant(request) -> str:
    if not hasattr(request, "page_variant"):
        request.page_variant = import_string(settings.PAGE_CACHE_VARIANT)(request)
    return request.page_variant


def _fresh(key: str, entry: dict, found: dict) -> bool:
    latest = found.get(LATEST_KEY)
    if latest is None:  # the records were lost: they start again now
        cache.add(LATEST_KEY, time.time_ns(), None)
        return False
    if max(entry["rendered"], found.get(key + CHECKED, 0)) > latest:
        return True  # nothing at all changed since it was rendered or last checked
    checked = time.time_ns()
    if changed_since(entry["tags"], entry["rendered"]):
        return False
    cache.set(key + CHECKED, checked, settings.PAGE_CACHE_SECONDS)
    return True


def _keep_here(key: str | None, entry: dict, upcoming: dict | None, now: int) -> None:
    """Keep the page in this process's memory until it must be checked again: after
    PAGE_CACHE_RECHECK_SECONDS, or sooner when a scheduled story falls due."""
    seconds = settings.PAGE_CACHE_RECHECK_SECONDS if key else 0
    if upcoming and upcoming["at"]:
        seconds = min(seconds, (upcoming["at"] - now) / 1e9)
    if seconds > 0:
        caches["pages"].set(key, entry, seconds)


def _storable(response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in response.get("Cache-Control", "")
    )


def _entry(request, response, rendered: int) -> dict:
    tags = sorted(request.cache_tags)
    shared = request.page_variant in settings.PAGE_CACHE_SHARED_VARIANTS
    max_age = getattr(request, "page_max_age", settings.PAGE_MAX_AGE)
    content = response.content
    response["ETag"] = f'"{hashlib.md5(content, usedforsecurity=False).hexdigest()}"'
    if shared:
        patch_cache_control(
            response,
            public=True,
            max_age=max_age,
            s_maxage=schedule.seconds_until_next(settings.PAGE_SHARED_MAX_AGE),
            stale_while_revalidate=settings.PAGE_STALE_WHILE_REVALIDATE,
        )
        response["Surrogate-Key"] = " ".join(tags)
        response["Cache-Tag"] = ",".join(tags)
    else:
        patch_cache_control(response, private=True, max_age=max_age)
    return {
        "status": response.status_code,
        "content": content,
        "headers": dict(response.items()),
        "modified": parse_http_date_safe(response.get("Last-Modified", "")),
        "tags": tags,
        "rendered": rendered,
    }


def _served(request, entry: dict, *, hit: bool):
    """A response from a kept page, or a 304 when the reader's copy is current."""
    response = HttpResponse(entry["content"], status=entry["status"], headers=entry["headers"])
    response["X-Page-Cache"] = "hit" if hit else "miss"
    return get_conditional_response(
        request, etag=response["ETag"], last_modified=entry.get("modified"), response=response
    )
