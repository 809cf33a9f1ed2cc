"""Drill: Stripe redelivers four hundred events, duplicated and out of order."""

import random
from decimal import Decimal

import pytest
from django.core import mail
from django.db import transaction

from outbox.models import Email
from support import services, stripe_gateway
from support.models import Donation, Frequency, Payment, StripeEvent

pytestmark = pytest.mark.django_db

TOTAL_DELIVERIES = 400
SUBSCRIPTIONS, ONE_TIME, RENEWED, EACH = 20, 10, 8, 4  # about 260 distinct events


def gift(stripe_server, n, frequency, amount):
    donation = services.donation_create_pending(
        amount=amount, frequency=frequency, email=f"replay{n}@example.org",
        placement="end_of_article",
    )  # fmt: skip
    services.checkout_session_start(
        donation=donation, success_url="http://testserver/thanks/", cancel_url="http://testserver/"
    )
    donation.refresh_from_db()
    stripe_server.pay(donation.stripe_checkout_session_id)
    return stripe_gateway.retrieve_checkout_session(donation.stripe_checkout_session_id)


def build_history(stripe_server) -> list[dict]:
    """Give, renew, fail, cancel and refund through the local Stripe server."""
    subscriptions, intents = [], []
    for n in range(SUBSCRIPTIONS):
        frequency = Frequency.MONTHLY if n % 4 else Frequency.ANNUAL
        session = gift(stripe_server, n, frequency, Decimal(5 + n))
        subscriptions.append(session["subscription"])
    for n in range(SUBSCRIPTIONS, SUBSCRIPTIONS + ONE_TIME):
        intents.append(gift(stripe_server, n, Frequency.ONCE, Decimal(10 + n))["payment_intent"])
    for sub in subscriptions[:RENEWED]:
        stripe_server.renew(sub, "paid")
    for sub in subscriptions[RENEWED : RENEWED + EACH]:
        stripe_server.renew(sub, "failed")
    for sub in subscriptions[RENEWED + EACH : RENEWED + 2 * EACH]:
        stripe_gateway.cancel_subscription(sub)
    for intent in intents[:EACH]:
        stripe_gateway.client().v1.refunds.create(params={"payment_intent": intent})
    return stripe_server.deliveries()


def ledger() -> dict:
    ids = Payment.objects.values_list("pk", "stripe_invoice_id", "stripe_payment_intent_id")
    stripe_ids = {pk: (invoice, intent) for pk, invoice, intent in ids}

    def paid_by(payment_id):
        return stripe_ids.get(payment_id, (None, None))

    return {
        "donations": sorted(Donation.objects.values_list(
            "pk", "status", "amount", "frequency", "stripe_subscription_id",
            "stripe_payment_intent_id", "current_period_end", "cancelled_at",
            "donor__email", "donor__stripe_customer_id",
        )),
        "payments": sorted(Payment.objects.values_list(
            "donation_id", "kind", "amount", "refunded_amount", "stripe_invoice_id",
            "stripe_payment_intent_id", "stripe_charge_id", "paid_at",
        ), key=str),
        "emails": sorted((
            (e.kind, e.to, e.context["donation"], *paid_by(e.context.get("payment")), e.status)
            for e in Email.objects.all()
        ), key=str),
        "sent": sorted((m.to[0], m.subject) for m in mail.outbox),
        "events": sorted(StripeEvent.objects.values_list("event_id", "type")),
        "unprocessed": StripeEvent.objects.filter(processed_at__isnull=True).count(),
    }  # fmt: skip


def differences(expected: dict, actual: dict) -> str:
    lines = []
    for key, value in expected.items():
        if isinstance(value, list) and value != actual[key]:
            lines.append(
                f"{key} in order only: {sorted(set(map(str, value)) - set(map(str, actual[key])))}"
            )
            lines.append(
                f"{key} replayed only: {sorted(set(map(str, actual[key])) - set(map(str, value)))}"
            )
    return "\n".join(lines)


def test_four_hundred_duplicated_shuffled_events_end_in_the_same_ledger_as_in_order_delivery(
    stripe_server, deliver, settings
):
    deliveries = build_history(stripe_server)
    unique = len(deliveries)
    assert 220 <= unique <= 300
    rng = random.Random(20240612)
    replay = deliveries + rng.choices(deliveries, k=TOTAL_DELIVERIES - unique)
    rng.shuffle(replay)

    in_order_point = transaction.savepoint()
    deliver(deliveries)
    in_order = ledger()
    transaction.savepoint_rollback(in_order_point)
    mail.outbox.clear()
    assert not StripeEvent.objects.exists()

    deliver(replay)
    replayed = ledger()

    assert len(replay) == TOTAL_DELIVERIES
    assert replayed == in_order, differences(in_order, replayed)
    assert len(replayed["events"]) == unique
    assert replayed["unprocessed"] == 0
    statuses = [row[1] for row in replayed["donations"]]
    assert statuses.count(Donation.Status.CANCELLED) == EACH
    assert statuses.count(Donation.Status.PAST_DUE) == EACH
    assert statuses.count(Donation.Status.REFUNDED) == EACH
    assert len(replayed["payments"]) == SUBSCRIPTIONS + ONE_TIME + RENEWED
