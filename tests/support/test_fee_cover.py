"""Covering fees: an estimate per currency, charged once with each payment, kept apart."""

import re
from decimal import Decimal

import pytest
from django.core import mail

from support import stripe_gateway
from support.currencies import Offer
from support.forms import GiveForm
from support.models import SiteCurrency
from support.money import fee_estimate

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("amount", "code", "percent", "fixed", "fee"),
    [
        ("2", "usd", "2.9", "0.30", "0.36"),  # the "Add $0.36 to cover fees"
        ("25", "usd", "2.9", "0.30", "1.03"),  # 1.025: half up, never to even
        ("10", "eur", "1.5", "0.25", "0.40"),
        ("1000", "jpy", "3.6", "0", "36"),
        ("10", "jpy", "3.6", "0", "1"),  # never nothing when a formula is set
        ("2.5", "bhd", "3", "0", "0.080"),  # 0.075 BHD, in steps of ten fils: half up
        ("0", "usd", "0", "0", "0.00"),
    ],
)
def test_the_fee_estimate_is_percent_plus_fixed_rounded_to_what_the_currency_charges(
    amount, code, percent, fixed, fee
):
    assert fee_estimate(Decimal(amount), code, Decimal(percent), Decimal(fixed)) == Decimal(fee)


def test_the_form_offers_to_cover_the_fee_of_the_amount_it_opens_with_labelled_approximate(
    client,
):
    page = client.get("/support/").content.decode()

    assert "Add $0.36 to cover fees" in page
    assert "Approximate: 2.9% + $0.30 of the gift." in page
    assert "depends on the payment method you choose at checkout" in page
    euros = client.get("/support/?currency=eur&amount=10&frequency=once").content.decode()
    assert "Add €0.40 to cover fees" in euros
    assert "Approximate: 1.5% + €0.25" in euros


def test_a_currency_without_a_fee_formula_offers_no_cover(client):
    SiteCurrency.objects.filter(code="gbp").update(fee_percent=0, fee_fixed=0)

    page = client.get("/support/?currency=gbp").content.decode()

    assert "to cover fees" not in page
    assert 'name="cover_fees"' not in page


def test_the_fee_is_counted_again_from_the_amount_given_not_the_label():
    offer = Offer(
        code="usd",
        presets={"monthly": [Decimal("2")]},
        smallest=Decimal("2"),
        largest=Decimal("10000"),
        fee_percent=Decimal("2.9"),
        fee_fixed=Decimal("0.30"),
    )
    data = {"frequency": "monthly", "amount": "2", "custom_amount": "50", "cover_fees": "on"}
    form = GiveForm(data, offer=offer)

    assert form.is_valid(), form.errors
    assert form.cleaned_data["fee_covered"] == Decimal("1.75")  # 50 × 2.9% + 0.30


def test_fee_cover_is_charged_once_per_payment_kept_apart_and_shown_on_the_receipt(
    give, stripe_server, deliver
):
    response, donation = give(frequency="monthly", amount="2", cover_fees="on", email="r@x.org")

    assert response.status_code == 303
    assert (donation.amount, donation.fee_covered) == (Decimal("2"), Decimal("0.36"))
    session = stripe_gateway.retrieve_checkout_session(donation.stripe_checkout_session_id)
    assert session["amount_total"] == 236  # the gift and the fees, added once
    stripe_server.pay(donation.stripe_checkout_session_id, email="r@x.org")
    deliver()
    donation.refresh_from_db()
    stripe_server.renew(donation.stripe_subscription_id)
    deliver()

    donation.refresh_from_db()
    # The gift is still $2 (the subscription's $2.36 price is the gift and its fees).
    assert (donation.amount, donation.fee_covered) == (Decimal("2"), Decimal("0.36"))
    assert donation.amount_label == "$2 every month"
    assert sorted(p.amount for p in donation.payments.all()) == [Decimal("2.36")] * 2
    receipts = [m for m in mail.outbox if "receipt" in m.subject.lower()]
    assert len(receipts) == 2
    body = receipts[0].body
    assert "Amount:         $2.36" in body
    assert len(re.findall(r"\$0\.36", body)) == 1
    assert "Covering fees:  $0.36 you added (included above)" in body
    assert "$0.36 you added" in receipts[0].alternatives[0][0]


def test_without_the_box_ticked_nothing_is_added(give, stripe_server):
    _, donation = give(frequency="once", amount="10")

    session = stripe_gateway.retrieve_checkout_session(donation.stripe_checkout_session_id)
    assert donation.fee_covered == 0
    assert session["amount_total"] == 1000


def test_a_yen_gift_covers_its_fee_in_whole_yen(give, stripe_server):
    SiteCurrency.objects.create(
        code="jpy",
        position=9,
        smallest_gift=300,
        largest_gift=10**6,
        fee_percent=Decimal("3.6"),
        fee_fixed=0,
    )

    _, donation = give(
        frequency="once", amount="other", custom_amount="1000", currency="jpy", cover_fees="on"
    )

    session = stripe_gateway.retrieve_checkout_session(donation.stripe_checkout_session_id)
    assert (session["amount_total"], session["currency"]) == (1036, "jpy")
    assert donation.fee_covered == Decimal("36")


def test_a_new_price_set_at_stripe_is_the_whole_gift_and_ends_the_fee_cover(
    give, stripe_server, deliver
):
    _, donation = give(frequency="monthly", amount="5", cover_fees="on", email="r@x.org")
    stripe_server.pay(donation.stripe_checkout_session_id, email="r@x.org")
    deliver()
    donation.refresh_from_db()
    since = len(stripe_server.deliveries())
    client = stripe_gateway.client()
    subscription = client.v1.subscriptions.retrieve(donation.stripe_subscription_id)
    item = subscription["items"]["data"][0]
    price_data = {
        "currency": "usd",
        "unit_amount": 1000,
        "recurring": {"interval": "month"},
        "product": item["price"]["product"],
    }
    client.v1.subscriptions.update(
        donation.stripe_subscription_id,
        params={
            "items": [{"id": item["id"], "price_data": price_data}],
            "proration_behavior": "none",
        },
    )
    deliver(since=since)

    donation.refresh_from_db()
    assert (donation.amount, donation.fee_covered) == (Decimal("10"), Decimal("0"))


def test_the_goal_meter_counts_what_donors_pay_fees_they_cover_included(client):
    from django.core.cache import cache

    from tests.support.factories import DonationFactory, PaymentFactory

    DonationFactory(amount=Decimal("2"), fee_covered=Decimal("0.36"), frequency="monthly")
    once = DonationFactory(
        amount=Decimal("10"), fee_covered=Decimal("0.59"), frequency="once", status="paid"
    )
    PaymentFactory(donation=once, kind="one_time", amount=Decimal("10.59"))
    cache.clear()

    # A recurring gift's fees count as its payments' do: $2.36 + $10.59.
    assert client.get("/support/goal.json").json()["raised"] == "12.95"
