import json

import pytest
import requests
import stripe


def events_since(stripe_server, seen: int) -> list[dict]:
    return [json.loads(d["payload"]) for d in stripe_server.deliveries()[seen:]]


def test_a_paid_renewal_advances_the_period_with_a_new_paid_invoice(
    paid_session, stripe_server, stripe_client
):
    subscription = paid_session("subscription").subscription
    period_end = subscription["items"].data[0].current_period_end
    seen = len(stripe_server.deliveries())

    result = stripe_server.renew(subscription.id, "paid")

    events = events_since(stripe_server, seen)
    types = [e["type"] for e in events]
    assert types.index("invoice.paid") < types.index("customer.subscription.updated")
    updated = events[types.index("customer.subscription.updated")]
    assert "items" in updated["data"]["previous_attributes"]
    invoice = stripe_client.v1.invoices.retrieve(result["invoice"]["id"])
    assert (invoice.status, invoice.billing_reason) == ("paid", "subscription_cycle")
    assert invoice.parent.subscription_details.subscription == subscription.id
    renewed = stripe_client.v1.subscriptions.retrieve(subscription.id)
    assert renewed["items"].data[0].current_period_start == period_end
    assert renewed.latest_invoice == invoice.id


def test_a_failed_renewal_leaves_an_open_invoice_and_a_past_due_subscription(
    paid_session, stripe_server, stripe_client
):
    subscription = paid_session("subscription").subscription
    seen = len(stripe_server.deliveries())

    stripe_server.renew(subscription.id, "failed")

    events = events_since(stripe_server, seen)
    types = [e["type"] for e in events]
    assert types[-2:] == ["invoice.payment_failed", "customer.subscription.updated"]
    assert events[-1]["data"]["previous_attributes"]["status"] == "active"
    invoice = stripe_client.v1.invoices.retrieve(
        events[-2]["data"]["object"]["id"], params={"expand": ["payments"]}
    )
    assert (invoice.status, invoice.attempt_count, invoice.amount_paid) == ("open", 1, 0)
    assert invoice.payments.data[0].status == "open"
    assert stripe_client.v1.subscriptions.retrieve(subscription.id).status == "past_due"


def test_a_paid_retry_after_a_failure_pays_the_open_invoice(
    paid_session, stripe_server, stripe_client
):
    subscription = paid_session("subscription").subscription
    failed = stripe_server.renew(subscription.id, "failed")["invoice"]

    stripe_server.renew(subscription.id, "paid")

    invoice = stripe_client.v1.invoices.retrieve(failed["id"])
    assert (invoice.status, invoice.attempt_count) == ("paid", 2)
    assert stripe_client.v1.subscriptions.retrieve(subscription.id).status == "active"


def test_a_refund_marks_the_charge_refunded_and_emits_charge_refunded(
    paid_session, stripe_server, stripe_client
):
    intent = paid_session("payment").payment_intent
    seen = len(stripe_server.deliveries())

    refund = stripe_client.v1.refunds.create(params={"payment_intent": intent.id})

    assert (refund.status, refund.amount, refund.charge) == (
        "succeeded",
        2500,
        intent.latest_charge,
    )
    event = events_since(stripe_server, seen)[0]
    assert event["type"] == "charge.refunded"
    assert event["data"]["object"]["refunded"] is True
    assert event["data"]["previous_attributes"] == {"amount_refunded": 0, "refunded": False}
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.refunds.create(params={"charge": intent.latest_charge})
    assert caught.value.code == "charge_already_refunded"


def test_a_partial_refund_cannot_exceed_what_is_left(paid_session, stripe_client):
    charge_id = paid_session("payment").payment_intent.latest_charge

    stripe_client.v1.refunds.create(params={"charge": charge_id, "amount": 1000})
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.refunds.create(params={"charge": charge_id, "amount": 2000})

    assert caught.value.code == "amount_too_large"
    charge = stripe_client.v1.charges.retrieve(charge_id)
    assert (charge.amount_refunded, charge.refunded) == (1000, False)


