from articles.views.pages import article_detail, author, home, search, section, tag
from articles.views.preview import preview
from articles.views.robots import news_sitemap, robots_txt

__all__ = [
    "article_detail",
    "author",
    "home",
    "news_sitemap",
    "preview",
    "robots_txt",
    "search",
    "section",
    "tag",
]
