"""The article form keeps edits: who else has the story open, and a warning before leaving."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import log_in, staff_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_two_editors_on_one_story_each_see_who_else_has_it_open(new_context, site):
    anna = staff_user("Editors", username="anna", first_name="Anna", last_name="Petrova")
    ben = staff_user("Editors", username="ben")
    form = f"/admin/articles/article/{site.story.pk}/change/"
    annas = new_context().new_page()
    annas.clock.install()  # her heartbeat runs on a clock the test moves
    log_in(annas, anna)
    annas.goto(form)
    expect(annas.locator(".editing-notice")).to_be_hidden()

    bens = new_context().new_page()
    log_in(bens, ben)
    bens.goto(form)
    expect(bens.get_by_role("status")).to_have_text(
        re.compile(r"^Anna Petrova has been editing since \d\d:\d\d\.$")
    )

    annas.clock.run_for(61_000)  # her next heartbeat
    expect(annas.get_by_role("status")).to_have_text(
        re.compile(r"^ben has been editing since \d\d:\d\d\.$")
    )


def test_leaving_the_form_with_unsaved_changes_asks_first(new_context, site):
    page = new_context().new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    log_in(page, staff_user("Editors"))
    form = f"/admin/articles/article/{site.story.pk}/change/"
    history = page.get_by_role("link", name="History")

    page.goto(form)
    headline = len(site.story.headline)  # its count against what search engines show
    expect(page.locator(".char-count")).to_have_text(f"{headline} of 70 characters")
    history.click()  # nothing changed: leaves without asking
    expect(page).to_have_url(re.compile(r"/history/$"))

    page.goto(form)
    page.get_by_role("textbox", name="Body").press_sequentially("One more line.")
    history.click()
    expect(page).to_have_url(re.compile(r"/change/$"))  # asked, and stayed
    assert dialogs == ["beforeunload"]

    page.get_by_label("Headline").fill("")  # sent back with an error: still unsaved
    page.locator("#article_form").evaluate("form => form.requestSubmit()")  # no question
    expect(page.locator(".errornote")).to_be_visible()
    history.click()
    expect(page).to_have_url(re.compile(r"/change/$"))
    assert dialogs == ["beforeunload", "beforeunload"]
