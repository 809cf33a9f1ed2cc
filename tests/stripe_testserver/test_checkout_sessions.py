import json

import pytest
import requests
import stripe

from stripe_testserver.shapes import examples, sdk_fields
from tests.stripe_testserver.conftest import line_item, make_client, session_params


def test_a_subscription_session_is_created_open_with_the_fields_the_app_sends(create_session):
    session = create_session("subscription")

    assert session.id.startswith("cs_test_")
    assert session.object == "checkout.session"
    assert session.url.endswith(f"/checkout/{session.id}")
    assert (session.status, session.payment_status) == ("open", "unpaid")
    assert (session.mode, session.amount_total, session.currency) == ("subscription", 200, "usd")
    assert session.metadata.to_dict() == {"donation_id": "12"}
    assert session.client_reference_id == "12"
    assert session.customer_email == "donor@example.org"
    assert session.subscription is None and session.payment_intent is None


def test_a_session_has_exactly_the_fields_of_stripes_example(create_session):
    session = create_session("payment", submit_type="donate")

    assert set(session.to_dict()) == set(examples()["checkout.session"])
    assert session.submit_type == "donate"
    assert session.amount_total == 2500


def test_line_items_are_listed_and_expandable(create_session, stripe_client):
    session = create_session("subscription")

    items = stripe_client.v1.checkout.sessions.line_items.list(session.id)
    expanded = stripe_client.v1.checkout.sessions.retrieve(
        session.id, params={"expand": ["line_items"]}
    )

    assert [item.description for item in items.data] == ["Support independent journalism"]
    assert items.data[0].price.unit_amount == 200
    assert items.data[0].price.recurring.interval == "month"
    assert expanded.line_items.data[0].id == items.data[0].id


@pytest.mark.parametrize(
    ("change", "param", "message"),
    [
        ({"success_url": None}, "success_url", "Missing required param: success_url."),
        ({"mode": None}, "mode", "Missing required param: mode."),
        (
            {"mode": "payment", "subscription_data": None},
            "line_items[0][price_data][recurring]",
            "recurring price",
        ),
        ({"line_items": [line_item(200)]}, "line_items[0][price_data][recurring]", "recurring"),
        ({"colour": "red"}, "colour", "Received unknown parameter: colour"),
        (
            {"line_items": [{**line_item(interval="month"), "size": "L"}]},
            "line_items[0][size]",
            "Received unknown parameter: line_items[0][size]",
        ),
        (
            {"line_items": [{"price_data": line_item(interval="month")["price_data"]}]},
            "line_items[0][quantity]",
            "Missing required param",
        ),
        (
            {"line_items": [{"quantity": 1, "price_data": {"currency": "usd"}}]},
            "line_items[0][price_data][unit_amount]",
            "Missing required param",
        ),
        ({"payment_intent_data": {"metadata": {"a": "b"}}}, "payment_intent_data", "mode"),
        # Removed at this API version: allowed_payment_method_types (or nothing) replaces it.
        (
            {"payment_method_types": ["card"]},
            "payment_method_types",
            "Received unknown parameter: payment_method_types",
        ),
        # `hosted` became `hosted_page` in 2026-03-25.dahlia.
        ({"ui_mode": "hosted"}, "ui_mode", "must be one of elements, embedded_page"),
        ({"submit_type": "give"}, "submit_type", "must be one of auto, book, donate"),
        ({"expires_at": "tomorrow"}, "expires_at", "Invalid integer: tomorrow"),
        ({"success_url": "not a url"}, "success_url", "Not a valid URL"),
        ({"mode": "donation"}, "mode", "must be one of"),
    ],
)
def test_parameters_stripe_rejects_are_rejected(stripe_client, change, param, message):
    params = {k: v for k, v in {**session_params("subscription"), **change}.items() if v}

    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.checkout.sessions.create(params=params)

    assert caught.value.http_status == 400
    assert caught.value.param == param
    assert message in caught.value.user_message


