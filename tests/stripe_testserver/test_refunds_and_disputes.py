"""Refunds, refund failures and disputes: events in order, signed, in the pinned shapes."""

import json

import pytest
import stripe

from stripe_testserver.shapes import sdk_fields


def events_since(stripe_server, seen: int) -> list[dict]:
    events = []
    for delivery in stripe_server.deliveries()[seen:]:
        stripe.Webhook.construct_event(
            delivery["payload"], delivery["signature_header"], stripe_server.webhook_secret
        )
        event = json.loads(delivery["payload"])
        obj = event["data"]["object"]
        assert set(obj) <= sdk_fields(obj["object"]), event["type"]
        events.append(event)
    return events


@pytest.fixture
def charge_id(paid_session):
    return paid_session("payment").payment_intent.latest_charge


def test_a_refund_emits_charge_refunded_then_refund_created(
    charge_id, stripe_server, stripe_client
):
    seen = len(stripe_server.deliveries())

    refund = stripe_client.v1.refunds.create(params={"charge": charge_id, "amount": 1000})

    events = events_since(stripe_server, seen)
    assert [e["type"] for e in events] == ["charge.refunded", "refund.created"]
    charge = events[0]["data"]["object"]
    assert (charge["amount_refunded"], charge["refunded"]) == (1000, False)
    assert "refunds" not in charge  # not auto-expanded since 2022-11-15
    assert events[1]["data"]["object"]["id"] == refund.id
    assert events[1]["data"]["object"]["status"] == "succeeded"
    expanded = stripe_client.v1.charges.retrieve(charge_id, params={"expand": ["refunds"]})
    assert [r.id for r in expanded.refunds.data] == [refund.id]
    listed = stripe_client.v1.refunds.list(params={"charge": charge_id})
    assert [r.id for r in listed.data] == [refund.id]


def test_a_failed_refund_gives_the_amount_back_to_the_charge(
    charge_id, stripe_server, stripe_client
):
    refund = stripe_client.v1.refunds.create(params={"charge": charge_id})
    seen = len(stripe_server.deliveries())

    stripe_server.fail_refund(refund.id, "lost_or_stolen_card")

    events = events_since(stripe_server, seen)
    assert [e["type"] for e in events] == [
        "refund.updated",
        "charge.refund.updated",
        "refund.failed",
    ]
    assert events[0]["data"]["previous_attributes"] == {"status": "succeeded"}
    failed = stripe_client.v1.refunds.retrieve(refund.id)
    assert (failed.status, failed.failure_reason) == ("failed", "lost_or_stolen_card")
    charge = stripe_client.v1.charges.retrieve(charge_id, params={"expand": ["refunds"]})
    assert (charge.amount_refunded, charge.refunded) == (0, False)
    assert charge.refunds.data[0].status == "failed"
    with pytest.raises(AssertionError, match="cannot fail"):
        stripe_server.fail_refund(refund.id)


def test_a_dispute_opens_and_is_won(charge_id, stripe_server, stripe_client):
    seen = len(stripe_server.deliveries())

    dispute = stripe_server.dispute(charge_id, "fraudulent")
    stripe_server.close_dispute(dispute["id"], "won")

    events = events_since(stripe_server, seen)
    assert [e["type"] for e in events] == [
        "charge.dispute.created",
        "charge.dispute.funds_withdrawn",
        "charge.dispute.closed",
        "charge.dispute.funds_reinstated",
    ]
    opened = events[0]["data"]["object"]
    assert opened["id"].startswith("dp_") and opened["object"] == "dispute"
    assert (opened["charge"], opened["amount"], opened["status"]) == (
        charge_id,
        2500,
        "needs_response",
    )
    assert opened["payment_intent"] == stripe_client.v1.charges.retrieve(charge_id).payment_intent
    assert events[2]["data"]["object"]["status"] == "won"
    assert events[2]["data"]["previous_attributes"] == {"status": "needs_response"}
    assert stripe_client.v1.charges.retrieve(charge_id).disputed is True
    listed = stripe_client.v1.disputes.list(params={"charge": charge_id})
    assert [d.id for d in listed.data] == [dispute["id"]]


