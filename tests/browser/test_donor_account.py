"""The donor account in a real browser: signing in by an emailed link, two gifts of one
address, and lowering, pausing and cancelling one after the save offer."""

import re
from decimal import Decimal

import pytest
from django.core import mail
from playwright.sync_api import expect

from support import services
from support.models import Donation
from tests.browser.helpers import GOOD_CARD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
LINK = re.compile(r"https?://\S+/support/account/sign-in/\S+/")


def gift(site, email: str, amount: str, frequency: str = "monthly") -> Donation:
    """A gift paid at the local Stripe server, its events applied by the live app."""
    donation = services.donation_create_pending(
        amount=Decimal(amount), frequency=frequency, email=email
    )
    services.checkout_session_start(
        donation=donation, success_url=f"{site.url}/support/thanks/", cancel_url=site.url
    )
    donation.refresh_from_db()
    site.stripe.pay(donation.stripe_checkout_session_id, GOOD_CARD, email=email)
    site.stripe.deliveries(wait=True)
    donation.refresh_from_db()
    assert donation.status == Donation.Status.ACTIVE
    return donation


def sign_in(page, site, email: str) -> None:
    page.goto(f"{site.url}/")
    page.get_by_role("contentinfo").get_by_role("link", name="Manage your gift").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Manage your gift")
    page.get_by_role("main").get_by_label("Your email address").fill(email)
    page.get_by_role("button", name="Email me a sign-in link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")
    link = LINK.search(mail.outbox[-1].body)[0]
    page.goto(link)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your gifts")


def test_a_donor_signs_in_by_link_and_sees_both_gifts_of_the_address(page, site):
    first = gift(site, "reader@example.org", "5")
    second = gift(site, "Reader@example.org", "60", "annual")
    assert first.stripe_customer_id != second.stripe_customer_id

    sign_in(page, site, "reader@example.org")

    expect(page.get_by_role("heading", level=2, name="$5 every month")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="$60 every year")).to_be_visible()
    expect(page.locator("table.payments tbody tr")).to_have_count(2)
    page.get_by_role("link", name=re.compile(r"^\d{4}-\d{6}$")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Receipt")


def test_a_donor_lowers_pauses_and_cancels_after_the_save_offer(page, site):
    donation = gift(site, "saver@example.org", "10")
    sign_in(page, site, "saver@example.org")
    section = page.locator("section.gift")

    section.get_by_role("link", name="Cancel my gift").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Before you cancel")
    page.get_by_role("button", name="Give $5 every month").click()
    expect(page.get_by_role("status")).to_contain_text("Your gift is changed")
    expect(section.get_by_role("heading", level=2)).to_have_text("$5 every month")

    section.get_by_label("Pause for").select_option("2")
    section.get_by_role("button", name="Pause").click()
    expect(page.get_by_role("status")).to_contain_text("Your gift is paused")
    expect(section).to_contain_text("Paused, until")

    section.get_by_role("link", name="Cancel my gift").click()
    page.get_by_label("I can't afford it right now").check()
    page.get_by_role("button", name="Cancel my gift").click()
    expect(page.get_by_role("status")).to_contain_text("Your gift is cancelled")
    expect(section).to_contain_text("Cancelled")
    expect(section.get_by_role("link", name="Cancel my gift")).to_have_count(0)

    site.stripe.deliveries(wait=True)
    donation.refresh_from_db()
    assert (donation.status, donation.amount) == (Donation.Status.CANCELLED, Decimal("5.00"))
    assert donation.cancel_reason == "too_expensive"