def test_cancel_at_period_end_is_an_update_with_previous_attributes(
    paid_session, stripe_server, stripe_client
):
    subscription = paid_session("subscription").subscription
    seen = len(stripe_server.deliveries())

    updated = stripe_client.v1.subscriptions.update(
        subscription.id, params={"cancel_at_period_end": True}
    )

    assert updated.cancel_at == subscription["items"].data[0].current_period_end
    event = events_since(stripe_server, seen)[0]
    assert event["type"] == "customer.subscription.updated"
    assert event["data"]["previous_attributes"]["cancel_at_period_end"] is False
    stripe_server.renew(subscription.id, "paid")
    assert stripe_client.v1.subscriptions.retrieve(subscription.id).status == "canceled"


def test_deleting_a_subscription_cancels_it_now(paid_session, stripe_server, stripe_client):
    subscription = paid_session("subscription").subscription

    canceled = stripe_client.v1.subscriptions.cancel(subscription.id)

    assert canceled.status == "canceled" and canceled.ended_at is not None
    assert stripe_server.deliveries()[-1]["type"] == "customer.subscription.deleted"
    with pytest.raises(stripe.InvalidRequestError):
        stripe_client.v1.subscriptions.cancel(subscription.id)


def test_an_unknown_subscription_update_parameter_is_rejected(paid_session, stripe_client):
    subscription = paid_session("subscription").subscription

    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.subscriptions.update(subscription.id, params={"trial_end": "now"})

    assert caught.value.param == "trial_end"


def open_portal(stripe_client, customer_id: str):
    return stripe_client.v1.billing_portal.sessions.create(
        params={"customer": customer_id, "return_url": "http://testserver/support/manage/"}
    )


def test_the_portal_lists_subscriptions_and_cancelling_there_deletes_the_subscription(
    paid_session, stripe_server, stripe_client
):
    session = paid_session("subscription")
    portal = open_portal(stripe_client, session.customer.id)

    page = requests.get(portal.url, timeout=10)
    cancelled = requests.post(
        f"{portal.url}/cancel", data={"subscription": session.subscription.id}, timeout=10
    )

    assert portal.object == "billing_portal.session" and portal.url.endswith(f"/portal/{portal.id}")
    assert "Test mode — local Stripe test server, no real money" in page.text
    assert (
        "$2.00 per month" in page.text and 'href="http://testserver/support/manage/"' in page.text
    )
    assert "Your subscription has been canceled." in cancelled.text
    assert stripe_server.deliveries()[-1]["type"] == "customer.subscription.deleted"
    assert stripe_client.v1.subscriptions.retrieve(session.subscription.id).status == "canceled"


def test_the_portal_updates_the_card_with_4242_and_declines_4000_0002(
    paid_session, stripe_server, stripe_client
):
    session = paid_session("subscription")
    portal = open_portal(stripe_client, session.customer.id)
    card = {"expiry": "12/34", "cvc": "123"}

    declined = requests.post(
        f"{portal.url}/card", data={"card_number": "4000000000000002", **card}, timeout=10
    )
    updated = requests.post(
        f"{portal.url}/card", data={"card_number": "5555555555554444", **card}, timeout=10
    )

    assert declined.status_code == 402 and "Your card was declined." in declined.text
    assert "Your card has been updated." in updated.text
    subscription = stripe_client.v1.subscriptions.retrieve(
        session.subscription.id, params={"expand": ["default_payment_method"]}
    )
    assert subscription.default_payment_method.card.last4 == "4444"
    customer = stripe_client.v1.customers.retrieve(session.customer.id)
    assert (
        customer.invoice_settings.default_payment_method == subscription.default_payment_method.id
    )


def test_a_portal_session_for_an_unknown_customer_is_refused(stripe_client):
    with pytest.raises(stripe.InvalidRequestError) as caught:
        open_portal(stripe_client, "cus_nobody")

    assert (caught.value.code, caught.value.param) == ("resource_missing", "customer")


