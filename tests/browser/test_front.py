import datetime

import pytest
from playwright.sync_api import expect

from articles.seed import HEADLINE
from tests.articles.factories import ArticleFactory, PhotoFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def later_story(site, n: int, **fields):
    return ArticleFactory(
        headline=f"Later story {n}",
        slug=f"later-story-{n}",
        section=site.story.section,
        status="published",
        publish_at=site.story.publish_at + datetime.timedelta(days=n),
        **fields,
    )


def font_size(locator) -> float:
    return float(locator.evaluate("el => parseFloat(getComputedStyle(el).fontSize)"))


def test_only_the_first_story_on_the_home_page_is_drawn_as_the_lead(page, site):
    photo = PhotoFactory()
    later_story(site, 1, hero_photo=photo)
    later_story(site, 2, hero_photo=photo)

    page.goto("/")
    expect(page.locator(".teaser-lead")).to_have_count(1)
    lead = page.locator(".teaser-lead .teaser-headline")
    expect(lead).to_have_text("Later story 2")
    for headline in ("Later story 1", HEADLINE):
        other = page.locator(".teaser-headline", has_text=headline)
        assert font_size(other) < font_size(lead)
        assert other.bounding_box()["width"] < lead.bounding_box()["width"]


def test_the_masthead_names_the_publication_and_leads_to_sections_and_support(page, site):
    page.goto(site.story_path)

    masthead = page.get_by_role("banner")
    expect(masthead.get_by_role("link", name="The Moscow Times", exact=True)).to_be_visible()
    sections = page.get_by_role("navigation", name="Sections")
    sections.get_by_role("link", name="News").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("News")
    expect(sections.get_by_role("link", name="News")).to_have_attribute("aria-current", "page")
    masthead.get_by_role("link", name="Support us").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Support independent journalism")


def test_the_footer_links_the_publications_pages_and_the_favicon_is_served(page, site):
    page.goto("/")
    footer = page.get_by_role("contentinfo")
    for name in ("About us", "Contact", "Privacy", "Terms", "RSS"):
        expect(footer.get_by_role("link", name=name, exact=True)).to_be_visible()

    footer.get_by_role("link", name="About us").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("About us")
    expect(page.locator("main")).to_contain_text("The Moscow Times is an independent news source")
    icon = page.request.get("/favicon.ico")
    assert icon.ok and icon.headers["content-type"] == "image/vnd.microsoft.icon"


def test_the_privacy_page_names_every_cookie_of_the_readmes_table(page, site):
    from tests.processes import PROJECT_DIR

    readme = (PROJECT_DIR / "README.md").read_text()
    table = readme.split("## Cookies", 1)[1].split("\n## ", 1)[0]
    cookies = [line.split("`")[1] for line in table.splitlines() if line.startswith("| `")]
    assert cookies, "the README's cookie table was not found"

    page.goto("/privacy/")
    text = page.locator("main").inner_text()
    for cookie in cookies:
        assert cookie in text, f"the privacy page does not mention {cookie}"
    assert "local storage" in text


def test_editors_rename_the_publication_and_edit_its_pages_in_the_admin(new_context, site):
    from tests.browser.helpers import log_in, staff_user

    admin = new_context().new_page()
    log_in(admin, staff_user("Editors"))
    admin.goto("/admin/publication/publication/1/change/")
    admin.get_by_label("Name").fill("The Evening Ledger")
    admin.get_by_label("Tagline").fill("News since 1899")
    admin.get_by_role("button", name="Save", exact=True).click()
    admin.goto("/admin/publication/page/")
    admin.get_by_role("link", name="Terms").click()
    admin.get_by_label("Title").fill("Terms of use")
    admin.get_by_role("button", name="Save", exact=True).click()

    reader = new_context().new_page()
    reader.goto("/")
    expect(
        reader.get_by_role("banner").get_by_role("link", name="The Evening Ledger")
    ).to_be_visible()
    expect(reader.get_by_role("banner")).to_contain_text("News since 1899")
    expect(reader).to_have_title("The Evening Ledger: latest news")
    expect(
        reader.get_by_role("contentinfo").get_by_role("link", name="Terms of use")
    ).to_be_visible()


def test_at_desktop_width_the_front_is_a_grid_not_one_narrow_column(page, site):
    photo = PhotoFactory(image__width=300, image__height=300)
    for n in range(1, 8):
        later_story(site, n, hero_photo=photo)

    page.goto("/")
    lead = page.locator(".lead-story").bounding_box()
    latest = page.locator(".front-latest").bounding_box()
    assert latest["x"] > lead["x"] + lead["width"] - 1, "the latest column sits beside the lead"
    assert lead["width"] + latest["width"] > 0.75 * 1280
    cards = page.locator(".teaser-grid > li")
    expect(cards).to_have_count(3)
    tops = {round(card.bounding_box()["y"]) for card in cards.all()}
    assert len(tops) == 1, "the cards share a row"
    # Square photos are cropped to the lead's 16:9 and every other teaser's 3:2.
    ratios = [box["width"] / box["height"] for box in
              (image.bounding_box() for image in page.locator(".teaser img").all())]  # fmt: skip
    assert abs(ratios[0] - 16 / 9) < 0.02
    assert len(ratios) > 1 and all(abs(ratio - 1.5) < 0.02 for ratio in ratios[1:])


def test_the_article_reads_at_a_comfortable_measure_under_a_wide_hero(page, site):
    page.goto(site.story_path)

    text = page.locator(".article-body p").first.bounding_box()
    hero = page.locator("figure.hero img").bounding_box()
    font = page.locator(".article-body p").first.evaluate(
        "p => parseFloat(getComputedStyle(p).fontSize)"
    )
    assert 45 <= text["width"] / (font * 0.5) <= 90, "about 45 to 90 characters a line"
    assert hero["width"] > text["width"] * 1.3


def test_every_page_uses_the_same_heading_scale(page, site):
    sizes = set()
    for path in ("/support/", "/support/remind/", "/privacy/", "/search/"):
        page.goto(path)
        sizes.add(page.locator("h1").first.evaluate("h => getComputedStyle(h).fontSize"))
    assert len(sizes) == 1, sizes


def test_dark_mode_follows_the_reader_system_setting(new_context, site):
    page = new_context(color_scheme="dark").new_page()
    page.goto(site.story_path)

    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    ink = page.evaluate("getComputedStyle(document.body).color")
    assert background == "rgb(21, 21, 21)" and ink == "rgb(236, 233, 226)"


def test_a_printed_article_leaves_out_the_appeals_and_navigation(page, site):
    page.goto(site.story_path)
    page.emulate_media(media="print")

    for hidden in (".appeal-banner", ".appeal-end", ".section-nav", ".read-more"):
        for element in page.locator(hidden).all():
            expect(element).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator(".article-body")).to_be_visible()
