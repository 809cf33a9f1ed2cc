"""The desk in the browser: a Writer proposes a change to a live story, an Editor reviews
and accepts it, readers see it, and the Writer finds out on their start page."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import log_in, staff_user
from tests.browser.test_accessibility import axe_violations
from tests.browser.test_admin_pages import STOCK_ADMIN


def violations(page) -> list[str]:
    return [v for v in axe_violations(page) if not any(s in v for s in STOCK_ADMIN)]


pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_writer_proposes_a_change_to_a_live_story_and_an_editor_accepts_it(new_context, site):
    story = site.story
    writer_user = staff_user("Writers", username="writer", first_name="Anna", last_name="Writer")
    story.created_by = writer_user
    story.save()
    writer = new_context().new_page()
    log_in(writer, writer_user)

    writer.goto(f"/admin/articles/article/{story.pk}/change/")
    writer.get_by_role("link", name="Propose a change").click()
    headline = writer.get_by_label("Headline")
    expect(headline).to_have_value(story.headline)
    headline.fill("Peacekeepers complete withdrawal, ahead of schedule")
    body = writer.get_by_role("textbox", name="Body")
    body.press("Control+End")
    body.press("Enter")
    body.press_sequentially("The last convoy left at dawn.")
    writer.get_by_label("Note for the editor").fill("Adds the convoy.")
    assert violations(writer) == []
    writer.get_by_role("button", name="Save proposed change").click()
    expect(writer.locator(".messagelist .success")).to_contain_text(
        "is saved for an editor to review"
    )

    reader = new_context().new_page()
    reader.goto(story.get_absolute_url())
    expect(reader.get_by_role("heading", level=1)).to_have_text(story.headline)

    editor = new_context().new_page()
    log_in(editor, staff_user("Editors", username="chief", first_name="Eda", last_name="Chief"))
    editor.get_by_role("link", name=story.headline).first.click()
    table = editor.locator("table.article-compare")
    expect(table).to_contain_text("Peacekeepers complete withdrawal, ahead of schedule")
    expect(table.locator(".diff-added")).to_contain_text(["+ The last convoy left at dawn."])
    expect(editor.locator(".proposal-note")).to_have_text("Adds the convoy.")
    assert violations(editor) == []
    editor.get_by_role("button", name="Accept and update the live story").click()
    expect(editor.locator(".messagelist .success")).to_contain_text(
        "Accepted the proposed change. Updated the live story"
    )

    reader.reload()
    expect(reader.get_by_role("heading", level=1)).to_have_text(
        "Peacekeepers complete withdrawal, ahead of schedule"
    )
    expect(reader.locator(".article-body")).to_contain_text("The last convoy left at dawn.")

    writer.goto("/admin/")
    expect(writer.locator(".desk-notice-text")).to_have_text(
        ["Eda Chief accepted your change to “Peacekeepers complete withdrawal, ahead of schedule”."]
    )
