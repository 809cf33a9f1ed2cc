"""A live blog's poll document: what an open page's script asks for every few seconds."""

import datetime

from django.http import Http404, JsonResponse
from django.utils.cache import patch_cache_control
from django.utils.http import http_date

from articles.live import (
    POLL_ENTRIES,
    POLL_MAX_AGE,
    last_change,
    live_document,
    live_entries,
    live_page_tags,
)
from articles.models import Article
from pagecache.pages import reader_page
from pagecache.tags import add_tags


@reader_page(max_age=POLL_MAX_AGE)
def live_json(request, year, month, day, slug):
    """The blog's state and newest entries; kept like a page, under the story's key, so
    readers' polls are answered from the cache (and the edge) until an entry stales it."""
    try:
        start = datetime.datetime(year, month, day, tzinfo=datetime.UTC)
    except ValueError as error:
        raise Http404("No such date.") from error
    article = (
        Article.objects.published()
        .filter(slug=slug, publish_at__gte=start, publish_at__lt=start + datetime.timedelta(1))
        .only("pk", "slug", "live_blog", "publish_at", "modified_at")
        .first()
    )
    if article is None or not article.live_blog:
        raise Http404("No such live blog.")
    add_tags(request, f"article:{article.pk}")
    entries = live_entries(article, newest=POLL_ENTRIES + 1)
    complete = sum(1 for e in entries if not e.pinned) <= POLL_ENTRIES
    if not complete:
        entries = entries[:-1]
    add_tags(request, *live_page_tags(entries))
    response = JsonResponse(live_document(article, entries, complete=complete))
    response["Last-Modified"] = http_date(last_change(article, entries).timestamp())
    # Said here too, so that with the page cache off a browser does not guess a lifetime
    # from Last-Modified and poll its own old copy.
    patch_cache_control(response, max_age=POLL_MAX_AGE)
    return response
