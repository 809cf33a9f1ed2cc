import datetime

import pytest
from playwright.sync_api import expect

from support.models import Reminder
from tests.browser.helpers import log_in, staff_user
from tests.support.confirming import LINK, confirmation_emails

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_remind_me_later_with_an_email_hides_the_appeal_and_lands_in_the_admin(new_context, site):
    page = new_context().new_page()
    page.goto(site.story_path)
    expect(page.locator("aside.appeal-banner")).to_be_visible()
    page.locator("aside.appeal-end").get_by_role("link", name="Remind me later.").click()

    page.get_by_role("radio", name="In a week").check()
    page.get_by_label("Email (optional)").fill("later@example.org")
    page.get_by_role("button", name="Remind me later").click()

    week = datetime.date.today() + datetime.timedelta(days=7)
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"{week:%-d %B %Y}")
    expect(page.get_by_role("status")).to_contain_text(f"one email on {week:%-d %B %Y}")
    expect(page.get_by_role("status")).to_contain_text("Check your inbox")
    page.get_by_role("link", name="Back to reading").click()
    expect(page).to_have_url(site.url + site.story_path)
    expect(page.get_by_role("heading", level=1)).to_have_text(site.story.headline)
    expect(page.locator("aside.appeal")).to_have_count(0)
    page.goto("/")
    expect(page.locator("aside.appeal")).to_have_count(0)

    reminder = Reminder.objects.get()
    assert (reminder.email, reminder.due_on, reminder.article) == (
        "later@example.org",
        week,
        site.story,
    )
    assert reminder.status == Reminder.Status.AWAITING  # nothing is sent before it is confirmed
    [confirmation] = confirmation_emails("later@example.org")
    page.goto(LINK.search(confirmation.body).group(0))  # the link in the email
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("status")).to_contain_text("Your reminder is set")
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.PENDING
    admin = new_context().new_page()
    log_in(admin, staff_user("Editors"))
    admin.goto("/admin/")
    admin.get_by_role("link", name="Reminders").click()
    row = admin.locator("#result_list tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("later@example.org")
    expect(row).to_contain_text(site.story.headline)
