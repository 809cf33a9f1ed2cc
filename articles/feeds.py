import html

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

from articles.blocks import for_feed
from articles.models import Article, Section
from articles.sanitize import clean_body
from newsroom.links import absolute_url
from pagecache.tags import add_tags
from publication.services import publication_name

FEED_SIZE = 30


class TextSummaryAtomFeed(Atom1Feed):
    """Atom whose summaries are plain text and whose full text is sanitised HTML."""

    def add_item_elements(self, handler, item):
        summary, item["description"] = item["description"], None
        super().add_item_elements(handler, item)
        if summary is not None:
            handler.addQuickElement("summary", summary, {"type": "text"})
        if item.get("content"):
            handler.addQuickElement("content", item["content"], {"type": "html"})


class LatestArticlesFeed(Feed):
    """The site's latest articles; per section when given a section slug."""

    feed_type = Rss201rev2Feed
    url_name = "articles:feed-rss"

    def get_object(self, request, slug=None):
        add_tags(request, "feeds", "lists")
        return get_object_or_404(Section, slug=slug) if slug else None

    def title(self, obj=None):
        name = publication_name()
        return f"{name}: {obj.name}" if obj else f"{name}: latest"

    def description(self, obj=None):
        return f"The latest articles from {publication_name()}" + (f", {obj.name}" if obj else "")

    def link(self, obj=None):
        return absolute_url(obj.get_absolute_url() if obj else "/")

    def feed_url(self, obj=None):
        name = self.url_name.replace("feed", "section-feed") if obj else self.url_name
        return absolute_url(reverse(name, args=[obj.slug] if obj else []))

    def items(self, obj=None):
        articles = Article.objects.published().for_feed()
        if obj:
            articles = articles.filter(section=obj)
        return articles[:FEED_SIZE]

    def item_title(self, item):
        return item.headline

    def item_description(self, item):
        # RSS readers take a description for HTML: the text is escaped to stay text.
        return html.escape(item.description, quote=False)

    def item_link(self, item):
        return absolute_url(item.get_absolute_url())

    def item_pubdate(self, item):
        return item.publish_at

    def item_updateddate(self, item):
        return item.reader_updated_at or item.publish_at

    def item_author_name(self, item):
        return ", ".join(b.author.name for b in item.bylines.all()) or item.agency or None

    def item_categories(self, item):
        return [item.section.name, *(tag.name for tag in item.tags.all())]


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = TextSummaryAtomFeed
    url_name = "articles:feed-atom"
    subtitle = LatestArticlesFeed.description

    def item_description(self, item):
        return item.description

    def item_extra_kwargs(self, item):
        return {"content": for_feed(clean_body(item.body))}
