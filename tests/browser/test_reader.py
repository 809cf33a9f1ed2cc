import datetime

import pytest
from playwright.sync_api import expect

from articles.seed import HEADLINE
from articles.seed_story import PARAGRAPHS
from tests.articles.factories import ArticleFactory, PhotoFactory
from tests.browser.conftest import PHONE

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def related_story(site, n: int, **fields):
    """A published story in the peacekeeper story's section, a few days after it."""
    return ArticleFactory(
        headline=f"Related story {n}",
        slug=f"related-story-{n}",
        section=site.story.section,
        status="published",
        publish_at=site.story.publish_at + datetime.timedelta(days=n),
        **fields,
    )


def reads_the_story(page, site) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(HEADLINE)
    paragraphs = page.locator(".article-body p")
    expect(paragraphs).to_have_text(list(PARAGRAPHS))
    for paragraph in paragraphs.all():
        expect(paragraph).to_be_visible()
    figure = page.locator("figure.hero")
    expect(figure.get_by_role("img")).to_be_visible()
    expect(figure.locator("figcaption")).to_be_visible()
    expect(figure.locator("figcaption .caption")).to_have_text(site.story.hero_photo.caption)
    expect(figure.locator("figcaption .credit")).to_have_text("Stringer / AFP")
    expect(figure.locator("figcaption .credit")).to_be_visible()


def image_loaded(page, selector: str) -> bool:
    return page.locator(selector).evaluate("img => img.complete && img.naturalWidth > 0")


def test_a_reader_goes_from_the_home_page_to_the_story_and_reads_all_of_it(page, site):
    page.goto("/")
    page.get_by_role("link", name=HEADLINE).first.click()

    expect(page).to_have_url(site.url + site.story_path)
    reads_the_story(page, site)
    assert image_loaded(page, "figure.hero img")
    expect(page.locator("link[rel=stylesheet]")).to_have_count(1)
    assert page.evaluate("getComputedStyle(document.body).fontFamily").startswith("Georgia")


def test_the_read_more_links_lead_to_the_related_stories(page, site):
    photo = PhotoFactory(alt_text="Delegates at a table", photographer="Jane Doe", agency="")
    related = [related_story(site, 1, hero_photo=photo), related_story(site, 2)]

    page.goto(site.story_path)
    read_more = page.get_by_role("region", name="Read more")
    headlines = read_more.get_by_role("heading").get_by_role("link")
    expect(headlines).to_have_text(["Related story 2", "Related story 1"])
    read_more.get_by_role("link", name="Related story 1").click()

    expect(page).to_have_url(site.url + related[0].get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("Related story 1")
    expect(page.locator("figure.hero .credit")).to_have_text("Jane Doe")
    page.go_back()
    page.get_by_role("region", name="Read more").get_by_role("link", name="Related story 2").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Related story 2")


def test_the_story_works_with_javascript_disabled(new_context, site):
    related_story(site, 1)
    page = new_context(java_script_enabled=False).new_page()

    page.goto("/")
    page.get_by_role("link", name=HEADLINE).first.click()
    reads_the_story(page, site)
    page.get_by_role("region", name="Read more").get_by_role("link", name="Related story 1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Related story 1")
    page.get_by_role("link", name="The Moscow Times", exact=True).click()
    page.get_by_role("banner").get_by_role("link", name="Search", exact=True).click()
    page.get_by_role("search").get_by_label("Search articles").fill("peacekeepers")
    page.get_by_role("search").get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name=HEADLINE)).to_be_visible()


def test_on_a_phone_search_is_one_tap_away_and_one_support_button_shows(new_context, site):
    page = new_context(viewport=PHONE).new_page()
    page.goto(site.story_path)

    expect(page.get_by_role("banner").get_by_role("link", name="Search")).to_be_visible()
    expect(page.get_by_role("contentinfo").get_by_role("link", name="Search")).to_be_visible()
    expect(page.locator(".appeal-banner")).to_be_visible()
    expect(page.get_by_role("banner").get_by_role("link", name="Support us")).to_be_hidden()
    page.get_by_role("banner").get_by_role("link", name="Search").click()
    expect(page.get_by_role("search")).to_be_visible()
