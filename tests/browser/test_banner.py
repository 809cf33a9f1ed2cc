import pytest
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SMALL_PHONE = {"width": 375, "height": 667}
DAY_MS = 86_400_000


def test_on_a_small_phone_the_banner_leaves_the_headline_in_the_first_400_pixels(new_context, site):
    page = new_context(viewport=SMALL_PHONE).new_page()
    page.goto(site.story_path)

    expect(page.locator("aside.appeal-banner")).to_be_visible()
    expect(page.get_by_role("button", name="Not now")).to_be_visible()
    headline = page.get_by_role("heading", level=1).bounding_box()
    assert headline["y"] + headline["height"] <= 400, headline


def test_the_not_now_button_appearing_moves_nothing_on_a_phone(new_context, site):
    heights = {}
    for scripts in (True, False):
        page = new_context(viewport=SMALL_PHONE, java_script_enabled=scripts).new_page()
        page.goto(site.story_path)
        heights[scripts] = page.locator("aside.appeal-banner").bounding_box()["height"]

    assert heights[True] == heights[False], "the story would jump down when the script runs"


def test_not_now_closes_the_banner_for_its_window_in_this_browser_only(new_context, site):
    context = new_context()
    page = context.new_page()
    page.goto(site.story_path)
    served = page.content()

    page.get_by_role("button", name="Not now").click()
    expect(page.locator("aside.appeal-banner")).to_be_hidden()
    expect(page.locator("aside.appeal-end")).to_be_visible()  # only the banner is closed
    page.reload()
    expect(page.locator("aside.appeal-banner")).to_be_hidden()
    page.goto("/")
    page.goto(site.story_path)
    expect(page.locator("aside.appeal-banner")).to_be_hidden()
    assert context.cookies() == [], "closing is remembered in the browser, not in a cookie"
    assert page.content().count("appeal-banner") == served.count("appeal-banner")

    other = new_context().new_page()
    other.goto(site.story_path)
    expect(other.locator("aside.appeal-banner")).to_be_visible()

    # Once the banner's window (settings: 30 days) has passed, it may show again.
    page.evaluate(
        "ms => localStorage.setItem('appeal-banner-closed', String(Date.now() - ms))",
        31 * DAY_MS,
    )
    page.reload()
    expect(page.locator("aside.appeal-banner")).to_be_visible()


def test_without_javascript_the_banner_shows_without_a_button_that_cannot_work(new_context, site):
    page = new_context(java_script_enabled=False).new_page()
    page.goto(site.story_path)

    expect(page.locator("aside.appeal-banner")).to_be_visible()
    expect(page.get_by_role("button", name="Not now")).to_have_count(0)
    expect(
        page.locator("aside.appeal-banner").get_by_role("link", name="Support us")
    ).to_be_visible()


def test_the_end_of_article_appeal_reads_as_the_seeds_with_no_invented_heading(page, site):
    page.goto(site.story_path)
    appeal = page.locator("aside.appeal-end")

    expect(appeal.get_by_role("heading")).to_have_count(0)
    expect(appeal.locator("p").first).to_have_text(
        "… we have a small favor to ask. As you may have heard, The Moscow Times, an independent "
        'news source for over 30 years, has been unjustly branded as a "foreign agent" by the '
        "Russian government. This blatant attempt to silence our voice is a direct assault on "
        "the integrity of journalism and the values we hold dear."
    )
    expect(appeal).to_contain_text("Not ready to support today? Remind me later.")
    expect(appeal.locator("meter")).to_have_count(0)


def test_a_drafts_preview_shows_no_appeal(page, site):
    from articles.views.preview import preview_token
    from tests.articles.factories import ArticleFactory

    draft = ArticleFactory(headline="A draft under edit", section=site.story.section)
    page.goto(f"/preview/{preview_token(draft)}/")

    expect(page.get_by_role("heading", level=1)).to_have_text("A draft under edit")
    expect(page.locator("aside.appeal-banner, aside.appeal-end")).to_have_count(0)
