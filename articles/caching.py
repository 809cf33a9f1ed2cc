"""The page cache for anonymous readers, and the HTTP caching headers they and CDNs get.

Cached pages are keyed on the path, the query parameters pages use (PAGE_CACHE_QUERY_PARAMS;
any other parameter, such as a cache-buster or utm_source, is ignored) and a variant string
(see PAGE_CACHE_VARIANT). Each stored page keeps the tags of what it shows; an edit
invalidates its tags only (articles/invalidation.py). The time of the next scheduled
publication is kept too: once it passes, the lists are invalidated, so a scheduled article
appears on time.

Headers: the default variant is shareable (public, s-maxage, stale-while-revalidate, and the
tags as Surrogate-Key and Cache-Tag for a CDN); no Vary: Cookie, so an unrelated cookie does
not split the cache. Other variants (a reader who gave or snoozed the appeal) and staff get
private pages a CDN must not share.
"""

import hashlib
import math
import time
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
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

NEXT_PUBLICATION_KEY = "articles:pages:next-publication"
# How long pages live when the next publication time is unknown (the cache cannot keep it).
UNKNOWN_SCHEDULE_SECONDS = 60
# Lists a scheduled article joins when its time comes.
SCHEDULE_TAGS = ("lists", "feeds", "sitemaps", "search")


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
    known = sorted(
        (name, value)
        for name, values in request.GET.lists()
        if name in settings.PAGE_CACHE_QUERY_PARAMS
        for value in values
    )
    url = f"{request.get_host()}{request.path}?{urlencode(known)}"
    digest = hashlib.sha256(f"{variant}\n{url}".encode()).hexdigest()
    return f"articles:page:{digest}"


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
        # One round trip: the page, the schedule and, when this process has seen the page
        # before, its tags' records (a page's tags change only when it is rendered again).
        seen = _tags_seen.get(key, ())
        found = cache.get_many([key, NEXT_PUBLICATION_KEY, *invalidation.tag_keys(seen)])
        scheduled = found.get(NEXT_PUBLICATION_KEY)
        next_publication = _due(scheduled, now)
        entry = found.get(key) if settings.PAGE_CACHE_SECONDS > 0 else None
        if entry is not None:
            _remember_tags(key, entry["tags"])
            # Records read before _due invalidated the lists for a story now due are stale.
            fired = bool(scheduled) and now >= scheduled
            read = found if entry["tags"] == seen and not fired else None
            if invalidation.invalidated_after(entry["tags"], entry["at"], read):
                entry = None
        hit = entry is not None
        if not hit:
            entry, response = _render(request, view, args, kwargs, now, next_publication, variant)
            if entry is None:  # not a page to keep: an error, a redirect, a private page
                return response
            if settings.PAGE_CACHE_SECONDS > 0:
                invalidation.register(entry["tags"])
                _remember_tags(key, entry["tags"])
                timeout = _seconds_until(next_publication, now, settings.PAGE_CACHE_SECONDS)
                cache.set(key, entry, timeout)
        response = _filled(entry)
        response["X-Page-Cache"] = "hit" if hit else "miss"
        return get_conditional_response(
            request,
            etag=response.get("ETag"),
            last_modified=parse_http_date_safe(response.get("Last-Modified", "")),
            response=response,
        )

    return wrapper


# The tags of the pages this process has served, by page key: lets a hit read the page and
# its tags' records together. Tags only (a few short strings a page); bounded.
_tags_seen: dict[str, list[str]] = {}
TAGS_SEEN_LIMIT = 20_000


def _remember_tags(key: str, tags: list[str]) -> None:
    if _tags_seen.get(key) == tags:
        return
    if len(_tags_seen) >= TAGS_SEEN_LIMIT:
        _tags_seen.clear()
    _tags_seen[key] = tags


def _render(request, view, args, kwargs, now, next_publication, variant):
    """Render the page; return (the entry to keep, or None if it is not to be kept, response)."""
    started = time.time_ns()
    request.cache_tags = {invalidation.ALL}
    request.page_fragments = True  # parts that change often render as markers (_filled)
    response = view(request, *args, **kwargs)
    if hasattr(response, "render"):
        response.render()
    if not _storable(response):
        return None, response
    max_age = _seconds_until(next_publication, now, settings.PAGE_MAX_AGE)
    tags = sorted(request.cache_tags)
    shared = variant in settings.PAGE_CACHE_SHARED_VARIANTS
    fragments = [
        name for name in settings.PAGE_CACHE_FRAGMENTS if _marker(name) in response.content
    ]
    _add_caching_headers(response, max_age, tags, shared=shared, etag=not fragments)
    return {"response": response, "tags": tags, "at": started, "fragments": fragments}, response


def _marker(name: str) -> bytes:
    return f"<!--fragment:{name}-->".encode()


def _filled(entry: dict):
    """Return the stored response with its fragments filled in, and its ETag set."""
    response = entry["response"]
    if entry.get("fragments"):
        content = response.content
        for name in entry["fragments"]:
            html = import_string(settings.PAGE_CACHE_FRAGMENTS[name])()
            content = content.replace(_marker(name), html.encode())
        response.content = content
        set_response_etag(response)
    return response


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
