"""Sitemaps that cover the whole archive: an index, one sitemap per month, one of sections.

/sitemap.xml is a sitemap index (the protocol allows 50,000 URLs and 50 MB per sitemap, so
one file cannot hold an archive). It names /sitemaps/sections.xml and one sitemap per month
of published articles, /sitemaps/articles-2024-06.xml, with the time its newest change; a
month holding more than PART_SIZE articles is split into parts (?part=2). Old months do not
change, so crawlers re-read only the sitemaps whose lastmod moved. The XML is written
directly: a month of a busy newsroom is thousands of URLs, and a template would cost more
than the query.
"""

import datetime
from urllib.parse import urlencode
from xml.sax.saxutils import escape

from django.db.models import Count, Max
from django.db.models.functions import TruncMonth
from django.urls import reverse

from articles.models import Article, Section
from newsroom.links import absolute_url

PART_SIZE = 10_000
NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"


def _w3c(moment: datetime.datetime | None) -> str:
    if moment is None:
        return ""
    return moment.astimezone(datetime.UTC).isoformat(timespec="seconds")


def _month_path(month: datetime.datetime, part: int) -> str:
    path = reverse("articles:sitemap-month", args=[month.year, month.month])
    return path + (f"?{urlencode({'part': part})}" if part > 1 else "")


def _months() -> list[dict]:
    """Return the month, count and lastmod of every month with published articles, newest first."""
    return list(
        Article.objects.published()
        .annotate(month=TruncMonth("publish_at", tzinfo=datetime.UTC))
        .values("month")
        .annotate(count=Count("pk"), lastmod=Max("modified_at"))
        .order_by("-month")
    )


def _next_month(month: datetime.datetime) -> datetime.datetime:
    return (month + datetime.timedelta(days=32)).replace(day=1)


def index_entries() -> list[tuple[str, str]]:
    """Return (absolute URL, lastmod) of every sitemap: sections first, then months newest first."""
    months = _months()
    entries = [(absolute_url(reverse("articles:sitemap-sections")), "")]
    for row in months:
        parts = (row["count"] + PART_SIZE - 1) // PART_SIZE
        for part in range(1, parts + 1):
            entries.append((absolute_url(_month_path(row["month"], part)), _w3c(row["lastmod"])))
    return entries


def _article_url_maker():
    """Return a function (slug, day) -> absolute article URL, reversing the route once."""
    sample = reverse(
        "articles:article", kwargs={"year": 1111, "month": 22, "day": 33, "slug": "SLUG"}
    )
    pattern = sample.replace("1111", "{0:04d}").replace("/22/", "/{1:02d}/")
    pattern = pattern.replace("/33/", "/{2:02d}/").replace("SLUG", "{3}")
    site = absolute_url("")

    def make(slug: str, moment: datetime.datetime) -> str:
        day = moment.astimezone(datetime.UTC)
        return site + pattern.format(day.year, day.month, day.day, slug)

    return make


def month_entries(year: int, month: int, part: int) -> list[tuple[str, str]] | None:
    """Return (URL, lastmod) of the month's published articles, oldest first; None: no such part."""
    try:
        start = datetime.datetime(year, month, 1, tzinfo=datetime.UTC)
        stop = _next_month(start)
    except (ValueError, OverflowError):  # no such month, or the calendar's last (9999-12)
        return None
    rows = (
        Article.objects.published()
        .filter(publish_at__gte=start, publish_at__lt=stop)
        .order_by("publish_at", "pk")
        .values_list("slug", "publish_at", "modified_at")[(part - 1) * PART_SIZE : part * PART_SIZE]
    )
    url = _article_url_maker()
    entries = [(url(slug, published), _w3c(modified)) for slug, published, modified in rows]
    return entries or None


def section_entries() -> list[tuple[str, str]]:
    pages = [absolute_url("/")]
    pages += [absolute_url(s.get_absolute_url()) for s in Section.objects.only("slug")]
    return [(page, "") for page in pages]


def urlset_xml(entries: list[tuple[str, str]]) -> str:
    return _xml("urlset", "url", entries)


def index_xml(entries: list[tuple[str, str]]) -> str:
    return _xml("sitemapindex", "sitemap", entries)


def _xml(root: str, element: str, entries: list[tuple[str, str]]) -> str:
    lines = [f'<?xml version="1.0" encoding="UTF-8"?>\n<{root} xmlns="{NAMESPACE}">']
    for location, lastmod in entries:
        when = f"<lastmod>{lastmod}</lastmod>" if lastmod else ""
        lines.append(f"<{element}><loc>{escape(location)}</loc>{when}</{element}>")
    lines.append(f"</{root}>\n")
    return "\n".join(lines)
