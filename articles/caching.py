"""The page cache for anonymous readers, and the HTTP caching headers they and CDNs get.

Cached pages are keyed on the path, the query parameters pages use (PAGE_CACHE_QUERY_PARAMS;
any other parameter, such as a cache-buster or utm_source, is ignored) and a variant string
(see PAGE_CACHE_VARIANT). Each stored page keeps the tags of what it shows; an edit
invalidates its tags only (articles/invalidation.py). The time of the next scheduled
publication is kept too: once it passes, the lists are invalidated, so a scheduled article
appears on time.

Where pages are kept: in the shared cache (Redis in production), and each server process
keeps copies of the pages it served (PAGE_CACHE_LOCAL_BYTES). A hit on a copy reads from the
cache only the records of the page's tags, the schedule and the fragments, in one round
trip, and is answered by PageCacheMiddleware before sessions, CSRF, auth and URL resolving.

Headers: the default variant is shareable (public, s-maxage, stale-while-revalidate, and the
tags as Surrogate-Key and Cache-Tag for a CDN); no Vary: Cookie, so an unrelated cookie does
not split the cache. Other variants (a reader who gave or snoozed the appeal) and staff get
private pages a CDN must not share.
"""

import hashlib
import math
import threading
import time
from collections import OrderedDict
from functools import wraps
from typing import NamedTuple
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpResponse
from django.http.response import ResponseHeaders
from django.utils import timezone
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    set_response_etag,
)
from django.utils.http import parse_http_date_safe
from django.utils.module_loading import import_string

from articles import invalidation
from articles.invalidation import add_tags, invalidate
from newsroom import snapshots

NEXT_PUBLICATION_KEY = "articles:pages:next-publication"
# How long pages live when the next publication time is unknown (the cache cannot keep it).
UNKNOWN_SCHEDULE_SECONDS = 60
# Lists a scheduled article joins when its time comes.
SCHEDULE_TAGS = ("lists", "feeds", "sitemaps", "search")
# How long a fragment's HTML is kept (forget_fragments() drops it when its data changes).
FRAGMENT_SECONDS = 300


def no_variant(request) -> str:
    """Return the default page variant: every anonymous reader gets the same page."""
    return ""


def invalidate_pages() -> None:
    """Make every cached reader page stale (and purge the whole site from the CDN)."""
    invalidate(invalidation.ALL)
    remember_next_publication()


def remember_next_publication() -> float:
    """Keep, and return, the time the next scheduled article goes live (0: none is due)."""
    from articles.models import Article
    from articles.models.articles import LIVE_STATUSES

    upcoming = (
        Article.objects.filter(status__in=LIVE_STATUSES, publish_at__gt=timezone.now())
        .order_by("publish_at")
        .values_list("publish_at", flat=True)
        .first()
    )
    moment = upcoming.timestamp() if upcoming else 0
    cache.set(NEXT_PUBLICATION_KEY, moment, None)
    return moment


def _due(next_publication: float | None, now: float) -> float | None:
    """Return the next publication time (0: none, None: unknown); a past one invalidates lists.

    Unknown once the cache was emptied (a restarted Redis): it is looked up again then, or
    every page would be kept a minute only until an editor next saved a story.
    """
    if next_publication is None:
        next_publication = remember_next_publication()
    if next_publication and now >= next_publication:
        invalidate(*SCHEDULE_TAGS)
        remember_next_publication()
        next_publication = cache.get(NEXT_PUBLICATION_KEY)
    return next_publication


def _seconds_until(next_publication: float | None, now: float, limit: int) -> int:
    if next_publication is None:
        return min(limit, UNKNOWN_SCHEDULE_SECONDS)
    if next_publication == 0:
        return limit
    return max(min(1, limit), min(limit, math.ceil(next_publication - now)))


def _variant(request) -> str:
    return import_string(settings.PAGE_CACHE_VARIANT)(request)