def test_subscription_data_is_rejected_in_payment_mode(stripe_client):
    params = session_params("payment", subscription_data={"metadata": {"a": "b"}})

    with pytest.raises(stripe.InvalidRequestError, match="subscription_data"):
        stripe_client.v1.checkout.sessions.create(params=params)


def test_an_amount_below_stripes_minimum_is_rejected(stripe_client):
    params = session_params("payment", line_items=[line_item(20)])

    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.checkout.sessions.create(params=params)

    assert caught.value.code == "amount_too_small"


@pytest.mark.parametrize("api_key", ["sk_live_abcdefghijklmnop", "not_a_key", "pk_test_abc"])
def test_a_key_that_is_not_a_secret_test_key_is_refused(stripe_server, api_key):
    client = make_client(stripe_server.url, api_key)

    with pytest.raises(stripe.AuthenticationError) as caught:
        client.v1.checkout.sessions.create(params=session_params())

    assert caught.value.http_status == 401
    assert set(caught.value.json_body["error"]) >= {"type", "code", "message", "param"}


def test_a_request_without_a_key_gets_stripes_401_error(stripe_server):
    response = requests.get(f"{stripe_server.url}/v1/customers/cus_x", timeout=5)

    assert response.status_code == 401
    assert response.json()["error"]["type"] == "invalid_request_error"
    assert "You did not provide an API key" in response.json()["error"]["message"]


def test_an_unknown_id_is_a_404_resource_missing(stripe_client):
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.customers.retrieve("cus_doesnotexist")

    assert caught.value.http_status == 404
    assert caught.value.code == "resource_missing"
    assert "No such customer: 'cus_doesnotexist'" in caught.value.user_message


def test_an_unknown_url_is_a_404_in_stripes_shape(stripe_server):
    response = requests.get(
        f"{stripe_server.url}/v1/widgets", headers={"Authorization": "Bearer sk_test_x"}, timeout=5
    )

    assert response.status_code == 404
    assert "Unrecognized request URL (GET: /v1/widgets)" in response.json()["error"]["message"]


def test_an_idempotent_retry_replays_the_first_response(stripe_client, stripe_server):
    options = {"idempotency_key": "donation-12"}
    first = stripe_client.v1.checkout.sessions.create(params=session_params(), options=options)
    again = stripe_client.v1.checkout.sessions.create(params=session_params(), options=options)

    assert again.id == first.id
    assert again.last_response.headers["Idempotent-Replayed"] == "true"
    assert len(stripe_client.v1.checkout.sessions.list().data) == 1


def test_an_idempotency_key_reused_with_other_parameters_is_refused(stripe_client):
    options = {"idempotency_key": "donation-13"}
    stripe_client.v1.checkout.sessions.create(params=session_params(), options=options)

    with pytest.raises(stripe.IdempotencyError) as caught:
        stripe_client.v1.checkout.sessions.create(
            params=session_params(client_reference_id="14"), options=options
        )

    assert caught.value.http_status == 400
    assert "same parameters" in caught.value.user_message


def test_a_completed_session_expands_its_subscription_customer_and_invoice(paid_session):
    session = paid_session("subscription")

    assert (session.status, session.payment_status) == ("complete", "paid")
    assert session.url is None
    assert session.customer.email == "donor@example.org"
    subscription = session.subscription
    assert subscription.status == "active"
    assert subscription.metadata.to_dict() == {"donation_id": "12"}
    item = subscription["items"].data[0]
    assert (item.price.unit_amount, item.price.recurring.interval) == (200, "month")
    assert item.current_period_end > item.current_period_start
    assert session.invoice.status == "paid"
    assert session.invoice.billing_reason == "subscription_create"
    assert session.invoice.parent.subscription_details.subscription == subscription.id


def test_a_completed_payment_session_expands_its_succeeded_payment_intent(
    paid_session, stripe_client
):
    session = paid_session("payment")

    intent = session.payment_intent
    assert (intent.status, intent.amount_received) == ("succeeded", 2500)
    assert intent.metadata.to_dict() == {"donation_id": "12"}
    charge = stripe_client.v1.charges.retrieve(intent.latest_charge)
    assert (charge.paid, charge.status, charge.amount) == (True, "succeeded", 2500)
    assert charge.payment_method_details.card.last4 == "4242"


