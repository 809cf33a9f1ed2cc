"""Invoices at the pinned version, subscription state changes and the unconfigured portal."""

import json

import pytest
import stripe

from stripe_testserver.shapes import examples, sdk_fields


def test_an_invoice_has_no_charge_payment_intent_or_subscription_field(paid_session, stripe_client):
    session = paid_session("subscription")

    invoice = stripe_client.v1.invoices.retrieve(session.invoice.id).to_dict()

    assert not {"charge", "payment_intent", "subscription"} & set(invoice)
    assert "payments" not in invoice  # only when expanded
    assert invoice["parent"]["type"] == "subscription_details"
    assert invoice["parent"]["subscription_details"]["subscription"] == session.subscription.id
    assert invoice["parent"]["subscription_details"]["metadata"] == {"donation_id": "12"}


def test_expanded_invoice_payments_carry_the_payment_intent_and_through_it_the_charge(
    paid_session, stripe_client
):
    session = paid_session("subscription")

    invoice = stripe_client.v1.invoices.retrieve(
        session.invoice.id, params={"expand": ["payments.data.payment.payment_intent"]}
    )
    listed = stripe_client.v1.invoice_payments.list(params={"invoice": session.invoice.id})

    (payment,) = invoice.payments.data
    assert (payment.status, payment.amount_paid, payment.payment.type) == (
        "paid",
        200,
        "payment_intent",
    )
    intent = payment.payment.payment_intent
    assert intent.id.startswith("pi_") and intent.status == "succeeded"
    charge = stripe_client.v1.charges.retrieve(intent.latest_charge)
    assert (charge.payment_intent, charge.amount, charge.customer) == (
        intent.id,
        200,
        session.customer.id,
    )
    assert [p.id for p in listed.data] == [payment.id]
    assert listed.data[0].payment.payment_intent == intent.id


def test_a_failed_then_paid_renewal_lists_both_payments_newest_first(
    paid_session, stripe_server, stripe_client
):
    subscription = paid_session("subscription").subscription
    invoice_id = stripe_server.renew(subscription.id, "failed")["invoice"]["id"]
    stripe_server.renew(subscription.id, "paid")

    payments = stripe_client.v1.invoice_payments.list(params={"invoice": invoice_id}).data

    assert [(p.status, p.is_default) for p in payments] == [("paid", True), ("open", False)]
    assert payments[0].payment.payment_intent != payments[1].payment.payment_intent


@pytest.mark.parametrize(
    ("status", "extra"),
    [
        ("past_due", []),
        ("unpaid", []),
        ("incomplete", []),
        ("paused", ["customer.subscription.paused"]),
    ],
)
def test_a_status_change_emits_customer_subscription_updated(
    paid_session, stripe_server, stripe_client, status, extra
):
    subscription = paid_session("subscription").subscription
    seen = len(stripe_server.deliveries())

    stripe_server.set_subscription_status(subscription.id, status)

    events = [json.loads(d["payload"]) for d in stripe_server.deliveries()[seen:]]
    assert [e["type"] for e in events] == ["customer.subscription.updated", *extra]
    assert events[0]["data"]["object"]["status"] == status
    assert events[0]["data"]["previous_attributes"] == {"status": "active"}
    assert stripe_client.v1.subscriptions.retrieve(subscription.id).status == status


def test_a_paused_subscription_that_becomes_active_is_resumed(paid_session, stripe_server):
    subscription = paid_session("subscription").subscription
    stripe_server.set_subscription_status(subscription.id, "paused")
    seen = len(stripe_server.deliveries())

    stripe_server.set_subscription_status(subscription.id, "active")

    types = [d["type"] for d in stripe_server.deliveries()[seen:]]
    assert types == ["customer.subscription.updated", "customer.subscription.resumed"]


def test_a_portal_session_is_refused_until_the_portal_settings_are_saved(
    paid_session, stripe_server, stripe_client
):
    customer = paid_session("subscription").customer.id
    stripe_server.configure(portal_configured=False)

    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.billing_portal.sessions.create(params={"customer": customer})
    stripe_server.configure(portal_configured=True)
    portal = stripe_client.v1.billing_portal.sessions.create(params={"customer": customer})

    assert caught.value.http_status == 400
    assert caught.value.user_message == (
        "You can’t create a portal session in test mode until you save your customer portal "
        "settings in test mode at https://dashboard.stripe.com/test/settings/billing/portal."
    )
    assert portal.customer == customer


def test_objects_the_api_returns_have_stripes_fields_at_the_pinned_version(
    paid_session, stripe_client
):
    session = paid_session("subscription")
    invoice_payments = stripe_client.v1.invoice_payments.list(
        params={"invoice": session.invoice.id}
    )
    line_items = stripe_client.v1.checkout.sessions.line_items.list(session.id)
    portal = stripe_client.v1.billing_portal.sessions.create(
        params={"customer": session.customer.id}
    )
    price = line_items.data[0].price

    for obj in [
        invoice_payments.data[0],
        line_items.data[0],
        portal,
        price,
        stripe_client.v1.products.retrieve(price.product),
        session.invoice.lines.data[0],
    ]:
        fields = set(obj.to_dict())
        assert set(examples()[obj.object]) <= fields <= sdk_fields(obj.object), obj.object
