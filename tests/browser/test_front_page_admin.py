"""An Editor reorders the front page from its admin screen and readers see the new lead."""

import datetime
import os

import pytest
from playwright.sync_api import expect

from articles.seed import HEADLINE
from tests.articles.factories import ArticleFactory
from tests.browser.conftest import DESKTOP, SCREENSHOTS
from tests.browser.helpers import log_in, staff_user
from tests.browser.test_accessibility import axe_violations
from tests.browser.test_admin_pages import STOCK_ADMIN

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SECOND = "Grain Exports Rise for a Third Month"


def test_an_editor_moves_a_story_up_and_the_home_page_leads_with_it(new_context, site):
    story = site.story
    story.front_page_position = 1
    story.save()
    ArticleFactory(
        headline=SECOND,
        slug="grain-exports",
        section=story.section,
        status="published",
        publish_at=story.publish_at - datetime.timedelta(hours=3),
        front_page_position=2,
        hero_photo=story.hero_photo,
    )
    ArticleFactory(
        headline="Rail Strike Ends With Pay Deal",
        slug="rail-strike",
        section=story.section,
        status="published",
        publish_at=story.publish_at - datetime.timedelta(hours=5),
    )
    reader = new_context().new_page()
    reader.goto("/")
    expect(reader.locator(".teaser-lead .teaser-headline")).to_have_text(HEADLINE)

    editor = new_context(viewport=DESKTOP).new_page()
    log_in(editor, staff_user("Editors"))
    editor.get_by_role("link", name="Front page").click()
    expect(editor.locator(".lineup-row th")).to_have_text([HEADLINE, SECOND])
    editor.get_by_role("button", name=f"Move “{SECOND}” up").click()
    expect(editor.locator(".messagelist .success")).to_contain_text(
        f"“{SECOND}” is now at position 1"
    )
    expect(editor.locator(".lineup-row th")).to_have_text([SECOND, HEADLINE])

    reader.reload()
    expect(reader.locator(".teaser-lead .teaser-headline")).to_have_text(SECOND)

    overflow = editor.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the front page screen scrolls {overflow} px sideways at 1280 px"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / "admin-front-page-1280.png"
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    partial.write_bytes(editor.screenshot(full_page=True, animations="disabled"))
    os.replace(partial, path)
    violations = [v for v in axe_violations(editor) if not any(s in v for s in STOCK_ADMIN)]
    assert violations == [], "\n".join(violations)


def test_unpublishing_the_lead_asks_on_a_page_of_its_own_then_readers_are_told_it_is_gone(
    new_context, site
):
    story = site.story
    story.front_page_position = 1
    story.save()
    editor = new_context(viewport=DESKTOP).new_page()
    log_in(editor, staff_user("Editors"))
    editor.goto(f"/admin/articles/article/{story.pk}/change/")

    editor.get_by_role("button", name="Unpublish").click()

    expect(editor.get_by_role("heading", level=1)).to_have_text(f"Unpublish “{HEADLINE}”?")
    expect(editor.locator(".confirm-consequences li").first).to_have_text(
        f"“{HEADLINE}” will stop answering readers at {site.url}{story.get_absolute_url()}."
    )
    expect(editor.locator(".confirm-consequences li").nth(1)).to_contain_text(
        "It is the lead story on the front page"
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / "admin-confirm-unpublish-1280.png"
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    partial.write_bytes(editor.screenshot(full_page=True, animations="disabled"))
    os.replace(partial, path)
    violations = [v for v in axe_violations(editor) if not any(s in v for s in STOCK_ADMIN)]
    assert violations == [], "\n".join(violations)
    reader = new_context().new_page()
    assert reader.goto(story.get_absolute_url()).status == 200  # nothing saved yet

    editor.get_by_role("button", name="Unpublish").click()

    expect(editor.locator(".messagelist .success")).to_contain_text("no longer answers readers")
    assert reader.goto(story.get_absolute_url()).status == 410
