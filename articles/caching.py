"""The page cache for anonymous readers, and the HTTP caching headers they get.

Cached pages are keyed on the URL, a variant string (see PAGE_CACHE_VARIANT) and a
generation number. Any change to what reader pages show bumps the generation, so the
next request renders afresh. The time of the next scheduled publication is kept too:
once it passes, the generation is bumped, so a scheduled article appears on time.
"""

import hashlib
import math
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
    set_response_etag,
)
from django.utils.http import parse_http_date_safe
from django.utils.module_loading import import_string

GENERATION_KEY = "articles:pages:generation"
NEXT_PUBLICATION_KEY = "articles:pages:next-publication"
# How long pages live when the next publication time is unknown (the cache was flushed).
UNKNOWN_SCHEDULE_SECONDS = 60


def no_variant(request) -> str:
    """Return the default page variant: every anonymous reader gets the same page."""
    return ""


def invalidate_pages() -> None:
    """Make every cached reader page stale, now and again when the transaction commits."""
    _bump_generation()
    _remember_next_publication()
    transaction.on_commit(_bump_generation)


def _bump_generation() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, time.time_ns(), None)


def _remember_next_publication() -> None:
    from articles.models import Article
    from articles.models.articles import LIVE_STATUSES

    upcoming = (
        Article.objects.filter(status__in=LIVE_STATUSES, publish_at__gt=timezone.now())
        .order_by("publish_at")
        .values_list("publish_at", flat=True)
        .first()
    )
    cache.set(NEXT_PUBLICATION_KEY, upcoming.timestamp() if upcoming else 0, None)


def _cache_state(now: float) -> tuple[int, float | None]:
    """Return the current generation and the next publication time (0: none, None: unknown)."""
    values = cache.get_many([GENERATION_KEY, NEXT_PUBLICATION_KEY])
    next_publication = values.get(NEXT_PUBLICATION_KEY)
    if next_publication and now >= next_publication:
        invalidate_pages()
        values = cache.get_many([GENERATION_KEY, NEXT_PUBLICATION_KEY])
        next_publication = values.get(NEXT_PUBLICATION_KEY)
    generation = values.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, time.time_ns(), None)
        generation = cache.get(GENERATION_KEY)
    return generation, next_publication


def _seconds_until(next_publication: float | None, now: float, limit: int) -> int:
    if next_publication is None:
        return min(limit, UNKNOWN_SCHEDULE_SECONDS)
    if next_publication == 0:
        return limit
    return max(1, min(limit, math.ceil(next_publication - now)))


def _page_key(request, generation: int) -> str:
    variant = import_string(settings.PAGE_CACHE_VARIANT)(request)
    url = request.build_absolute_uri()
    digest = hashlib.sha256(f"{variant}\n{url}".encode()).hexdigest()
    return f"articles:page:{generation}:{digest}"


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
        if settings.PAGE_CACHE_SECONDS <= 0:  # the page cache is off (bench/scale.py)
            return view(request, *args, **kwargs)
        now = time.time()
        generation, next_publication = _cache_state(now)
        key = _page_key(request, generation)
        response = cache.get(key)
        if response is None:
            response = view(request, *args, **kwargs)
            if hasattr(response, "render"):
                response.render()
            if not _storable(response):
                return response
            max_age = _seconds_until(next_publication, now, settings.PAGE_MAX_AGE)
            _add_caching_headers(response, max_age)
            timeout = _seconds_until(next_publication, now, settings.PAGE_CACHE_SECONDS)
            cache.set(key, response, timeout)
        return get_conditional_response(
            request,
            etag=response.get("ETag"),
            last_modified=parse_http_date_safe(response.get("Last-Modified", "")),
            response=response,
        )

    return wrapper


def _add_caching_headers(response, max_age: int) -> None:
    set_response_etag(response)
    patch_cache_control(response, public=True, max_age=max_age)
    patch_vary_headers(response, ["Cookie"])
