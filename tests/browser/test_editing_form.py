"""The article form keeps edits: who else has the story open, a warning before leaving, and
their version beside mine when a save is refused."""

import os
import re

import pytest
import reversion
from playwright.sync_api import expect

from articles.models import Article, Autosave
from tests.browser.conftest import SCREENSHOTS
from tests.browser.helpers import log_in, staff_user
from tests.browser.test_accessibility import axe_violations
from tests.browser.test_admin_pages import STOCK_ADMIN

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
    expect(bens.get_by_role("status").and_(bens.locator(".editing-notice"))).to_have_text(
        re.compile(r"^Anna Petrova has been editing since \d\d:\d\d\.$")
    )

    annas.clock.run_for(61_000)  # her next heartbeat
    expect(annas.get_by_role("status").and_(annas.locator(".editing-notice"))).to_have_text(
        re.compile(r"^ben has been editing since \d\d:\d\d\.$")
    )


def test_the_form_keeps_a_draft_every_half_minute_and_offers_it_back(new_context, site):
    page = new_context().new_page()
    page.on("dialog", lambda dialog: dialog.accept())  # leave with the changes unsaved
    page.clock.install()  # the autosave runs on a clock the test moves
    log_in(page, staff_user("Editors"))
    form = f"/admin/articles/article/{site.story.pk}/change/"
    page.goto(form)
    status = page.get_by_role("status").and_(page.locator(".autosave-status"))

    page.clock.run_for(31_000)  # nothing typed: nothing kept
    expect(status).to_have_text("")
    page.get_by_role("textbox", name="Body").press_sequentially("One more line.")
    page.clock.run_for(31_000)
    expect(status).to_have_text(re.compile(r"^Draft saved \d\d:\d\d$"))
    assert "One more line." in Autosave.objects.get().fields["body"]
    assert "One more line." not in Article.objects.get(pk=site.story.pk).body

    page.reload()
    expect(page.locator(".autosave-notice")).to_have_text(
        re.compile(r"You have unsaved changes from \d\d:\d\d — Restore / Discard")
    )
    assert [v for v in axe_violations(page) if not any(s in v for s in STOCK_ADMIN)] == []
    page.get_by_role("link", name="Restore").click()
    expect(page.get_by_role("textbox", name="Body")).to_contain_text("One more line.")
    expect(page.locator(".autosave-notice")).to_contain_text("are in the form below")


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


def test_a_refused_save_shows_their_version_beside_mine_and_saves_the_mix(new_context, site):
    with reversion.create_revision():  # the version Anna opens, to tell her changes by
        site.story.save()
    form = f"/admin/articles/article/{site.story.pk}/change/"
    annas = new_context().new_page()
    log_in(annas, staff_user("Editors", username="anna"))
    annas.goto(form)
    bens = new_context().new_page()
    log_in(bens, staff_user("Editors", username="ben", first_name="Ben", last_name="Okafor"))
    bens.goto(form)
    bens.get_by_label("Headline").fill("Peacekeepers leave Karabakh")
    bens.get_by_role("button", name="Update live story").click()
    expect(bens.locator(".messagelist .success")).to_contain_text("Updated the live story")

    annas.get_by_label("Dek (standfirst)").fill("Anna's new standfirst.")
    annas.get_by_role("button", name="Update live story").click()

    expect(annas.locator(".errornote, .errorlist").first).to_be_visible()
    table = annas.locator(".article-conflicts")
    expect(table.locator("tbody th")).to_have_text(["Headline", "Dek (standfirst)"])
    expect(table.get_by_role("checkbox", name="Keep mine: Headline")).not_to_be_checked()
    expect(table.get_by_role("checkbox", name="Keep mine: Dek (standfirst)")).to_be_checked()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / "admin-conflicts-1280.png"
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    partial.write_bytes(annas.screenshot(full_page=True, animations="disabled"))
    os.replace(partial, path)
    violations = [v for v in axe_violations(annas) if not any(s in v for s in STOCK_ADMIN)]
    assert violations == [], "\n".join(violations)

    annas.get_by_role("button", name="Update live story").click()

    expect(annas.locator(".messagelist .success")).to_contain_text("Updated the live story")
    story = Article.objects.get(pk=site.story.pk)
    assert (story.headline, story.dek) == ("Peacekeepers leave Karabakh", "Anna's new standfirst.")