def _page_key(request, variant: str) -> str:
    meta = request.META
    # What the key is made of, as it came: the host headers get_host() checks and reads,
    # the path and the raw query string. Only a request that passed the check leaves a key.
    given = (
        variant,
        meta.get("HTTP_X_FORWARDED_HOST"),
        meta.get("HTTP_HOST"),
        meta.get("SERVER_NAME"),
        meta.get("SERVER_PORT"),
        request.path,
        meta.get("QUERY_STRING", ""),
    )
    key = _page_keys.get(given)
    if key is None:
        known = sorted(
            (name, value)
            for name, values in request.GET.lists()
            if name in settings.PAGE_CACHE_QUERY_PARAMS
            for value in values
        )
        url = f"{request.get_host()}{request.path}?{urlencode(known)}"
        digest = hashlib.sha256(f"{variant}\n{url}".encode()).hexdigest()
        key = f"articles:page:v2:{digest}"
        if len(_page_keys) >= PAGE_KEYS_LIMIT:
            _page_keys.clear()
        _page_keys[given] = key
    return key


# Page keys by what they were made of: a hit need not check the host and hash the URL again.
_page_keys: dict[tuple, str] = {}
PAGE_KEYS_LIMIT = 20_000


@receiver(setting_changed)
def _settings_changed(**kwargs):
    _page_keys.clear()  # allowed hosts or query parameters may differ now


def _is_staff(request) -> bool:
    # Only a request carrying a session cookie can be logged in; others touch no session.
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    return request.user.is_active and request.user.is_staff


def _storable(response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in response.get("Cache-Control", "")
    )


class PageCacheMiddleware:
    """Serve a kept reader page before the rest of the stack runs.

    Sits after the security headers and static files and before sessions, CSRF, auth and
    URL resolving, none of which an anonymous reader's cached page needs. It answers only
    when everything is known without the database: a copy of the page is at hand, the
    schedule is known and not due, and the fragments are kept. Anything else (a first
    visit, a due story, an emptied cache, a logged-in editor) goes on to the view, whose
    `reader_page` does the full work. Freshness is the same rule either way: one round trip
    reads the tags' records, and any record newer than the page makes it stale.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.method in ("GET", "HEAD")
            and settings.PAGE_CACHE_SECONDS > 0
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
        ):
            response = _quick_hit(request)
            if response is not None:
                return response
        return self.get_response(request)


def _quick_hit(request):
    now = time.time()
    key = _page_key(request, _variant(request))
    entry = _local.get(key)
    if entry is None or now >= entry["expires"]:
        return None
    # Checked against the records within the last PAGE_CACHE_RECHECK_SECONDS, with no
    # change made by this process since and no story due: served as it was checked.
    checked = _checked.get(key)
    moment = time.monotonic()
    if (
        checked is not None
        and moment - checked.at < settings.PAGE_CACHE_RECHECK_SECONDS
        and checked.changes == invalidation.changes_here()
        and not (checked.scheduled and now >= checked.scheduled)
    ):
        _touch_local(key)
        return _served(request, entry, checked.fragments, hit=True)
    changes = invalidation.changes_here()
    found = cache.get_many(_record_keys(entry))
    scheduled = found.get(NEXT_PUBLICATION_KEY)
    fragments = _fragments(entry, found, make=False)
    if scheduled is None or (scheduled and now >= scheduled) or fragments is None:
        return None
    if invalidation.invalidated_after(entry["tags"], entry["at"], found):
        _forget_local(key)
        return None
    _checked[key] = _Check(moment, changes, scheduled, fragments)
    _touch_local(key)
    return _served(request, entry, fragments, hit=True)


def _record_keys(entry: dict | None, key: str | None = None) -> list[str]:
    """Keys read with a page: the schedule, the fragments and its tags' records (or the page,
    and the versions of what a page draws, in case it is to be rendered)."""
    keys = [NEXT_PUBLICATION_KEY, *(_fragment_key(name) for name in settings.PAGE_CACHE_FRAGMENTS)]
    if entry is not None:
        return keys + invalidation.tag_keys(entry["tags"])
    return [*keys, key, invalidation.ALL_KEY, *snapshots.read_along_keys()]


def reader_page(view):
    """Serve a reader page from the page cache, with ETag, Last-Modified and Cache-Control."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        if _is_staff(request):
            response = view(request, *args, **kwargs)
            patch_cache_control(response, private=True, no_cache=True)
            return response
        now = time.time()
        variant = _variant(request)
        key = _page_key(request, variant)
        entry, found, next_publication = _lookup(key, now)
        if entry is not None:
            return _served(request, entry, _fragments(entry, found), hit=True)
        entry, response = _render(request, view, args, kwargs, now, next_publication, variant)
        if entry is None:  # not a page to keep: an error, a redirect, a private page
            return response
        if settings.PAGE_CACHE_SECONDS > 0:
            invalidation.register(entry["tags"])
            cache.set(key, entry, entry["expires"] - now)
            _keep_local(key, entry)
        return _served(request, entry, _fragments(entry, found), hit=False)

    return wrapper


