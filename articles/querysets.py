import datetime

from django.db import connections, models
from django.db.models import Exists, F, OuterRef, Prefetch, Value
from django.utils import timezone


def _bylines():
    from articles.models import Byline

    return Prefetch("bylines", queryset=Byline.objects.select_related("author"))


def page_relations() -> list:
    """Return what an article page shows beside the article, one query each."""
    return [_bylines(), "tags", "corrections"]


# Related stories come from this many days either side of the article.
READ_MORE_DAYS = 30
_DAY = datetime.timedelta(days=1)


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

        The article comes first, with its bylines, tags and corrections; then one query
        finds the related stories: the newest sharing one of its tags, then the newest of
        its section, both from within READ_MORE_DAYS of it, so the page costs the same in
        an archive of any size (the tags are known by then, so PostgreSQL can weigh them).
        """
        start = datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)
        live = self.published()
        article = (
            live.filter(slug=slug, publish_at__gte=start, publish_at__lt=start + _DAY)
            .select_related("section", "hero_photo")
            .first()
        )
        if article is None:
            return None, []
        models.prefetch_related_objects([article], *page_relations())
        window = datetime.timedelta(days=READ_MORE_DAYS)
        nearby = live.filter(publish_at__gte=start - window, publish_at__lt=start + window)
        nearby = nearby.exclude(pk=article.pk).select_related("section", "hero_photo")
        tag_ids = [tag.pk for tag in article.tags.all()]
        article_tags = self.model.tags.through.objects
        shares_tag = Exists(article_tags.filter(article_id=OuterRef("pk"), tag_id__in=tag_ids))
        newest = ("-publish_at", "-pk")
        parts = [nearby.filter(section_id=article.section_id).annotate(rank=Value(0))]
        if tag_ids:
            parts.insert(0, nearby.filter(shares_tag).annotate(rank=Value(1)))
        parts = [part.order_by(*newest)[:read_more] for part in parts]
        if len(parts) > 1 and connections[self.db].features.supports_slicing_ordering_in_compound:
            rows = list(parts[0].union(*parts[1:], all=True))
        else:  # SQLite cannot limit the parts of a UNION: one query each
            rows = [row for part in parts for row in part]
        related, seen = [], set()
        for row in sorted(rows, key=lambda r: (-r.rank, -r.publish_at.timestamp(), -r.pk)):
            if row.pk not in seen:
                seen.add(row.pk)
                related.append(row)
        return article, related[:read_more]

    def search(self, text: str):
        """Return articles matching the text, best first (full-text on PostgreSQL)."""
        from articles.search import ranked

        return ranked(self, text)

    def matching(self, text: str):
        """Return articles matching the text, in no particular order (the admin's search)."""
        from articles.search import matching

        return matching(self, text)
