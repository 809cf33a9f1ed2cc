"""Live blogs: posting entries, opening and closing the blog, and what readers are shown.

A live blog is a story (``Article.live_blog`` open or closed) whose page lists its entries
(``LiveEntry``), pinned ones first, then newest first. Readers' pages are kept whole by the
page cache like any story; each entry stales the story's key (``article:<id>``, see
``articles.signals``), so the page, its small poll document (``live.json``) and the edge's
copies of both go at once. Who may post follows the workflow: Writers never change what
readers see, so only those who may publish post to a live, scheduled or withdrawn story.
"""

import datetime
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import get_template
from django.utils import timezone

from articles.models import Article, LiveBlog, LiveEntry
from articles.models.articles import PUBLISHING_STATUSES
from articles.sanitize import clean_body, html_to_text, inline_photo_ids
from articles.seo import isotime
from articles.workflow import user_may_publish
from newsroom.links import absolute_url

# The page shows every pinned entry and this many of the newest others.
PAGE_ENTRIES = 200
# The poll document carries every pinned entry and this many of the newest others.
POLL_ENTRIES = 20
# An entry posted again this soon with the same words is the same entry (a double submit).
SAME_ENTRY_WITHIN = datetime.timedelta(seconds=1)


class LiveBlogClosed(Exception):
    pass


def user_may_post(user, article: Article) -> bool:
    """Whether the user may add, change or remove this story's entries (the workflow's
    rule: what readers see, will see or saw is an editor's)."""
    if not user.has_perm("articles.add_liveentry"):
        return False
    return article.status not in PUBLISHING_STATUSES or user_may_publish(user)


def user_may_open_or_close(user, article: Article) -> bool:
    """Whether the user may make the story a live blog, close it or open it again."""
    if not user.has_perm("articles.change_article"):
        return False
    return article.status not in PUBLISHING_STATUSES or user_may_publish(user)


@dataclass
class Posted:
    entry: LiveEntry
    created: bool


def live_entry_post(
    *,
    article: Article,
    user,
    body: str,
    headline: str = "",
    author=None,
    pinned: bool = False,
    submission: uuid.UUID | None = None,
    at: datetime.datetime | None = None,
) -> Posted:
    """Add an entry to an open live blog, or return the one this same post already made.

    A form sent twice carries the same submission token: one entry. The same words posted
    to the same story within SAME_ENTRY_WITHIN are one entry too (two forms, one click too
    many). The story's row is locked meanwhile, so two posts at once cannot both add it.
    """
    if not user_may_post(user, article):
        raise PermissionDenied("Only editors post to a live, scheduled or withdrawn story.")
    body = clean_body(body)
    if not html_to_text(body):
        raise ValidationError({"body": "Write the entry's text."})
    headline = " ".join(headline.split())
    now = timezone.now()  # when it was asked for: a wait for the lock does not count
    with transaction.atomic():
        locked = Article.objects.select_for_update().only("live_blog").get(pk=article.pk)
        if submission is not None:
            already = LiveEntry.objects.filter(submission=submission).first()
            if already is not None:
                return Posted(already, False)
        if locked.live_blog != LiveBlog.OPEN:
            raise LiveBlogClosed(
                "This live blog is closed: open it again to post."
                if locked.live_blog
                else "This story is not a live blog."
            )
        same = (
            LiveEntry.objects.filter(
                article=article,
                body=body,
                headline=headline,
                created_at__gte=now - SAME_ENTRY_WITHIN,
            )
            .order_by("-pk")
            .first()
        )
        if same is not None:
            return Posted(same, False)
        try:
            with transaction.atomic():
                entry = LiveEntry.objects.create(
                    article=article,
                    posted_at=at or now,
                    author=author,
                    headline=headline,
                    body=body,
                    pinned=pinned,
                    posted_by=user if user.pk else None,
                    submission=submission,
                )
        except IntegrityError:  # the same form, committed by another process meanwhile
            return Posted(LiveEntry.objects.get(submission=submission), False)
    return Posted(entry, True)


def live_entry_pin(*, entry: LiveEntry, user, pinned: bool) -> LiveEntry:
    if not user_may_post(user, entry.article):
        raise PermissionDenied("Only editors change a live, scheduled or withdrawn story.")
    entry.pinned = pinned
    entry.save(update_fields=["pinned", "modified_at"])
    return entry