def _lookup(key: str, now: float):
    """Return (the fresh kept page or None, the records read, the next publication time).

    One round trip: this process's copy of the page and its tags' records, or, without a
    copy, the page from the cache (its records are then read in a second).
    """
    local = _local.get(key) if settings.PAGE_CACHE_SECONDS > 0 else None
    if local is not None and now >= local["expires"]:
        _forget_local(key)
        local = None
    found = cache.get_many(_record_keys(local, key))
    if local is None:
        snapshots.found_along(found)
    if invalidation.ALL_KEY not in found:
        # The records were lost (an emptied or restarted cache): from now on, any page
        # rendered before counts as stale, this process's copies included.
        invalidation.restart_records()
        return None, found, _due(found.get(NEXT_PUBLICATION_KEY), now)
    scheduled = found.get(NEXT_PUBLICATION_KEY)
    next_publication = _due(scheduled, now)
    # Records read before _due invalidated the lists for a story now due are stale.
    fired = bool(scheduled) and now >= scheduled
    read = None if fired else found
    if local is not None:
        if not invalidation.invalidated_after(local["tags"], local["at"], read):
            _touch_local(key)
            return local, found, next_publication
        _forget_local(key)
        return None, found, next_publication
    entry = found.get(key) if settings.PAGE_CACHE_SECONDS > 0 else None
    if entry is None or invalidation.invalidated_after(entry["tags"], entry["at"]):
        return None, found, next_publication
    _keep_local(key, entry)
    return entry, found, next_publication


# This process's copies of the pages it served, newest use last: a hit then reads only the
# records of the page's tags, not the page. Bounded by PAGE_CACHE_LOCAL_BYTES.
_local: OrderedDict[str, dict] = OrderedDict()
_local_size = [0]
# Threaded servers (runserver, gunicorn's gthread workers) share the copies between threads.
_local_lock = threading.Lock()


class _Check(NamedTuple):
    """When a copy was last found fresh, and what was read then."""

    at: float  # monotonic time
    changes: int  # this process's change count then
    scheduled: float  # the next publication time (0: none)
    fragments: dict


_checked: dict[str, _Check] = {}


def _keep_local(key: str, entry: dict) -> None:
    limit = settings.PAGE_CACHE_LOCAL_BYTES
    size = len(entry["content"])
    if size > limit // 4:
        return
    with _local_lock:
        _forget_local_locked(key)
        _local[key] = entry
        _local_size[0] += size
        while _local_size[0] > limit:
            oldest_key, oldest = _local.popitem(last=False)
            _checked.pop(oldest_key, None)
            _local_size[0] -= len(oldest["content"])


def _touch_local(key: str) -> None:
    """Mark the copy as just used (the least recently used go first)."""
    with _local_lock:
        if key in _local:
            _local.move_to_end(key)


def _forget_local(key: str) -> None:
    with _local_lock:
        _forget_local_locked(key)


def _forget_local_locked(key: str) -> None:
    entry = _local.pop(key, None)
    _checked.pop(key, None)
    if entry is not None:
        _local_size[0] -= len(entry["content"])


def forget_local_pages() -> None:
    """Drop this process's copies (they would be found stale anyway: for tests' tidiness)."""
    with _local_lock:
        _local.clear()
        _checked.clear()
        _local_size[0] = 0


def _fragment_key(name: str) -> str:
    return f"articles:fragment:{name}"


