"""Story blocks from the body editor's tools: pull quote, fact box, table, a related story
found by its headline, and an embed from a pasted URL, kept in their one shape each."""

import re

import pytest
from playwright.sync_api import expect

from articles.models import Article, Embed
from tests.browser.helpers import log_in, staff_user
from tests.browser.test_body_editor import csp_violations, publish, write

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_an_editor_inserts_each_block_and_readers_see_them(new_context, site, fake_youtube):
    page = new_context().new_page()
    violations = csp_violations(page)
    log_in(page, staff_user("Editors"))
    write(page, "Blocks from the toolbar")
    body = page.get_by_role("textbox", name="Body")
    tools = page.get_by_role("group", name="Story blocks")

    body.fill("The ceasefire held.")
    tools.get_by_role("button", name="Pull quote").click()
    page.keyboard.type("Nobody believes it will last.")  # in place of the placeholder
    tools.get_by_role("button", name="Fact box").click()
    page.keyboard.type("The mission")
    tools.get_by_role("button", name="Table").click()
    page.keyboard.type("Week")
    tools.get_by_label("Related story: words to search for").fill("peacekeepers")
    tools.get_by_role("button", name="Find stories").click()
    tools.get_by_role("button", name=f"Insert related story {site.story.headline}").click()
    tools.get_by_label("Embed: paste a link").fill("https://www.youtube.com/watch?v=convoy")
    tools.get_by_label("Embed: paste a link").press("Enter")  # not the story's form
    expect(tools.get_by_role("status")).to_have_text(
        "Embed from YouTube inserted: “Council <b>meeting</b>, in full”."
    )
    # Counted as the server counts: not the pull quote, the related story or the embed.
    expect(page.locator(".body-word-count")).to_have_text("6 words")
    publish(page)

    article = Article.objects.get(headline="Blocks from the toolbar")
    assert len(article.body_text.split()) == 6
    embed = Embed.objects.get()
    stored = article.body
    blocks = re.findall(r"<(p|aside|table|figure)[ >]", stored)
    assert blocks[:4] == ["p", "aside", "p", "aside"]
    assert stored.startswith(
        '<p>The ceasefire held.</p><aside data-block="pullquote"><p>Nobody believes it will '
        'last.</p></aside><aside data-block="factbox"><h2>The mission</h2></aside>'
        "<table><tbody><tr><th><p>Week</p></th><th></th></tr>"
    )
    # The related story and the embed go after the table the cursor was in, in order.
    assert stored.endswith(
        f'</table><figure data-block="related" data-article="{site.story.pk}">'
        f"{site.story.headline}</figure>"
        f'<figure data-block="embed" data-embed="{embed.pk}"><a href="{embed.url}" '
        f'rel="noopener noreferrer">{embed.url}</a></figure>'
    )
    assert violations == []

    reader = new_context().new_page()
    reader.goto(article.get_absolute_url())
    expect(reader.locator(".related-story a")).to_have_text(site.story.headline)
    expect(reader.get_by_role("button", name="Load content from YouTube")).to_be_visible()
    expect(reader.locator(".article-body [data-block=factbox] h2")).to_have_text("The mission")


def test_a_url_that_is_not_an_address_is_refused_in_words(new_context, site):
    page = new_context().new_page()
    log_in(page, staff_user("Editors"))
    write(page, "A bad embed")
    tools = page.get_by_role("group", name="Story blocks")

    tools.get_by_label("Embed: paste a link").fill("javascript:alert(1)")
    tools.get_by_role("button", name="Add embed").click()

    expect(tools.get_by_role("status")).to_have_text("Paste a web address starting with https://.")
    assert not Embed.objects.exists()
