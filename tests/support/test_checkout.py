import re

import pytest
from django.urls import reverse

from support import stripe_gateway
from support.models import Donation

pytestmark = pytest.mark.django_db


def test_a_monthly_gift_opens_a_subscription_checkout_for_the_pending_donation(give, stripe_server):
    response, donation = give(email="reader@example.org", placement="end_of_article")

    assert response.status_code == 303
    assert donation.status == Donation.Status.PENDING
    assert response["Location"].startswith(stripe_server.url)
    session = stripe_gateway.retrieve_checkout_session(donation.stripe_checkout_session_id)
    assert session["mode"] == "subscription"
    assert session["url"] == response["Location"]
    assert session["client_reference_id"] == str(donation.pk)
    assert session["metadata"]["donation_id"] == str(donation.pk)
    assert session["amount_total"] == 200
    assert session["customer_email"] == "reader@example.org"
    assert "{CHECKOUT_SESSION_ID}" in session["success_url"]
    line = stripe_gateway.client().v1.checkout.sessions.line_items.list(session["id"]).data[0]
    assert line.price.recurring.interval == "month"
    assert line.price.unit_amount == 200


def test_an_annual_gift_recurs_every_year(give, stripe_server):
    _, donation = give(frequency="annual", amount="25")

    session = stripe_gateway.retrieve_checkout_session(donation.stripe_checkout_session_id)
    line = stripe_gateway.client().v1.checkout.sessions.line_items.list(session["id"]).data[0]
    assert line.price.recurring.interval == "year"
    assert session["amount_total"] == 2500


def test_a_one_time_gift_opens_a_payment_checkout(give, stripe_server):
    response, donation = give(frequency="once", amount="other", custom_amount="7.50")

    assert response.status_code == 303
    session = stripe_gateway.retrieve_checkout_session(donation.stripe_checkout_session_id)
    assert session["mode"] == "payment"
    assert session["amount_total"] == 750
    assert donation.amount == 7.5


@pytest.mark.parametrize(("typed", "cents"), [("50", 5000), ("7,50", 750), ("2,50", 250)])
def test_the_typed_amount_is_what_the_checkout_charges(give, stripe_server, typed, cents):
    # The default radio ($2) stays ticked: the reader only typed.
    response, donation = give(frequency="once", amount="2", custom_amount=typed)

    assert response.status_code == 303
    session = stripe_gateway.retrieve_checkout_session(donation.stripe_checkout_session_id)
    assert session["amount_total"] == cents


def test_the_cancel_url_leads_back_to_where_the_reader_came_from(give, stripe_server, settings):
    _, donation = give(next="/2024/06/12/some-story/")

    session = stripe_gateway.retrieve_checkout_session(donation.stripe_checkout_session_id)
    assert session["cancel_url"] == settings.SITE_URL + "/2024/06/12/some-story/"


def test_when_stripe_is_down_the_donor_is_told_nothing_was_charged_and_the_intent_kept(
    give, stripe_server, settings
):
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"

    response, donation = give()

    assert response.status_code == 503
    assert "Nothing was charged" in response.content.decode()
    assert donation.status == Donation.Status.PENDING
    assert donation.stripe_checkout_session_id is None

    settings.STRIPE_API_BASE = stripe_server.url
    retry, second = give()
    assert retry.status_code == 303
    assert second.pk != donation.pk
    assert Donation.objects.filter(pk=donation.pk).exists()


@pytest.mark.parametrize(
    "data",
    [
        {"amount": "other", "custom_amount": "1"},
        {"amount": "other", "custom_amount": "1000000"},
        {"amount": "other", "custom_amount": "abc"},
        {"frequency": "fortnightly"},
        {"email": "not-an-email"},
    ],
)
def test_bad_input_shows_the_form_again_and_creates_nothing(give, stripe_server, data):
    response, donation = give(**data)

    assert response.status_code == 400
    assert donation is None
    assert 'role="alert"' in response.content.decode()


def test_checkout_sessions_are_rate_limited_per_ip(give, stripe_server, settings):
    settings.CHECKOUT_RATE_LIMIT = "2/m"

    codes = [give()[0].status_code for _ in range(3)]

    assert codes == [303, 303, 429]
    assert Donation.objects.count() == 2


def test_the_support_page_offers_presets_frequencies_and_the_payment_methods(client):
    response = client.get(reverse("support:give") + "?placement=top_banner")

    page = response.content.decode()
    assert response.status_code == 200
    for label in ("Monthly", "Annual", "One-time", "$2", "$5", "$10", "$25", "Other amount"):
        assert label in page
    assert "Payment methods" in page
    assert re.search(r'value="monthly"[^>]*checked', page)
    assert re.search(r'name="amount" value="2"[^>]*checked', page)


@pytest.mark.parametrize(
    ("currency", "typed", "minor", "shown"),
    [
        ("jpy", "500", 500, "¥500"),
        ("bhd", "2.50", 2500, "BHD 2.500"),
        ("eur", "7,50", 750, "€7.50"),
    ],
)
def test_a_gift_goes_to_stripe_in_its_currencys_minor_units_and_comes_back_the_same(
    give, stripe_server, deliver, settings, currency, typed, minor, shown
):
    from django.core import mail

    settings.DONATION_CURRENCY = currency
    response, donation = give(frequency="once", amount="other", custom_amount=typed)

    assert response.status_code == 303, response.content
    session = stripe_gateway.retrieve_checkout_session(donation.stripe_checkout_session_id)
    assert (session["amount_total"], session["currency"]) == (minor, currency)
    stripe_server.pay(donation.stripe_checkout_session_id, email="abroad@example.org")
    deliver()
    payment = donation.payments.get()
    assert (payment.amount, payment.currency) == (donation.amount, currency)
    (receipt,) = mail.outbox
    assert f"Amount:         {shown}" in receipt.body


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("49", "The smallest gift we can take in yen is ¥50."),
        ("500.50", "amounts in yen are whole numbers, like 500."),
    ],
)
def test_an_amount_yen_cannot_carry_is_a_form_error_in_yen(
    give, stripe_server, settings, typed, error
):
    settings.DONATION_CURRENCY = "jpy"

    response, donation = give(frequency="once", amount="other", custom_amount=typed)

    assert response.status_code == 400
    assert donation is None
    assert error in response.content.decode()
    assert "(¥)" in response.content.decode()  # the amount field names its currency
