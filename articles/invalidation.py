"""Cache tags: what each reader page shows, and what each change makes stale.

A page is stored with the tags of everything it shows and the time its rendering started.
A tag's value in the cache is the time it was last invalidated; a stored page is fresh while
every one of its tags was last invalidated before the page was rendered. An edit therefore
costs the pages that show it, not the whole site. The same tags are the surrogate keys a CDN
purges by (articles/cdn.py).

Tags:
  article:<id> section:<id> tag:<id> author:<id> photo:<id>   pages that show the object
  list:home list:section:<id> list:tag:<id> list:author:<id>   which articles a list holds
  lists       every list of articles (a renamed section shows in all of them)
  feeds  sitemaps  search  support (the appeals and settings)   pages of that kind
"""

import time

from django.core.cache import cache
from django.db import transaction

PREFIX = "articles:tag:"
ALL = "all"  # on every page: invalidate_pages() makes the whole site stale
ALL_KEY = PREFIX + ALL


def tag_keys(tags) -> list[str]:
    return [PREFIX + tag for tag in tags]


def add_tags(request, *tags: str) -> None:
    """Record that the page being rendered for this request shows these things."""
    found = getattr(request, "cache_tags", None)
    if found is None:
        found = request.cache_tags = set()
    found.update(tags)


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


def invalidate(*tags: str) -> None:
    """Make stale every page showing any of the tags, now and when the transaction commits.

    Now, so no page rendered from here on is kept as fresh; again at commit, so a page
    rendered meanwhile from the data before the change is not kept either. The CDN is
    purged once the change is committed.
    """
    tags = sorted(set(tags))
    if not tags:
        return
    _stamp(tags)

    def committed():
        _stamp(tags)
        from articles.cdn import purge

        purge(tags)

    transaction.on_commit(committed)


def _stamp(tags) -> None:
    now = time.time_ns()
    cache.set_many({key: now for key in tag_keys(tags)}, None)
    changed_here()


# Changes made by this process: its copies of pages are checked again after any of them,
# however recently they were checked (articles/caching.py).
_changes_here = [0]


def changed_here() -> None:
    _changes_here[0] += 1


def changes_here() -> int:
    return _changes_here[0]


def register(tags) -> None:
    """Give tags never invalidated a record (0), so pages showing them count as fresh.

    Not `all`, which every page shows: its record is the time the records (re)started
    (restart_records), so a page kept from before an emptied cache is never taken as fresh.
    """
    keys = tag_keys(set(tags) - {ALL})
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            cache.add(key, 0, None)  # add, not set: an invalidation meanwhile wins


def restart_records() -> None:
    """Start the records afresh after they were lost: every page rendered before is stale."""
    cache.add(ALL_KEY, time.time_ns(), None)
    changed_here()


def invalidated_after(tags, moment_ns: int, found: dict | None = None) -> bool:
    """Return whether any tag was invalidated after the moment (or its record was lost).

    `found`: the tags' records already read with the page (one round trip), if they were.
    """
    if moment_ns > time.time_ns():
        return True  # rendered "later" than now: the clock was set back, trust nothing
    keys = tag_keys(tags)
    if found is None or any(key not in found for key in keys):
        found = cache.get_many(keys)
    else:
        found = {key: found[key] for key in keys}
    if len(found) < len(keys):
        # Never invalidated, or evicted: record now, so older pages count as stale.
        now = time.time_ns()
        for key in keys:
            if key not in found:
                cache.add(key, now, None)
        return True
    return any(stamp > moment_ns for stamp in found.values())


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