def live_blog_set(*, article: Article, user, state: str) -> Article:
    """Make the story a live blog (open), close it, open it again, or end it."""
    state = LiveBlog(state)
    if not user_may_open_or_close(user, article):
        raise PermissionDenied("Only editors open or close a live story's blog.")
    article.live_blog = state
    article.save(update_fields=["live_blog", "modified_at"])
    return article


def live_entries(article: Article, *, newest: int = PAGE_ENTRIES) -> list[LiveEntry]:
    """The entries readers see: every pinned one, then the newest others, newest first."""
    entries = LiveEntry.objects.filter(article=article).select_related("author")
    pinned = list(entries.filter(pinned=True).order_by("-posted_at", "-pk"))
    others = list(entries.filter(pinned=False).order_by("-posted_at", "-pk")[:newest])
    return pinned + others


def last_change(article: Article, entries: list[LiveEntry]) -> datetime.datetime:
    """When the story or any entry shown last changed (Last-Modified, dateModified)."""
    return max([article.modified_at, article.publish_at, *(e.modified_at for e in entries)])


# What readers are shown.

# How long a browser may keep the poll document (seconds); an open page asks for it every
# LIVE_BLOG_POLL_SECONDS.
POLL_MAX_AGE = 5
# Updates listed in the JSON-LD, newest first.
JSON_LD_UPDATES = 50


@dataclass
class LivePage:
    """A live blog as its page draws it."""

    article: Article
    entries: list
    more: bool
    poll_url: str
    interval: int

    @property
    def open(self) -> bool:
        return self.article.live_blog == LiveBlog.OPEN


def live_page(article: Article, *, poll: bool = True) -> LivePage:
    """The blog as its page draws it; `poll`: whether an open page asks for new entries
    (not on a preview: a story readers cannot see has no poll document)."""
    entries = live_entries(article, newest=PAGE_ENTRIES + 1)
    unpinned = sum(1 for e in entries if not e.pinned)
    more = unpinned > PAGE_ENTRIES
    if more:
        entries = entries[:-1]
    return LivePage(
        article=article,
        entries=entries,
        more=more,
        poll_url=live_document_url(article) if poll else "",
        interval=settings.LIVE_BLOG_POLL_SECONDS,
    )


def live_document_url(article: Article) -> str:
    return article.get_absolute_url() + "live.json"


def live_page_tags(entries) -> list[str]:
    """What the entries show besides the story: their authors and inline photos."""
    tags = {f"author:{e.author_id}" for e in entries if e.author_id}
    tags.update(f"photo:{pk}" for e in entries for pk in inline_photo_ids(e.body))
    return sorted(tags)


def live_document(article: Article, entries: list[LiveEntry], *, complete: bool) -> dict:
    """The small document an open page polls: the blog's state and its newest entries,
    each drawn as on the page (the script inserts what it has not got); `complete` when
    they are all the blog has (the script then removes what is gone)."""
    draw = get_template("articles/includes/live.html").template.module.live_entry
    return {
        "open": article.live_blog == LiveBlog.OPEN,
        "complete": complete,
        "entries": [{"id": e.pk, "pinned": e.pinned, "html": str(draw(e))} for e in entries],
    }


def live_json_ld(data: dict, article: Article, entries: list[LiveEntry]) -> dict:
    """Turn a story's NewsArticle data into schema.org LiveBlogPosting with its updates."""
    data = {**data, "@type": "LiveBlogPosting"}
    data["coverageStartTime"] = isotime(article.publish_at)
    newest = sorted(entries, key=lambda e: (e.posted_at, e.pk), reverse=True)
    if article.live_blog != LiveBlog.OPEN:
        data["coverageEndTime"] = isotime(newest[0].posted_at if newest else article.modified_at)
    data["dateModified"] = isotime(last_change(article, entries))
    url = data["url"]
    data["liveBlogUpdate"] = [_update(e, url) for e in newest[:JSON_LD_UPDATES]]
    return data


def _update(entry: LiveEntry, url: str) -> dict:
    text = entry.body_text
    headline = entry.headline or (text if len(text) <= 110 else text[:109] + "…")
    update = {
        "@type": "BlogPosting",
        "headline": headline,
        "url": f"{url}#{entry.anchor}",
        "datePublished": entry.posted_at.isoformat(),
        "dateModified": entry.modified_at.isoformat(),
        "articleBody": text,
    }
    if entry.author is not None:
        update["author"] = {
            "@type": "Person",
            "name": entry.author.name,
            "url": absolute_url(entry.author.get_absolute_url()),
        }
    return update
