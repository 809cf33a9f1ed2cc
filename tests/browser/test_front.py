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
