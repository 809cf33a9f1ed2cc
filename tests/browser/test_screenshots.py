import datetime
import os

import pytest

from tests.articles.factories import ArticleFactory, PhotoFactory
from tests.browser.conftest import DESKTOP, PHONE, SCREENSHOTS
from tests.browser.pages import visit

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PNG = b"\x89PNG\r\n\x1a\n"
FREQUENCY_LABELS = {"monthly": "Monthly", "annual": "Annual", "once": "One-time"}


SHOTS = {
    "home": "home",
    "account": "account-home",
    "article": "article",
    "section": "section",
    "support-monthly": "support",
    "support-annual": "support",
    "support-once": "support",
    "thank-you": "thank-you",
    "live-blog": "live-blog",
    "blocks": "blocks",
}


def more_stories(site, count=7):
    """A front needs more than one story to look like one."""
    photo = PhotoFactory(image__width=900, image__height=600, image__color="#7d8a96")
    for n in range(1, count + 1):
        ArticleFactory(
            headline=f"{HEADLINES[n % len(HEADLINES)]}",
            slug=f"story-{n}",
            dek="A short standfirst that says what the story is about, in one sentence.",
            section=site.story.section,
            status="published",
            publish_at=site.story.publish_at - datetime.timedelta(hours=n),
            hero_photo=photo if n % 3 else None,
        )


HEADLINES = [
    "Parliament Approves Budget After All-Night Session",
    "River Ports Reopen as Ice Breaks Early",
    "Court Hears Appeal in Press Freedom Case",
    "Regional Elections Draw Record Number of Candidates",
    "Grain Exports Rise for a Third Month",
    "Museum Returns Looted Icons to Their Church",
    "Rail Strike Ends With Pay Deal",
]


@pytest.mark.parametrize("shot", SHOTS)
def test_screenshots_of_the_page_on_a_phone_and_a_desktop_are_saved_for_people_to_look_at(
    shot, new_context, site
):
    name = SHOTS[shot]
    if name in ("home", "section"):
        more_stories(site)
    page = new_context(viewport=PHONE).new_page()
    visit(page, site, name)
    if shot.startswith("support-"):
        page.get_by_role("radio", name=FREQUENCY_LABELS[shot.removeprefix("support-")]).check()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        page.wait_for_load_state("load")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} scrolls {overflow} px sideways at {viewport['width']} px"
        png = page.screenshot(full_page=True, animations="disabled")
        assert png.startswith(PNG)
        path = SCREENSHOTS / f"{shot}-{viewport['width']}.png"
        # Written whole, then renamed: another test run may be writing the same file.
        partial = path.with_name(f".{path.name}.{os.getpid()}")
        partial.write_bytes(png)
        os.replace(partial, path)
