"""The page-cache tags of the newsroom's pages, and what each change makes stale.

article:<id> section:<id> tag:<id> author:<id> photo:<id>   pages that show the object
list:home list:section:<id> list:tag:<id> list:author:<id>   which articles a list holds
lists       every list of articles (a renamed section shows in all of them)
feeds  sitemaps  search                                      pages of that kind
"""

from django.utils import timezone

from articles.models import Article
from articles.models.articles import LIVE_STATUSES
from pagecache.tags import invalidate

# What a scheduled story joins when its time comes.
SCHEDULE_TAGS = ("lists", "list:home", "feeds", "sitemaps", "search")


def tags_for_articles(articles, *, with_articles: bool = True) -> list[str]:
    """Return the tags of what teasers or pages of these articles show."""
    tags = set()
    for article in articles:
        if with_articles:
            tags.add(f"article:{article.pk}")
        tags.add(f"section:{article.section_id}")
        if article.hero_photo_id:
            tags.add(f"photo:{article.hero_photo_id}")
        if "bylines" in getattr(article, "_prefetched_objects_cache", {}):
            tags.update(f"author:{b.author_id}" for b in article.bylines.all())
    return sorted(tags)


def article_changed(article, *, previous_section_id=None, extra=()) -> None:
    """Stale the article's page and every list it is (or was) on."""
    tags = [f"article:{article.pk}", "list:home", "feeds", "sitemaps", "search", *extra]
    for section_id in {article.section_id, previous_section_id} - {None}:
        tags.append(f"list:section:{section_id}")
    if article.pk:
        tags += [f"list:tag:{pk}" for pk in article.tags.through.objects.filter(
            article_id=article.pk).values_list("tag_id", flat=True)]  # fmt: skip
        tags += [f"list:author:{pk}" for pk in article.bylines.values_list("author_id", flat=True)]
    invalidate(*tags)


def next_publication():
    """When the next scheduled story goes live, and the tags of the lists it then joins
    (PAGE_CACHE_NEXT_CHANGE)."""
    upcoming = (
        Article.objects.filter(status__in=LIVE_STATUSES, publish_at__gt=timezone.now())
        .order_by("publish_at")
        .values_list("publish_at", flat=True)
        .first()
    )
    return upcoming, SCHEDULE_TAGS
