import datetime

from django.db import models
from django.db.models import F, Prefetch
from django.utils import timezone

from articles.statuses import LIVE_STATUSES

# Related stories come from this many days either side of the article.
READ_MORE_DAYS = 30
# Teasers do not show the text, the bulk of an article's row.
NOT_IN_TEASERS = ("body", "body_text")


def _bylines(article_model):
    byline_model = article_model.bylines.field.model
    return Prefetch("bylines", queryset=byline_model.objects.select_related("author"))


class ArticleQuerySet(models.QuerySet):
    def published(self, *, at: datetime.datetime | None = None):
        """Return the articles a reader may see: live status and publication time passed."""
        return self.filter(status__in=LIVE_STATUSES, publish_at__lte=at or timezone.now())

    def front_page(self):
        """Return the home page's stories: the editors' lead and top stories in their
        positions first, then the rest of the live stories, newest first."""
        return self.published().order_by(
            F("front_page_position").asc(nulls_last=True), "-publish_at", "-pk"
        )

    def for_listing(self):
        """Load what a list of teasers shows (section, photo), in one query; not the text,
        the bulk of an article's row, which no teaser shows."""
        return self.select_related("section", "hero_photo").defer(*NOT_IN_TEASERS)

    def for_feed(self):
        """Load what a feed's items show: the text's first lines, the authors and the tags."""
        return self.select_related("section", "hero_photo").prefetch_related(
            _bylines(self.model), "tags"
        )

    def search(self, text: str):
        """Return articles matching the text, best first (full-text on PostgreSQL)."""
        from articles.search import ranked

        return ranked(self, text)

    def best_first(self, text: str) -> list[int]:
        """Return the pks of the articles matching the text, best first (at most
        articles.search.CANDIDATES): what the reader's search pages through."""
        from articles.search import best_first

        return best_first(self, text)

    def matching(self, text: str):
        """Return articles matching the text, in no particular order (the admin's search)."""
        from articles.search import matching

        return matching(self, text)
