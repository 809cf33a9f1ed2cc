"""Currencies in their minor units: zero-decimal, three-decimal, and Stripe's minimums."""

import pytest
import stripe

from tests.stripe_testserver.conftest import session_params


def priced(currency: str, amount: int, *, interval: str | None = None) -> list[dict]:
    price_data = {"currency": currency, "unit_amount": amount, "product_data": {"name": "Gift"}}
    if interval:
        price_data["recurring"] = {"interval": interval}
    return [{"quantity": 1, "price_data": price_data}]


def create(stripe_client, currency, amount, mode="payment"):
    interval = "month" if mode == "subscription" else None
    params = session_params(mode, line_items=priced(currency, amount, interval=interval))
    return stripe_client.v1.checkout.sessions.create(params=params)


@pytest.mark.parametrize(
    ("currency", "amount", "shown"),
    [("jpy", 500, "¥500"), ("krw", 10000, "10,000 KRW"), ("bhd", 1500, "1.500 BHD")],
)
def test_a_zero_or_three_decimal_amount_is_charged_and_shown_as_stripe_does(
    stripe_client, stripe_server, currency, amount, shown
):
    session = create(stripe_client, currency, amount)
    page = stripe_server.http.get(session.url, timeout=10).text
    stripe_server.pay(session.id)

    paid = stripe_client.v1.checkout.sessions.retrieve(
        session.id, params={"expand": ["payment_intent"]}
    )
    assert (paid.amount_total, paid.currency) == (amount, currency)
    assert paid.payment_intent.amount_received == amount
    assert shown in page


@pytest.mark.parametrize(
    ("currency", "amount", "minimum"),
    [("jpy", 49, "¥50 jpy"), ("gbp", 29, "£0.30 gbp"), ("huf", 17400, "175.00 HUF huf")],
)
def test_an_amount_below_the_currencys_minimum_is_refused_in_that_currency(
    stripe_client, currency, amount, minimum
):
    with pytest.raises(stripe.InvalidRequestError) as caught:
        create(stripe_client, currency, amount)

    assert caught.value.code == "amount_too_small"
    assert caught.value.user_message.endswith(f"at least {minimum}")


def test_a_three_decimal_amount_must_be_a_multiple_of_ten(stripe_client, stripe_server):
    with pytest.raises(stripe.InvalidRequestError) as caught:
        create(stripe_client, "kwd", 1505)
    assert caught.value.param == "line_items[0][price_data][unit_amount]"
    assert "multiples of 10" in caught.value.user_message

    session = create(stripe_client, "kwd", 1500)
    stripe_server.pay(session.id)
    intent = stripe_client.v1.checkout.sessions.retrieve(session.id).payment_intent
    with pytest.raises(stripe.InvalidRequestError, match="multiples of 10"):
        stripe_client.v1.refunds.create(params={"payment_intent": intent, "amount": 15})
    refund = stripe_client.v1.refunds.create(params={"payment_intent": intent, "amount": 20})
    assert refund.amount == 20


def test_icelandic_kronur_are_whole_though_written_with_two_decimals(stripe_client):
    with pytest.raises(stripe.InvalidRequestError, match="multiples of 100"):
        create(stripe_client, "isk", 50050)

    assert create(stripe_client, "isk", 50000).amount_total == 50000


def test_a_subscription_in_yen_renews_for_the_same_number_of_yen(stripe_client, stripe_server):
    session = create(stripe_client, "jpy", 500, mode="subscription")
    stripe_server.pay(session.id)
    subscription = stripe_client.v1.checkout.sessions.retrieve(session.id).subscription

    invoice = stripe_server.renew(subscription, "paid")["invoice"]

    assert (invoice["amount_paid"], invoice["currency"]) == (500, "jpy")
