from django.urls import path, register_converter

from articles import views
from articles.feeds import LatestArticlesAtomFeed, LatestArticlesFeed
from articles.views import live as live_views
from articles.views import sitemaps as sitemap_views
from pagecache.pages import reader_page


class YearConverter:
    regex = "[0-9]{4}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):04d}"


class TwoDigitConverter:
    regex = "[0-9]{2}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):02d}"


register_converter(YearConverter, "yyyy")
register_converter(TwoDigitConverter, "dd")

app_name = "articles"

rss, atom = reader_page(LatestArticlesFeed()), reader_page(LatestArticlesAtomFeed())

urlpatterns = [
    path("", views.home, name="home"),
    path("<yyyy:year>/<dd:month>/<dd:day>/<slug:slug>/", views.article_detail, name="article"),
    path(
        "<yyyy:year>/<dd:month>/<dd:day>/<slug:slug>/live.json",
        live_views.live_json,
        name="article-live",
    ),
    path("section/<slug:slug>/", views.section, name="section"),
    path("section/<slug:slug>/rss/", rss, name="section-feed-rss"),
    path("section/<slug:slug>/atom/", atom, name="section-feed-atom"),
    path("tag/<slug:slug>/", views.tag, name="tag"),
    path("author/<slug:slug>/", views.author, name="author"),
    path("search/", views.search, name="search"),
    path("preview/<str:token>/", views.preview, name="preview"),
    path("rss/", rss, name="feed-rss"),
    path("atom/", atom, name="feed-atom"),
    path("sitemap.xml", sitemap_views.index, name="sitemap"),
    path("sitemaps/sections.xml", sitemap_views.sections, name="sitemap-sections"),
    path("sitemaps/articles-<yyyy:year>-<dd:month>.xml", sitemap_views.month, name="sitemap-month"),
    path("news-sitemap.xml", views.news_sitemap, name="news-sitemap"),
    path("robots.txt", views.robots_txt, name="robots"),
]
