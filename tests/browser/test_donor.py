import re

import pytest
from playwright.sync_api import expect

from support.models import Donation, Payment
from tests.browser.helpers import (
    DECLINED_CARD,
    GOOD_CARD,
    focus_is_visible,
    focused_name,
    log_in,
    pay_on_checkout_page,
    staff_user,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def end_of_article_appeal(page):
    return page.locator("aside.appeal-end")


def open_the_give_form_from_the_story(page, site) -> None:
    page.goto(site.story_path)
    end_of_article_appeal(page).get_by_role("link", name="Support us").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Support independent journalism")


def test_a_reader_gives_2_dollars_monthly_from_the_story_and_the_editor_sees_it(new_context, site):
    page = new_context().new_page()
    open_the_give_form_from_the_story(page, site)
    page.get_by_role("radio", name="Monthly").check()
    page.get_by_role("radio", name="$2", exact=True).check()
    page.get_by_label("Email (optional").fill("donor@example.org")
    page.get_by_role("button", name="Give $2 a month").click()

    expect(page.locator(".amount")).to_have_text("$2.00 per month")
    pay_on_checkout_page(page, GOOD_CARD)

    expect(page).to_have_url(re.compile(re.escape(f"{site.url}/support/thanks/?session_id=cs_")))
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for your support")
    expect(page.locator(".thanks-gift")).to_contain_text("$2 every month")
    # The gift came from the story, so the thank-you page leads back to it.
    page.get_by_role("link", name=re.compile("^Back to “")).click()
    expect(page).to_have_url(f"{site.url}{site.story_path}")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("aside.appeal")).to_have_count(0)
    expect(page.locator("aside.appeal")).to_have_count(0)
    # Only the masthead's Support button and the footer link remain, outside the story.
    expect(page.get_by_role("main").get_by_text("Support us")).to_have_count(0)

    site.stripe.deliveries(wait=True)
    donation = Donation.objects.get()
    assert (donation.status, donation.amount, donation.frequency) == ("active", 2, "monthly")
    assert (donation.article, donation.placement) == (site.story, "end_of_article")
    editor = new_context().new_page()
    log_in(editor, staff_user("Editors"))
    editor.get_by_role("link", name="Donations").click()
    row = editor.locator("#result_list tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(site.story.headline)
    expect(row).to_contain_text("Active (recurring)")
    editor.get_by_role("link", name="Attribution report").click()
    story_row = editor.locator("#attribution tbody tr", has_text=site.story.headline)
    two_dollars = re.compile(r"^\$2(\.00)?$")
    expect(story_row.locator("td")).to_have_text(
        [site.story.headline, "end_of_article", "1", two_dollars, two_dollars]
    )


def test_a_declined_card_is_shown_to_the_donor_who_can_try_again(page, site):
    open_the_give_form_from_the_story(page, site)
    page.get_by_label("Email (optional").fill("donor@example.org")
    page.get_by_role("button", name="Give $2 a month").click()

    pay_on_checkout_page(page, DECLINED_CARD)

    expect(page.get_by_role("alert")).to_have_text("Your card was declined.")
    expect(page.get_by_label("Email")).to_have_value("donor@example.org")
    expect(page.get_by_label("Card number")).to_be_empty()
    site.stripe.deliveries(wait=True)
    assert not Payment.objects.exists()
    assert Donation.objects.get().status == Donation.Status.PENDING
    assert not any(d["type"].startswith("checkout.session") for d in site.stripe.deliveries())

    pay_on_checkout_page(page, GOOD_CARD)
    expect(page.locator(".thanks-gift")).to_contain_text("$2 every month")


def test_the_give_form_can_be_completed_with_the_keyboard_and_shows_where_focus_is(page, site):
    page.goto("/support/")
    stops = []
    while not focused_name(page).startswith("Give ") and len(stops) < 15:
        page.keyboard.press("Tab")
        stops.append(focused_name(page))
        assert focus_is_visible(page), f"no visible focus on {stops[-1]!r}"
        if stops[-1] == "$2":
            page.keyboard.press("ArrowRight")
            assert focused_name(page) == "$5"
            assert focus_is_visible(page)
        elif stops[-1].startswith("Email"):
            page.keyboard.type("keys@example.org")
    assert stops[-1] == "Give $5 a month", stops  # the button names the gift chosen
    assert "Monthly" in stops

    page.keyboard.press("Enter")

    expect(page.locator(".amount")).to_have_text("$5.00 per month")
    expect(page.get_by_label("Email")).to_have_value("keys@example.org")
    page.get_by_label("Email").press("Tab")
    page.keyboard.type(GOOD_CARD)
    page.keyboard.press("Tab")
    page.keyboard.type("12/34")
    page.keyboard.press("Tab")
    page.keyboard.type("123")
    page.keyboard.press("Enter")
    expect(page.locator(".thanks-gift")).to_contain_text("$5 every month")