def test_a_lost_dispute_closes_without_reinstating_funds(charge_id, stripe_server, stripe_client):
    dispute = stripe_server.dispute(charge_id, amount=1200)
    seen = len(stripe_server.deliveries())

    stripe_server.close_dispute(dispute["id"], "lost")

    (event,) = events_since(stripe_server, seen)
    assert (event["type"], event["data"]["object"]["status"]) == ("charge.dispute.closed", "lost")
    assert stripe_client.v1.disputes.retrieve(dispute["id"]).amount == 1200
    with pytest.raises(AssertionError, match="already closed"):
        stripe_server.close_dispute(dispute["id"], "won")


def test_a_disputed_charge_cannot_be_refunded_or_disputed_again(
    charge_id, stripe_server, stripe_client
):
    stripe_server.dispute(charge_id)

    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.refunds.create(params={"charge": charge_id})
    assert caught.value.code == "charge_disputed"
    with pytest.raises(AssertionError, match="cannot be disputed"):
        stripe_server.dispute(charge_id)


def test_a_renewal_charge_can_be_refunded_and_disputed(paid_session, stripe_server, stripe_client):
    subscription = paid_session("subscription").subscription
    invoice = stripe_server.renew(subscription.id, "paid")["invoice"]
    intent_id = stripe_client.v1.invoice_payments.list(params={"invoice": invoice["id"]}).data[0]
    charge = stripe_client.v1.charges.retrieve(
        stripe_client.v1.payment_intents.retrieve(intent_id.payment.payment_intent).latest_charge
    )

    stripe_client.v1.refunds.create(params={"charge": charge.id, "amount": 50})
    dispute = stripe_server.dispute(charge.id)

    assert dispute["amount"] == 150
    assert stripe_client.v1.charges.retrieve(charge.id).amount_refunded == 50


def test_a_refund_of_a_delayed_payment_is_pending_until_it_succeeds(
    create_session, stripe_server, stripe_client
):
    session = create_session("payment")
    stripe_server.pay(session.id, delayed=True)
    stripe_server.settle(session.id)
    intent_id = stripe_client.v1.checkout.sessions.retrieve(session.id).payment_intent

    refund = stripe_client.v1.refunds.create(params={"payment_intent": intent_id})
    seen = len(stripe_server.deliveries())
    stripe_server.succeed_refund(refund.id)

    assert refund.status == "pending"
    events = events_since(stripe_server, seen)
    assert [e["type"] for e in events] == ["refund.updated", "charge.refund.updated"]
    assert events[0]["data"]["object"]["status"] == "succeeded"
    assert events[0]["data"]["previous_attributes"] == {"status": "pending"}
    with pytest.raises(AssertionError, match="not pending"):
        stripe_server.succeed_refund(refund.id)


@pytest.mark.parametrize("mode", ["payment", "subscription"])
def test_stripes_dispute_test_card_is_disputed_right_after_the_payment(
    create_session, stripe_server, mode
):
    session = create_session(mode)

    stripe_server.pay(session.id, "4000000000000259")

    events = events_since(stripe_server, 0)
    types = [e["type"] for e in events]
    assert types[-2:] == ["charge.dispute.created", "charge.dispute.funds_withdrawn"]
    assert types.index("charge.succeeded") < types.index("charge.dispute.created")
    assert events[-1]["data"]["object"]["reason"] == "fraudulent"


def test_stripes_refund_failure_test_card_fails_its_refunds(
    paid_session, stripe_server, stripe_client
):
    intent = paid_session("payment", card="4000000000005126").payment_intent
    seen = len(stripe_server.deliveries())

    refund = stripe_client.v1.refunds.create(params={"payment_intent": intent.id})

    assert refund.status == "succeeded"  # the failure comes afterwards, as a webhook
    assert [e["type"] for e in events_since(stripe_server, seen)] == [
        "charge.refunded",
        "refund.created",
        "refund.updated",
        "charge.refund.updated",
        "refund.failed",
    ]
    assert stripe_client.v1.refunds.retrieve(refund.id).failure_reason == "declined"
    assert stripe_client.v1.charges.retrieve(intent.latest_charge).amount_refunded == 0


def sdk_statuses() -> set[str]:
    """The dispute statuses stripe-python declares at its pinned API version."""
    import typing

    from stripe._dispute import Dispute

    (literal, _) = typing.get_args(Dispute.__annotations__["status"])
    return set(typing.get_args(literal))


