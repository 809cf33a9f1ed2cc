"""A live blog in the browser: entries posted at the desk appear on an open reader page."""

import pytest
from playwright.sync_api import expect

from articles.models import LiveEntry
from tests.articles.factories import ArticleFactory
from tests.browser.helpers import log_in, staff_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

UPDATES = [
    "The first convoy crossed the bridge.",
    "Checkpoints on the corridor are empty.",
    "The base at Khojaly was handed over.",
]


def test_three_entries_posted_at_the_desk_appear_on_an_open_reader_page_without_reload(
    new_context, site, settings
):
    settings.LIVE_BLOG_POLL_SECONDS = 1
    blog = ArticleFactory(
        headline="Withdrawal day: live",
        section=site.story.section,
        status="published",
        publish_at=site.story.publish_at,
        live_blog="open",
    )
    reader = new_context().new_page()
    polls = []
    reader.on("request", lambda r: r.url.endswith("/live.json") and polls.append(r))
    reader.goto(blog.get_absolute_url())
    expect(reader.get_by_role("status")).to_have_text("No updates yet.")
    reader.evaluate("window.openedOnce = true")  # gone if the page were loaded again

    editor = new_context().new_page()
    log_in(editor, staff_user("Editors"))
    editor.goto(f"/admin/articles/article/{blog.pk}/change/")
    editor.get_by_role("link", name="Live blog (open)").click()
    for text in UPDATES:
        editor.get_by_role("textbox", name="Body").click()
        editor.keyboard.type(text)
        editor.get_by_role("button", name="Post entry").click()
        expect(editor.locator(".messagelist .success")).to_have_text("Entry posted.")

    entries = reader.locator(".live-entry")
    expect(entries).to_have_count(3, timeout=20_000)  # newest first:
    expect(entries.locator(".live-entry-body")).to_have_text(list(reversed(UPDATES)))
    assert reader.evaluate("window.openedOnce") is True
    assert LiveEntry.objects.filter(article=blog).count() == 3
    assert polls and all(r.headers.get("cookie") is None for r in polls)


def test_a_hidden_tab_stops_asking_and_a_closed_blog_says_it_ended(new_context, site, settings):
    settings.LIVE_BLOG_POLL_SECONDS = 1
    blog = ArticleFactory(
        headline="Withdrawal day: live",
        section=site.story.section,
        status="published",
        publish_at=site.story.publish_at,
        live_blog="open",
    )
    reader = new_context().new_page()
    polls = []
    reader.on("request", lambda r: r.url.endswith("/live.json") and polls.append(r))
    reader.goto(blog.get_absolute_url())
    reader.wait_for_timeout(2500)
    assert polls, "an open page asks for new entries"

    reader.evaluate(
        """() => {
            Object.defineProperty(document, "hidden", {value: true, configurable: true});
            document.dispatchEvent(new Event("visibilitychange"));
        }"""
    )
    asked = len(polls)
    reader.wait_for_timeout(2500)
    assert len(polls) == asked

    blog.live_blog = "closed"
    blog.save()
    reader.evaluate(
        """() => {
            Object.defineProperty(document, "hidden", {value: false, configurable: true});
            document.dispatchEvent(new Event("visibilitychange"));
        }"""
    )
    expect(reader.get_by_role("status")).to_have_text("This live blog has ended.", timeout=10_000)