def test_pausing_collection_is_set_and_unset_through_subscription_update(
    paid_session, stripe_server, stripe_client
):
    subscription = paid_session("subscription").subscription
    seen = len(stripe_server.deliveries())

    paused = stripe_client.v1.subscriptions.update(
        subscription.id, params={"pause_collection": {"behavior": "void"}}
    )
    resumed = stripe_client.v1.subscriptions.update(
        subscription.id, params={"pause_collection": ""}
    )

    assert (paused.status, paused.pause_collection.behavior) == ("active", "void")
    assert paused.pause_collection.resumes_at is None
    assert resumed.pause_collection is None
    events = events_since(stripe_server, seen)
    assert [e["type"] for e in events] == ["customer.subscription.updated"] * 2
    assert events[0]["data"]["previous_attributes"] == {"pause_collection": None}
    assert events[1]["data"]["previous_attributes"]["pause_collection"]["behavior"] == "void"


@pytest.mark.parametrize(
    ("behavior", "status"),
    [("void", "void"), ("mark_uncollectible", "uncollectible"), ("keep_as_draft", "draft")],
)
def test_a_paused_subscription_renews_without_charging_the_card(
    paid_session, stripe_server, stripe_client, behavior, status
):
    subscription = paid_session("subscription").subscription
    stripe_client.v1.subscriptions.update(
        subscription.id, params={"pause_collection": {"behavior": behavior}}
    )
    charges = len(stripe_client.v1.charges.list().data)
    seen = len(stripe_server.deliveries())

    result = stripe_server.renew(subscription.id, "paid")

    invoice = stripe_client.v1.invoices.retrieve(result["invoice"]["id"])
    assert (invoice.status, invoice.amount_paid) == (status, 0)
    assert len(stripe_client.v1.charges.list().data) == charges
    types = [e["type"] for e in events_since(stripe_server, seen)]
    assert "invoice.paid" not in types and "charge.succeeded" not in types
    assert types[-1] == "customer.subscription.updated"
    assert stripe_client.v1.subscriptions.retrieve(subscription.id).status == "active"


def test_collection_resumes_by_itself_at_its_date(paid_session, stripe_server, stripe_client):
    import time

    subscription = paid_session("subscription").subscription
    period_end = subscription["items"].data[0].current_period_end
    resumes_at = int(time.time()) + 3600
    assert resumes_at < period_end
    stripe_client.v1.subscriptions.update(
        subscription.id,
        params={"pause_collection": {"behavior": "void", "resumes_at": resumes_at}},
    )

    result = stripe_server.renew(subscription.id, "paid")

    assert result["invoice"]["status"] == "paid"
    assert stripe_client.v1.subscriptions.retrieve(subscription.id).pause_collection is None
    with pytest.raises(stripe.InvalidRequestError, match="must be in the future"):
        stripe_client.v1.subscriptions.update(
            subscription.id,
            params={"pause_collection": {"behavior": "void", "resumes_at": 1}},
        )


def test_a_subscriptions_amount_changes_from_the_next_period(
    paid_session, stripe_server, stripe_client
):
    subscription = paid_session("subscription").subscription
    item = subscription["items"].data[0]

    updated = stripe_client.v1.subscriptions.update(
        subscription.id,
        params={
            "items": [
                {
                    "id": item.id,
                    "price_data": {
                        "currency": "usd",
                        "product": item.price.product,
                        "recurring": {"interval": "month"},
                        "unit_amount": 500,
                    },
                }
            ],
            "proration_behavior": "none",
        },
    )
    result = stripe_server.renew(subscription.id, "paid")

    assert updated["items"].data[0].price.unit_amount == 500
    assert result["invoice"]["amount_paid"] == 500
    with pytest.raises(stripe.InvalidRequestError, match="proration_behavior=none"):
        stripe_client.v1.subscriptions.update(
            subscription.id, params={"items": [{"id": item.id, "quantity": 2}]}
        )
