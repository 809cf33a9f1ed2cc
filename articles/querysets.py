import datetime

from django.db import models
from django.db.models import Exists, F, OuterRef, Prefetch, Q
from django.utils import timezone

# Related stories come from this many days either side of the article.
READ_MORE_DAYS = 30


def _bylines():
    from articles.models import Byline

    return Prefetch("bylines", queryset=Byline.objects.select_related("author"))


def page_relations() -> list:
    """Return what an article page shows beside the article, one query each."""
    return [_bylines(), "tags", "corrections"]


class ArticleQuerySet(models.QuerySet):
    def published(self, *, at: datetime.datetime | None = None):
        """Return the articles a reader may see: live status and publication time passed."""
        from articles.models.articles import LIVE_STATUSES

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
        return self.select_related("section", "hero_photo").defer("body", "body_text")

    def for_feed(self):
        """Load what a feed's items show: the text's first lines, the authors and the tags."""
        return self.select_related("section", "hero_photo").prefetch_related(_bylines(), "tags")

    def for_page(self):
        """Load what an article page shows: the article, its section and photo in one query,
        then its bylines with their authors, its tags and its corrections."""
        return self.select_related("section", "hero_photo").prefetch_related(*page_relations())

    def on_page(self, *, day: datetime.date, slug: str):
        """Return the published article at this date and slug, loaded for its page, or None."""
        start = datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)
        found = self.published().filter(
            slug=slug, publish_at__gte=start, publish_at__lt=start + datetime.timedelta(days=1)
        )
        return found.for_page().first()

    def read_more(self, article, *, limit: int = 4) -> list:
        """Return the newest published stories sharing one of the article's tags, then the
        newest of its section, from within READ_MORE_DAYS of it: one query, whose cost does
        not grow with the archive."""
        window = datetime.timedelta(days=READ_MORE_DAYS)
        tag_ids = [tag.pk for tag in article.tags.all()]
        through = self.model.tags.through.objects
        shares_tag = Exists(through.filter(article_id=OuterRef("pk"), tag_id__in=tag_ids))
        return list(
            self.published()
            .filter(publish_at__range=(article.publish_at - window, article.publish_at + window))
            .filter(Q(section_id=article.section_id) | shares_tag)
            .exclude(pk=article.pk)
            .annotate(shares_tag=shares_tag)
            .for_listing()
            .order_by("-shares_tag", "-publish_at", "-pk")[:limit]
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
