import datetime

from django.db import models
from django.db.models import Case, F, Prefetch, Q, Value, When
from django.utils import timezone


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
        """Load what a list of articles shows, in a fixed number of queries."""
        return self.select_related("section", "hero_photo").prefetch_related(_bylines())

    def for_page(self):
        return self.select_related("section", "hero_photo").prefetch_related(*page_relations())

    def page_with_read_more(self, *, day: datetime.date, slug: str, read_more: int = 4):
        """Return the published article at this date and slug, and its related articles.

        One query finds both: the article sorts first, then the articles sharing a
        tag with it, then the rest of its section, newest first.
        """
        start = datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)
        live = self.published()
        target = Q(slug=slug, publish_at__gte=start, publish_at__lt=start + datetime.timedelta(1))
        target_ids = live.filter(target).values("pk")
        article_tags = self.model.tags.through.objects
        shares_tag = Q(
            pk__in=article_tags.filter(
                tag_id__in=article_tags.filter(article_id__in=target_ids).values("tag_id")
            ).values("article_id")
        )
        same_section = Q(section_id__in=live.filter(target).values("section_id"))
        rows = list(
            live.filter(target | shares_tag | same_section)
            .annotate(
                rank=Case(When(target, then=Value(2)), When(shares_tag, then=Value(1)), default=0)
            )
            .select_related("section", "hero_photo")
            .order_by("-rank", "-publish_at", "-pk")[: read_more + 1]
        )
        if not rows or rows[0].rank != 2:
            return None, []
        article = rows[0]
        models.prefetch_related_objects([article], *page_relations())
        return article, rows[1:]

    def search(self, text: str):
        """Return articles matching the text, best first (full-text on PostgreSQL)."""
        from articles.search import ranked

        return ranked(self, text)

    def matching(self, text: str):
        """Return articles matching the text, in no particular order (the admin's search)."""
        from articles.search import matching

        return matching(self, text)