def test_every_object_in_every_event_has_stripes_fields_at_the_pinned_version(
    paid_session, create_session, stripe_server, stripe_client
):
    subscription = paid_session("subscription").subscription
    stripe_server.renew(subscription.id, "failed")
    stripe_server.set_subscription_status(subscription.id, "paused")
    intent = paid_session("payment", customer_creation="always").payment_intent
    refund = stripe_client.v1.refunds.create(params={"payment_intent": intent.id, "amount": 100})
    stripe_server.fail_refund(refund.id)
    stripe_server.close_dispute(stripe_server.dispute(intent.latest_charge)["id"], "lost")
    delayed = create_session("payment")
    stripe_server.pay(delayed.id, delayed=True)
    stripe_server.settle(delayed.id, "failed")
    stripe_server.expire(create_session("subscription").id)
    known = examples()

    kinds = set()
    for delivery in stripe_server.deliveries():
        obj = json.loads(delivery["payload"])["data"]["object"]
        kinds.add(obj["object"])
        # Every field of Stripe's example, and nothing stripe-python 16.1.0 does not declare.
        assert set(obj) >= set(known[obj["object"]]), obj["object"]
        assert set(obj) <= sdk_fields(obj["object"]), obj["object"]
    assert kinds >= {
        "checkout.session", "customer", "subscription", "invoice", "charge", "refund",
        "dispute", "payment_intent", "payment_method",
    }  # fmt: skip


def test_a_returning_customers_checkout_reuses_the_customer(paid_session, stripe_server):
    first = paid_session("subscription")
    seen = len(stripe_server.deliveries())

    second = paid_session("payment", customer=first.customer.id, customer_email=None)

    assert second.customer.id == first.customer.id
    assert "customer.created" not in [d["type"] for d in stripe_server.deliveries()[seen:]]


def test_nested_expansion_reaches_the_latest_invoices_payments(paid_session, stripe_client):
    session = paid_session("subscription")

    subscription = stripe_client.v1.subscriptions.retrieve(
        session.subscription.id, params={"expand": ["latest_invoice.payments"]}
    )

    payment = subscription.latest_invoice.payments.data[0]
    assert (payment.status, payment.amount_paid) == ("paid", 200)
    assert payment.payment.payment_intent.startswith("pi_")


def test_a_property_that_is_not_expandable_is_refused(create_session, stripe_client):
    session = create_session("payment")

    with pytest.raises(stripe.InvalidRequestError, match="cannot be expanded"):
        stripe_client.v1.checkout.sessions.retrieve(session.id, params={"expand": ["mode"]})


def test_a_session_without_a_method_list_offers_the_configurations_methods_for_its_currency(
    stripe_client,
):
    def create(mode, currency, **extra):
        recurring = {"recurring": {"interval": "month"}} if mode == "subscription" else {}
        price = {"currency": currency, "unit_amount": 500, "product_data": {"name": "Gift"}}
        return stripe_client.v1.checkout.sessions.create(
            params={
                "mode": mode,
                "success_url": "https://example.org/thanks",
                "line_items": [{"price_data": {**price, **recurring}, "quantity": 1}],
                **extra,
            }
        )

    euro_once = create("payment", "eur")
    euro_monthly = create("subscription", "eur")
    pounds = create("payment", "gbp")
    pinned = create("payment", "eur", allowed_payment_method_types=["card"])
    chosen = create("payment", "usd", payment_method_configuration="pmc_1Donations")

    assert {"card", "link", "sepa_debit", "ideal"} <= set(euro_once.payment_method_types)
    assert "ideal" not in euro_monthly.payment_method_types  # a one-off method
    assert "sepa_debit" in euro_monthly.payment_method_types
    assert "bacs_debit" in pounds.payment_method_types
    assert euro_once.payment_method_configuration_details.id.startswith("pmc_")
    assert pinned.payment_method_types == ["card"]
    assert pinned.payment_method_configuration_details is None
    assert chosen.payment_method_configuration_details.id == "pmc_1Donations"
