from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap

from articles.models import Article, Section


class SiteUrlSitemap(Sitemap):
    """Absolute URLs from SITE_URL, as canonical links and feeds use."""

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme


class ArticleSitemap(SiteUrlSitemap):
    limit = 5000

    def items(self):
        return Article.objects.published().only("slug", "publish_at", "modified_at")

    def lastmod(self, item):
        return item.modified_at


class SectionSitemap(SiteUrlSitemap):
    changefreq = "hourly"

    def items(self):
        return Section.objects.all()


SITEMAPS = {"articles": ArticleSitemap, "sections": SectionSitemap}
