"""Delayed payment methods and expiry: checkout.session.async_payment_* and .expired."""

import json

import pytest
import requests
import stripe

from tests.stripe_testserver.conftest import session_params


def events_since(stripe_server, seen: int) -> list[dict]:
    """Events delivered since `seen`, each checked to verify as Stripe signs it."""
    events = []
    for delivery in stripe_server.deliveries()[seen:]:
        stripe.Webhook.construct_event(
            delivery["payload"], delivery["signature_header"], stripe_server.webhook_secret
        )
        events.append(json.loads(delivery["payload"]))
    return events


def pay_delayed(create_session, stripe_server, mode):
    session = create_session(mode)
    stripe_server.pay(session.id, delayed=True)
    return session


def test_a_delayed_one_time_payment_completes_unpaid_then_succeeds(
    create_session, stripe_server, stripe_client
):
    session = pay_delayed(create_session, stripe_server, "payment")
    completed = events_since(stripe_server, 0)
    seen = len(completed)

    stripe_server.settle(session.id, "succeeded")

    assert [e["type"] for e in completed] == [
        "checkout.session.completed",
        "payment_intent.processing",
    ]
    assert completed[0]["data"]["object"]["status"] == "complete"
    assert completed[0]["data"]["object"]["payment_status"] == "unpaid"
    settled = events_since(stripe_server, seen)
    assert [e["type"] for e in settled] == [
        "charge.succeeded",
        "payment_intent.succeeded",
        "checkout.session.async_payment_succeeded",
    ]
    assert settled[-1]["data"]["object"]["payment_status"] == "paid"
    intent_id = settled[-1]["data"]["object"]["payment_intent"]
    intent = stripe_client.v1.payment_intents.retrieve(intent_id)
    assert (intent.status, intent.amount_received) == ("succeeded", 2500)


def test_a_delayed_one_time_payment_that_fails_leaves_the_session_unpaid(
    create_session, stripe_server, stripe_client
):
    session = pay_delayed(create_session, stripe_server, "payment")
    seen = len(stripe_server.deliveries())

    stripe_server.settle(session.id, "failed")

    failed = events_since(stripe_server, seen)
    assert [e["type"] for e in failed] == [
        "charge.failed",
        "payment_intent.payment_failed",
        "checkout.session.async_payment_failed",
    ]
    assert failed[-1]["data"]["object"]["payment_status"] == "unpaid"
    charge = failed[0]["data"]["object"]
    assert (charge["status"], charge["paid"]) == ("failed", False)
    intent = stripe_client.v1.payment_intents.retrieve(charge["payment_intent"])
    assert intent.status == "requires_payment_method"
    with pytest.raises(AssertionError, match="already failed"):
        stripe_server.settle(session.id, "succeeded")


def test_a_delayed_first_subscription_payment_keeps_it_incomplete_until_it_succeeds(
    create_session, stripe_server, stripe_client
):
    session = pay_delayed(create_session, stripe_server, "subscription")
    completed = events_since(stripe_server, 0)
    seen = len(completed)

    stripe_server.settle(session.id, "succeeded")

    assert [e["type"] for e in completed] == [
        "customer.created",
        "payment_method.attached",
        "customer.subscription.created",
        "payment_intent.processing",
        "checkout.session.completed",
    ]
    assert completed[2]["data"]["object"]["status"] == "incomplete"
    settled = events_since(stripe_server, seen)
    assert [e["type"] for e in settled] == [
        "charge.succeeded",
        "payment_intent.succeeded",
        "invoice.paid",
        "invoice.payment_succeeded",
        "customer.subscription.updated",
        "checkout.session.async_payment_succeeded",
    ]
    assert settled[4]["data"]["previous_attributes"] == {"status": "incomplete"}
    retrieved = stripe_client.v1.checkout.sessions.retrieve(
        session.id, params={"expand": ["subscription", "invoice"]}
    )
    assert retrieved.payment_status == "paid"
    assert (retrieved.subscription.status, retrieved.invoice.status) == ("active", "paid")


def test_a_delayed_first_subscription_payment_that_fails(create_session, stripe_server):
    session = pay_delayed(create_session, stripe_server, "subscription")
    seen = len(stripe_server.deliveries())

    stripe_server.settle(session.id, "failed")

    assert [e["type"] for e in events_since(stripe_server, seen)] == [
        "charge.failed",
        "payment_intent.payment_failed",
        "invoice.payment_failed",
        "checkout.session.async_payment_failed",
    ]


def test_only_a_delayed_payment_can_be_settled(paid_session, stripe_server):
    session = paid_session("payment")

    with pytest.raises(AssertionError, match="delayed payment method"):
        stripe_server.settle(session.id)


def test_the_expire_control_expires_an_open_session_as_stripe_does(
    create_session, stripe_server, stripe_client
):
    session = create_session("payment")

    stripe_server.expire(session.id)

    (event,) = events_since(stripe_server, 0)
    assert event["type"] == "checkout.session.expired"
    assert (event["data"]["object"]["status"], event["data"]["object"]["url"]) == ("expired", None)
    assert stripe_client.v1.checkout.sessions.retrieve(session.id).status == "expired"
    assert requests.get(session.url, timeout=5).status_code == 410
    with pytest.raises(AssertionError, match="status of `open`"):
        stripe_server.expire(session.id)


def test_a_delayed_payment_settled_after_the_clock_moved_on_is_announced_then(
    create_session, stripe_server, stripe_client
):
    session = pay_delayed(create_session, stripe_server, "payment")
    opened = stripe_client.v1.checkout.sessions.retrieve(session.id).created
    seen = len(stripe_server.deliveries())

    moved_to = stripe_server.advance_clock(40 * 24 * 3600)
    stripe_server.settle(session.id, "succeeded")

    settled = events_since(stripe_server, seen)
    assert settled[-1]["type"] == "checkout.session.async_payment_succeeded"
    assert settled[-1]["created"] >= moved_to >= opened + 40 * 24 * 3600
    assert stripe_client.v1.checkout.sessions.retrieve(session.id).created == opened
    stripe_server.reset()
    assert (
        stripe_client.v1.checkout.sessions.create(params=session_params("payment")).created
        < moved_to
    )
    with pytest.raises(AssertionError, match="up to 400 days"):
        stripe_server.advance_clock(-5)
