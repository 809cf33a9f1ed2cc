"""A reader abroad gives in their own currency, covering the fees; an editor adds yen."""

import re
from decimal import Decimal

import pytest
from django.core import mail
from playwright.sync_api import expect

from support import stripe_gateway
from support.models import Donation
from tests.browser.helpers import GOOD_CARD, log_in, pay_on_checkout_page, staff_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_reader_in_germany_gives_in_euros_covering_the_fees_once(new_context, site):
    page = new_context(extra_http_headers={"CF-IPCountry": "DE"}).new_page()
    page.goto("/support/?placement=top_banner")

    expect(page).to_have_url(re.compile(r"/support/\?placement=top_banner&currency=eur$"))
    expect(page.locator(".currency-choice")).to_contain_text("Give in:")
    page.get_by_role("radio", name="One-time").check()
    page.locator(".amounts-once").get_by_role("radio", name="€25", exact=True).check()
    fee = page.locator(".cover-fees label")
    expect(fee).to_have_text("Add €0.63 to cover fees")  # 1.5% + €0.25, redrawn as chosen
    page.locator(".amounts-once").get_by_role("radio", name="€10", exact=True).check()
    expect(fee).to_have_text("Add €0.40 to cover fees")
    expect(page.locator(".cover-fees .hint")).to_contain_text("Approximate")
    page.get_by_label("Add €0.40 to cover fees").check()
    page.locator("form.give-form").get_by_label("Email").fill("berlin@example.org")
    page.get_by_role("button", name="Give €10 once").click()

    expect(page.locator(".amount")).to_have_text("€10.40")
    expect(page.locator(".methods")).to_contain_text("SEPA Direct Debit")
    expect(page.locator(".methods")).to_contain_text("iDEAL")
    pay_on_checkout_page(page, GOOD_CARD)
    expect(page.locator(".thanks-gift")).to_contain_text("€10 once")
    expect(page.locator(".thanks-gift")).to_contain_text("€0.40 you added to cover fees")

    site.stripe.deliveries(wait=True)
    donation = Donation.objects.get()
    assert (donation.currency, donation.amount, donation.fee_covered) == (
        "eur",
        Decimal("10"),
        Decimal("0.40"),
    )
    assert donation.payments.get().amount == Decimal("10.40")
    (receipt,) = [m for m in mail.outbox if m.to == ["berlin@example.org"]]
    assert "Amount:         €10.40" in receipt.body
    assert "Covering fees:  €0.40 you added (included above)" in receipt.body
    assert "$" not in receipt.body


def test_an_editor_adds_yen_and_a_reader_gives_yen_charged_in_whole_yen(new_context, site):
    editor = new_context().new_page()
    log_in(editor, staff_user("Editors"))
    editor.goto("/admin/support/sitecurrency/add/")
    editor.get_by_label("Code").fill("jpy")
    editor.get_by_label("Position").fill("3")
    editor.get_by_label("Smallest gift").fill("300")
    editor.get_by_label("Largest gift").fill("1000000")
    editor.get_by_label("Rate to the base currency").fill("0.0066")
    editor.get_by_label("Fee estimate: percent").fill("3.6")
    editor.get_by_label("Fee estimate: fixed part").fill("0")
    editor.locator("select[name=amounts-0-frequency]").select_option("once")
    editor.locator("input[name=amounts-0-amount]").fill("1000.50")
    editor.get_by_role("button", name="Save", exact=True).click()
    expect(editor.locator(".errorlist")).to_contain_text("amounts in yen are whole numbers")
    editor.locator("input[name=amounts-0-amount]").fill("1000")
    editor.locator("select[name=amounts-1-frequency]").select_option("once")
    editor.locator("input[name=amounts-1-amount]").fill("3000")
    editor.get_by_role("button", name="Save", exact=True).click()
    expect(editor.locator(".messagelist")).to_contain_text("was added successfully")

    page = new_context().new_page()
    page.goto("/support/")
    page.locator(".currency-choice").get_by_role("link", name=re.compile("JPY")).click()
    page.get_by_role("radio", name="One-time").check()
    page.locator(".amounts-once").get_by_role("radio", name="¥1,000").check()
    expect(page.locator(".cover-fees label")).to_have_text("Add ¥36 to cover fees")
    page.get_by_role("button", name="Give ¥1,000 once").click()
    expect(page.locator(".amount")).to_have_text("¥1,000")
    pay_on_checkout_page(page, GOOD_CARD, email="tokyo@example.org")
    expect(page.locator(".thanks-gift")).to_contain_text("¥1,000 once")

    site.stripe.deliveries(wait=True)
    donation = Donation.objects.get()
    session = stripe_gateway.retrieve_checkout_session(donation.stripe_checkout_session_id)
    assert (session["amount_total"], session["currency"]) == (1000, "jpy")
    assert donation.payments.get().amount_display == "¥1,000"
