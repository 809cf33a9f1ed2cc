import datetime

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from articles.models import Article
from newsroom.links import absolute_url
from pagecache.pages import reader_page
from pagecache.tags import add_tags
from publication.services import publication_name

NEWS_SITEMAP_DAYS = 2


@reader_page
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /preview/",
        "Disallow: /search/",
        f"Sitemap: {absolute_url('/sitemap.xml')}",
        f"Sitemap: {absolute_url('/news-sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@reader_page
def news_sitemap(request):
    """List the articles of the last two days in Google News sitemap format."""
    add_tags(request, "sitemaps")
    since = timezone.now() - datetime.timedelta(days=NEWS_SITEMAP_DAYS)
    articles = Article.objects.published().filter(publish_at__gte=since).order_by("-publish_at")
    context = {
        "articles": [(absolute_url(a.get_absolute_url()), a) for a in articles[:1000]],
        "publication": publication_name(),
    }
    return render(
        request, "articles/news_sitemap.xml", context, content_type="application/xml; charset=utf-8"
    )
