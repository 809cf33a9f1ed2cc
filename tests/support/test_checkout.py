import re
from decimal import Decimal

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


def offer_currency(code, **fields):
    """The site takes gifts in this currency too (eur and gbp are seeded)."""
    from support.models import SiteCurrency

    defaults = {"position": 5, "smallest_gift": Decimal("1"), "largest_gift": Decimal("1000000")}
    return SiteCurrency.objects.update_or_create(code=code, defaults={**defaults, **fields})[0]


@pytest.mark.parametrize(
    ("currency", "typed", "minor", "shown"),
    [
        ("jpy", "500", 500, "¥500"),
        ("krw", "₩10,000", 10000, "₩10,000"),
        ("bhd", "2.50", 2500, "BHD 2.500"),
        ("kwd", "12.250", 12250, "KWD 12.250"),  # three decimals, as its donors write them
        ("eur", "7,50", 750, "€7.50"),
        ("gbp", "£5", 500, "£5.00"),
    ],
)
def test_a_gift_goes_to_stripe_in_its_currencys_minor_units_and_comes_back_the_same(
    give, stripe_server, deliver, currency, typed, minor, shown
):
    from django.core import mail

    offer_currency(currency)
    response, donation = give(
        frequency="once", amount="other", custom_amount=typed, currency=currency
    )

    assert response.status_code == 303, response.content
    assert donation.currency == currency
    session = stripe_gateway.retrieve_checkout_session(donation.stripe_checkout_session_id)
    assert (session["amount_total"], session["currency"]) == (minor, currency)
    stripe_server.pay(donation.stripe_checkout_session_id, email="abroad@example.org")
    deliver()
    payment = donation.payments.get()
    assert (payment.amount, payment.currency) == (donation.amount, currency)
    (receipt,) = mail.outbox
    assert f"Amount:         {shown}" in receipt.body
    assert "$" not in receipt.body


def test_a_monthly_gift_in_euros_subscribes_in_euros_from_the_euro_ladder(
    give, stripe_server, deliver
):
    response, donation = give(frequency="monthly", amount="5", currency="eur")

    assert response.status_code == 303, response.content
    session = stripe_gateway.retrieve_checkout_session(donation.stripe_checkout_session_id)
    assert (session["mode"], session["amount_total"], session["currency"]) == (
        "subscription",
        500,
        "eur",
    )
    stripe_server.pay(donation.stripe_checkout_session_id, email="paris@example.org")
    deliver()
    donation.refresh_from_db()
    assert donation.amount_label == "€5 every month"
    assert donation.payments.get().amount_display == "€5.00"


@pytest.mark.parametrize(
    ("currency", "smallest", "typed", "error"),
    [
        ("jpy", "50", "49", "The smallest gift we can take is ¥50."),
        ("jpy", "50", "500.50", "amounts in yen are whole numbers, like 500."),
        # The editors' limit is under Stripe's minimum (set before it): Stripe's wins.
        ("gbp", "0.10", "0.29", "The smallest gift we can take in pounds is £0.30."),
    ],
)
def test_an_amount_a_currency_cannot_carry_is_a_form_error_in_that_currency(
    give, stripe_server, currency, smallest, typed, error
):
    offer_currency(currency, smallest_gift=Decimal(smallest))

    response, donation = give(
        frequency="once", amount="other", custom_amount=typed, currency=currency
    )

    assert response.status_code == 400
    assert donation is None
    assert error in response.content.decode()
    sign = {"jpy": "¥", "gbp": "£"}[currency]
    assert f"({sign})" in response.content.decode()  # the amount field names its currency


@pytest.mark.parametrize("asked", ["jpy", "xyz", "EURO", "<b>"])
def test_a_currency_the_site_does_not_offer_is_refused_and_nothing_is_charged(
    give, stripe_server, asked
):
    response, donation = give(frequency="once", amount="10", currency=asked)

    assert response.status_code == 400
    assert donation is None
    page = response.content.decode()
    assert "We do not take gifts in" in page
    assert "We take: USD, EUR, GBP." in page
    assert "<b>" not in page.split("We do not take gifts in")[1][:40]


def test_a_currency_switched_off_is_refused(give, stripe_server, client):
    from support.models import SiteCurrency

    SiteCurrency.objects.filter(code="gbp").update(offered=False)

    response, donation = give(frequency="once", amount="10", currency="gbp")

    assert response.status_code == 400
    assert donation is None
    assert client.get("/support/?currency=gbp").status_code == 400


def test_checkout_offers_the_payment_methods_stripe_allows_for_the_currency_not_cards_only(
    give, stripe_server, settings
):
    _, euros = give(frequency="once", amount="10", currency="eur")
    _, dollars = give(frequency="monthly", amount="5")
    settings.STRIPE_PAYMENT_METHOD_CONFIGURATION = "pmc_1Donations"
    _, configured = give(frequency="monthly", amount="5", currency="gbp")

    euro_session = stripe_gateway.retrieve_checkout_session(euros.stripe_checkout_session_id)
    assert {"card", "link", "sepa_debit", "ideal"} <= set(euro_session["payment_method_types"])
    dollar_session = stripe_gateway.retrieve_checkout_session(dollars.stripe_checkout_session_id)
    assert dollar_session["payment_method_types"] != ["card"]
    assert dollar_session["payment_method_configuration_details"]["id"].startswith("pmc_")
    pounds = stripe_gateway.retrieve_checkout_session(configured.stripe_checkout_session_id)
    assert pounds["payment_method_configuration_details"]["id"] == "pmc_1Donations"
    assert "bacs_debit" in pounds["payment_method_types"]


def test_with_every_currency_switched_off_nothing_is_taken(give, stripe_server, client):
    from support.models import SiteCurrency

    SiteCurrency.objects.update(offered=False)

    response, donation = give(frequency="once", amount="other", custom_amount="10")

    assert response.status_code == 400
    assert donation is None
    assert "We take: none at the moment." in response.content.decode()
    assert client.get("/support/").status_code == 200