def test_an_inquiry_takes_no_money_until_it_is_escalated(charge_id, stripe_server, stripe_client):
    seen = len(stripe_server.deliveries())

    inquiry = stripe_server.dispute(charge_id, "general", inquiry=True)
    assert inquiry["status"] == "warning_needs_response"
    assert inquiry["balance_transactions"] == []
    stripe_server.escalate(inquiry["id"])

    events = events_since(stripe_server, seen)
    assert [e["type"] for e in events] == [
        "charge.dispute.created",
        "charge.dispute.updated",
        "charge.dispute.funds_withdrawn",
    ]
    assert events[1]["data"]["previous_attributes"] == {"status": "warning_needs_response"}
    escalated = stripe_client.v1.disputes.retrieve(inquiry["id"])
    assert escalated.status == "needs_response"
    assert [t.amount for t in escalated.balance_transactions] == [-2500]


def test_an_inquiry_closes_without_a_chargeback(charge_id, stripe_server, stripe_client):
    inquiry = stripe_server.dispute(charge_id, "general", inquiry=True)
    with pytest.raises(AssertionError, match="An inquiry closes as warning_closed"):
        stripe_server.close_dispute(inquiry["id"], "won")
    seen = len(stripe_server.deliveries())

    stripe_server.close_dispute(inquiry["id"], "warning_closed")

    (event,) = events_since(stripe_server, seen)
    assert (event["type"], event["data"]["object"]["status"]) == (
        "charge.dispute.closed",
        "warning_closed",
    )
    with pytest.raises(AssertionError, match="Only an inquiry can be escalated"):
        stripe_server.escalate(inquiry["id"])


@pytest.mark.parametrize("outcome", ["won", "lost"])
def test_a_lost_chargeback_can_be_appealed_and_the_appeal_won_or_lost(
    charge_id, stripe_server, stripe_client, outcome
):
    dispute = stripe_server.dispute(charge_id)
    stripe_server.close_dispute(dispute["id"], "lost")
    seen = len(stripe_server.deliveries())

    appealed = stripe_server.appeal(dispute["id"])
    stripe_client.v1.disputes.update(
        dispute["id"],
        params={"evidence": {"appeal": {"card": {"reason_for_filing": "Signed receipt"}}}},
    )
    under_review = stripe_client.v1.disputes.retrieve(dispute["id"])
    stripe_server.close_dispute(dispute["id"], outcome)

    assert appealed["status"] == "appeal_needs_response"
    assert under_review.status == "appeal_under_review"
    events = events_since(stripe_server, seen)
    expected = ["charge.dispute.updated", "charge.dispute.updated", "charge.dispute.closed"]
    expected += ["charge.dispute.funds_reinstated"] if outcome == "won" else []
    assert [e["type"] for e in events] == expected
    assert events[2]["data"]["previous_attributes"] == {"status": "appeal_under_review"}
    moved = [
        t.amount for t in stripe_client.v1.disputes.retrieve(dispute["id"]).balance_transactions
    ]
    assert moved == ([-2500, 2500] if outcome == "won" else [-2500])
    with pytest.raises(AssertionError, match="Only a lost chargeback can be appealed"):
        stripe_server.appeal(dispute["id"])


def test_evidence_submitted_through_the_api_puts_the_dispute_under_review(
    charge_id, stripe_server, stripe_client
):
    dispute = stripe_server.dispute(charge_id)

    staged = stripe_client.v1.disputes.update(
        dispute["id"], params={"evidence": {"uncategorized_text": "A gift"}, "submit": False}
    )
    submitted = stripe_client.v1.disputes.update(dispute["id"], params={"submit": True})

    assert staged.status == "needs_response" and staged.evidence.uncategorized_text == "A gift"
    assert submitted.status == "under_review"
    assert submitted.evidence_details.submission_count == 1
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.disputes.update(dispute["id"], params={"evidence": {"receipt": "file_1"}})
    assert "does not implement" in caught.value.user_message


def test_closing_a_chargeback_through_the_api_accepts_it_as_lost(
    charge_id, stripe_server, stripe_client
):
    dispute = stripe_server.dispute(charge_id)

    closed = stripe_client.v1.disputes.close(dispute["id"])

    assert closed.status == "lost"
    assert json.loads(stripe_server.deliveries()[-1]["payload"])["type"] == "charge.dispute.closed"


def test_every_dispute_status_the_server_uses_is_one_of_the_pinned_versions(
    charge_id, paid_session, stripe_server, stripe_client
):
    from stripe_testserver import disputes

    used = {*disputes.NEEDS_RESPONSE, *disputes.UNDER_REVIEW.values(), *disputes.CLOSED}
    assert used <= sdk_statuses()
    assert {"appeal_needs_response", "appeal_under_review"} <= sdk_statuses()
