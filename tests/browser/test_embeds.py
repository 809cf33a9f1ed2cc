"""An embed asks its provider for nothing until the reader presses "Load content from …"."""

import pytest
from playwright.sync_api import expect

from articles.embeds import embed_for_url
from tests.browser.blocks import blocks_story
from tests.browser.conftest import PHONE
from tests.browser.test_page_weight import scroll_to_the_end

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_provider_is_asked_for_nothing_until_the_reader_presses_load(
    new_context, site, fake_youtube
):
    embed = embed_for_url(url="https://www.youtube.com/watch?v=convoy")
    assert embed.error == "" and embed.thumbnail
    story = blocks_story(site, embed=embed)
    resolved = len(fake_youtube.requests)  # the oEmbed answer and thumbnail, when it was added
    page = new_context(viewport=PHONE).new_page()
    requested = []
    page.on("request", lambda request: requested.append(request.url))

    page.goto(story.get_absolute_url())
    scroll_to_the_end(page)

    assert [url for url in requested if not site.same_origin(url)] == []
    assert len(fake_youtube.requests) == resolved
    card = page.locator(".embed-card")
    expect(card.locator("img")).to_have_attribute("src", embed.thumbnail.url)
    expect(card).to_contain_text("Council <b>meeting</b>, in full")  # text, not markup

    with page.expect_request(lambda request: request.url.startswith(fake_youtube.origin)):
        card.get_by_role("button", name="Load content from YouTube").click()

    frame = card.locator("iframe")
    expect(frame).to_have_attribute("src", f"{fake_youtube.origin}/embed/convoy")
    expect(page.frame_locator(".embed-card iframe").locator("p")).to_have_text("Playing")
    assert fake_youtube.requests[resolved:] == ["/embed/convoy"]
