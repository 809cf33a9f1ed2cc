"""Readers and live blogs: the page, its poll document, what an entry stales and purges,
the LiveBlogPosting data, and the badge on lists."""

import datetime

import pytest
from django.utils import timezone

from articles.live import POLL_ENTRIES, live_entry_post
from pagecache.models import Purge
from tests.articles.factories import (
    ArticleFactory,
    AuthorFactory,
    SectionFactory,
    UserFactory,
)
from tests.articles.html import find, inside, json_ld
from tests.articles.live_factories import LiveEntryFactory

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def blog():
    world = SectionFactory(name="World", slug="world")
    return ArticleFactory(
        live=True, live_blog="open", section=world, headline="Border crossings: live"
    )


def poll_url(article):
    return article.get_absolute_url() + "live.json"


def entry_ids(content) -> list[str]:
    return [e["attrs"]["id"] for e in find(content, "li", class_="live-entry")]


def cached(client, path, django_assert_num_queries) -> bool:
    """Whether the page comes from the page cache (no query at all)."""
    try:
        with django_assert_num_queries(0):
            client.get(path)
    except pytest.fail.Exception:
        return False
    return True


def test_the_page_lists_the_entries_pinned_first_then_newest_without_javascript(client, blog):
    now = timezone.now()
    author = AuthorFactory(name="Anna Petrova")
    old = LiveEntryFactory(article=blog, posted_at=now - 3 * HOUR, headline="Queues at dawn")
    pinned = LiveEntryFactory(article=blog, posted_at=now - 4 * HOUR, pinned=True)
    new = LiveEntryFactory(
        article=blog, posted_at=now - HOUR, author=author, body="<p>Gates <em>open</em>.</p>"
    )

    page = client.get(blog.get_absolute_url())

    assert page.status_code == 200
    assert entry_ids(page.content) == [f"entry-{e.pk}" for e in (pinned, new, old)]
    html = page.content.decode()
    assert "Queues at dawn" in html and "Gates <em>open</em>." in html
    assert "Anna Petrova" in [a["text"] for a in inside(page.content, "a", "live-entry-meta")]
    blogs = find(page.content, "section", class_="live-blog")
    assert blogs[0]["attrs"]["data-live-poll"] == poll_url(blog)
    assert find(page.content, "script", src="/static/js/live-blog.js")


def test_a_closed_blog_keeps_its_entries_and_polls_no_more(client):
    closed = ArticleFactory(live=True, live_blog="closed")
    entry = LiveEntryFactory(article=closed)

    page = client.get(closed.get_absolute_url())

    assert entry_ids(page.content) == [f"entry-{entry.pk}"]
    assert b"This live blog has ended." in page.content
    assert b"data-live-poll" not in page.content and b"live-blog.js" not in page.content


def test_an_ordinary_story_has_no_live_blog_and_no_poll_document(client):
    story = ArticleFactory(live=True)

    assert b"live-blog" not in client.get(story.get_absolute_url()).content
    assert client.get(poll_url(story)).status_code == 404


def test_the_poll_document_is_small_kept_briefly_by_browsers_and_tagged_with_the_story(
    client, blog
):
    for n in range(POLL_ENTRIES + 5):
        LiveEntryFactory(article=blog, posted_at=timezone.now() - n * HOUR)
    pinned = LiveEntryFactory(article=blog, posted_at=timezone.now() - 100 * HOUR, pinned=True)

    response = client.get(poll_url(blog))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"public", "max-age=5"} <= control
    assert f"article:{blog.pk}" in response["Surrogate-Key"].split()
    data = response.json()
    assert data["open"] is True and data["complete"] is False
    assert len(data["entries"]) == POLL_ENTRIES + 1
    assert data["entries"][0]["id"] == pinned.pk and data["entries"][0]["pinned"]
    assert f'id="entry-{pinned.pk}"' in data["entries"][0]["html"]


def test_the_poll_document_of_a_story_readers_cannot_see_is_a_404(client):
    draft = ArticleFactory(status="draft", live_blog="open", publish_at=timezone.now() - HOUR)
    scheduled = ArticleFactory(
        status="scheduled", live_blog="open", publish_at=timezone.now() + HOUR
    )

    assert client.get(poll_url(draft)).status_code == 404
    assert client.get(poll_url(scheduled)).status_code == 404
    assert client.get("/2026/02/31/nothing/live.json").status_code == 404