def forget_fragments() -> None:
    """Make the next page served fill its fragments afresh (their data changed)."""
    cache.delete_many([_fragment_key(name) for name in settings.PAGE_CACHE_FRAGMENTS])
    invalidation.changed_here()


def _fragments(entry: dict, found: dict, *, make: bool = True) -> dict | None:
    """Return the page's fragments as read with it, making and keeping any the cache does
    not hold; without `make`, None when one is not held."""
    html = {}
    for name in entry["fragments"]:
        kept = found.get(_fragment_key(name))
        if kept is None:
            if not make:
                return None
            kept = import_string(settings.PAGE_CACHE_FRAGMENTS[name])()
            cache.set(_fragment_key(name), kept, FRAGMENT_SECONDS)
        html[name] = kept
    return html


def _render(request, view, args, kwargs, now, next_publication, variant):
    """Render the page; return (the entry to keep, or None if it is not to be kept, response)."""
    started = time.time_ns()
    request.cache_tags = {invalidation.ALL}
    request.page_fragments = True  # parts that change often render as markers (_served)
    response = view(request, *args, **kwargs)
    if hasattr(response, "render"):
        response.render()
    if not _storable(response):
        return None, response
    max_age = _seconds_until(next_publication, now, settings.PAGE_MAX_AGE)
    tags = sorted(request.cache_tags)
    shared = variant in settings.PAGE_CACHE_SHARED_VARIANTS
    content = response.content
    fragments = [name for name in settings.PAGE_CACHE_FRAGMENTS if _marker(name) in content]
    _add_caching_headers(response, max_age, tags, shared=shared, etag=not fragments)
    lifetime = _seconds_until(next_publication, now, settings.PAGE_CACHE_SECONDS)
    entry = {
        "status": response.status_code,
        "content": content,
        "headers": list(response.headers.items()),
        "tags": tags,
        "at": started,
        "expires": now + lifetime,
        "fragments": fragments,
        "digest": hashlib.md5(content, usedforsecurity=False).hexdigest(),
    }
    return entry, response


def _marker(name: str) -> bytes:
    return f"<!--fragment:{name}-->".encode()


def _served(request, entry: dict, fragments: dict, *, hit: bool):
    """Return a new response from a kept page, its fragments filled in, or a 304."""
    content = entry["content"]
    for name, html in fragments.items():
        content = content.replace(_marker(name), html.encode())
    response = HttpResponse(content, status=entry["status"])
    headers = response.headers
    stored, last_modified = _prepared(entry)
    headers._store.update(stored)
    if fragments:
        filled = "".join([entry["digest"], *fragments.values()]).encode()
        headers["ETag"] = f'"{hashlib.md5(filled, usedforsecurity=False).hexdigest()}"'
    headers["Content-Length"] = str(len(content))
    headers["X-Page-Cache"] = "hit" if hit else "miss"
    return get_conditional_response(
        request,
        etag=headers.get("ETag"),
        last_modified=last_modified,
        response=response,
    )


def _prepared(entry: dict) -> tuple[dict, int | None]:
    """Return the page's headers as a response keeps them, and its Last-Modified time.

    Checked and parsed once per copy rather than on every hit: a page has some fifteen
    headers, and setting them one by one was a tenth of serving a hit.
    """
    prepared = entry.get("prepared")
    if prepared is None:
        headers = ResponseHeaders(dict(entry["headers"]))
        modified = parse_http_date_safe(headers.get("Last-Modified", ""))
        prepared = entry["prepared"] = (headers._store, modified)
    return prepared


def _add_caching_headers(response, max_age, tags, *, shared: bool, etag: bool) -> None:
    if etag:
        set_response_etag(response)
    if not shared:
        patch_cache_control(response, private=True, max_age=max_age)
        return
    patch_cache_control(
        response,
        public=True,
        max_age=max_age,
        s_maxage=settings.PAGE_SHARED_MAX_AGE,
        stale_while_revalidate=settings.PAGE_STALE_WHILE_REVALIDATE,
    )
    response["Surrogate-Key"] = " ".join(tags)
    response["Cache-Tag"] = ",".join(tags)


__all__ = ["add_tags", "invalidate", "invalidate_pages", "reader_page"]
