import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.pages import PAGES, visit

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BUDGET = 40 * 1024  # bytes of HTML + CSS + JS, uncompressed, images aside
CODE = ("document", "stylesheet", "script")

# Scripts that hold up the first paint: the browser's own verdict (Resource Timing's
# renderBlockingStatus) and, for inline scripts, which the browser does not list, the markup.
BLOCKING_SCRIPTS = """() => {
    const listed = performance.getEntriesByType('resource')
        .filter(e => e.initiatorType === 'script' && e.renderBlockingStatus === 'blocking')
        .map(e => e.name);
    const classic = s => !s.type || /javascript|ecmascript/i.test(s.type);
    const inMarkup = [...document.scripts]
        .filter(s => classic(s) && !s.async && !s.defer)
        .filter(s => s.src || s.closest('head'))
        .map(s => s.src || s.outerHTML.slice(0, 120));
    return [...new Set([...listed, ...inMarkup])];
}"""


def scroll_to_the_end(page) -> None:
    """Bring every lazy image into view, so the page requests all it ever will."""
    page.keyboard.press("End")
    page.wait_for_load_state("load")
    for image in page.locator("img").all():
        image.scroll_into_view_if_needed()
        expect(image).to_have_js_property("complete", True)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_article_page_weighs_under_40_kb_and_blocks_rendering_with_no_script(
    viewport, new_context, site
):
    page = new_context(viewport=viewport).new_page()
    responses = []
    page.on("response", lambda response: responses.append(response))

    visit(page, site, "article")
    scroll_to_the_end(page)

    code = {r.url: len(r.body()) for r in responses if r.request.resource_type in CODE}
    assert sum(code.values()) < BUDGET, code
    assert page.evaluate(BLOCKING_SCRIPTS) == []


def test_no_reader_page_requests_anything_from_another_origin(new_context, site):
    page = new_context(viewport=PHONE).new_page()
    requested = []
    page.on("request", lambda request: requested.append(request.url))

    for name in PAGES:
        visit(page, site, name)
        scroll_to_the_end(page)
        if name in ("home", "article"):
            page.set_viewport_size(DESKTOP)
            page.reload()
            scroll_to_the_end(page)
            page.set_viewport_size(PHONE)

    assert requested
    elsewhere = [url for url in requested if not url.startswith("data:")]
    assert [url for url in elsewhere if not site.same_origin(url)] == []


def test_a_story_with_every_block_stays_under_the_budget_and_loads_their_extras_only_there(
    new_context, site
):
    page = new_context(viewport=PHONE).new_page()
    responses = []
    page.on("response", lambda response: responses.append(response))

    visit(page, site, "blocks")
    scroll_to_the_end(page)

    code = {r.url: len(r.body()) for r in responses if r.request.resource_type in CODE}
    assert sum(code.values()) < BUDGET, code
    assert any(url.endswith("blocks.css") for url in code)
    assert any(url.endswith("embeds.js") for url in code)
    assert page.evaluate(BLOCKING_SCRIPTS) == []