def test_an_entry_stales_the_page_and_its_poll_document_and_no_list(
    client, blog, django_assert_num_queries
):
    other = ArticleFactory(live=True, section=SectionFactory(name="Business", slug="business"))
    paths = [blog.get_absolute_url(), poll_url(blog), "/", "/section/world/"]
    paths.append(other.get_absolute_url())
    for path in paths:
        client.get(path)
    assert all(cached(client, path, django_assert_num_queries) for path in paths)

    entry = live_entry_post(article=blog, user=UserFactory(is_superuser=True), body="<p>Now.</p>")

    assert not cached(client, blog.get_absolute_url(), django_assert_num_queries)
    assert not cached(client, poll_url(blog), django_assert_num_queries)
    assert [e["id"] for e in client.get(poll_url(blog)).json()["entries"]] == [entry.entry.pk]
    assert all(cached(client, path, django_assert_num_queries) for path in paths[2:])


def test_an_entry_purges_the_story_key_at_the_edge(
    settings, blog, django_capture_on_commit_callbacks
):
    settings.CDN_PURGE_BACKEND = "pagecache.purge.VarnishPurge"
    settings.CDN_PURGE_URL = "http://127.0.0.1:9/"  # queued only: the task is not run here

    live_entry_post(article=blog, user=UserFactory(is_superuser=True), body="<p>Now.</p>")

    [purge] = Purge.objects.all()
    assert purge.keys == [f"article:{blog.pk}"]


def test_the_page_says_it_is_a_live_blog_posting_with_its_updates(client, blog):
    author = AuthorFactory(name="Anna Petrova")
    first = LiveEntryFactory(
        article=blog, posted_at=timezone.now() - 2 * HOUR, headline="Gates open", author=author
    )
    second = LiveEntryFactory(article=blog, body="<p>Buses are leaving for the border.</p>")

    data = json_ld(client.get(blog.get_absolute_url()).content)

    assert data["@type"] == "LiveBlogPosting"
    assert data["headline"] == "Border crossings: live"
    assert data["coverageStartTime"].startswith(blog.publish_at.date().isoformat())
    assert "coverageEndTime" not in data
    updates = data["liveBlogUpdate"]
    assert [u["@type"] for u in updates] == ["BlogPosting", "BlogPosting"]
    assert updates[0]["headline"] == "Buses are leaving for the border."
    assert updates[0]["url"].endswith(f"{blog.get_absolute_url()}#entry-{second.pk}")
    assert updates[1]["headline"] == "Gates open"
    assert updates[1]["author"]["name"] == "Anna Petrova"
    assert updates[1]["datePublished"] == first.posted_at.isoformat()


def test_a_closed_blog_says_when_its_coverage_ended(client):
    closed = ArticleFactory(live=True, live_blog="closed")
    last = LiveEntryFactory(article=closed, posted_at=timezone.now() - HOUR)

    data = json_ld(client.get(closed.get_absolute_url()).content)

    assert data["coverageEndTime"] == last.posted_at.replace(microsecond=0).isoformat()


def test_an_ordinary_story_stays_a_news_article(client):
    story = ArticleFactory(live=True)

    assert json_ld(client.get(story.get_absolute_url()).content)["@type"] == "NewsArticle"


def badges(content) -> list[str]:
    return [e["text"] for e in inside(content, "span", "teaser-headline") if e["text"] == "Live"]


def test_lists_show_a_live_badge_while_the_blog_is_open(client, blog):
    ArticleFactory(live=True, section=blog.section, headline="An ordinary story")

    assert badges(client.get("/").content) == ["Live"]
    assert badges(client.get("/section/world/").content) == ["Live"]

    blog.live_blog = "closed"
    blog.save()

    assert badges(client.get("/").content) == []
    assert badges(client.get("/section/world/").content) == []


def test_a_preview_of_a_draft_live_blog_shows_its_entries_and_polls_nothing(client):
    from articles.views.preview import preview_token

    draft = ArticleFactory(status="draft", live_blog="open")
    entry = LiveEntryFactory(article=draft, headline="Prepared in advance")

    page = client.get(f"/preview/{preview_token(draft)}/")

    assert page.status_code == 200
    assert entry_ids(page.content) == [f"entry-{entry.pk}"]
    assert b"data-live-poll" not in page.content and b"live-blog.js" not in page.content


def test_with_the_page_cache_off_browsers_still_keep_the_poll_document_five_seconds(
    client, blog, settings
):
    settings.PAGE_CACHE_SECONDS = 0

    response = client.get(poll_url(blog))

    assert "max-age=5" in response["Cache-Control"]
