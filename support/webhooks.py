"""Stripe events: recorded once, then applied by re-fetching the objects they name."""

import logging
from datetime import UTC, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from support import emails, stripe_gateway
from support.models import Donation, Frequency, OutboundEmail, Payment, StripeEvent
from support.money import from_cents
from support.services import donor_upsert, support_snapshot_invalidate

logger = logging.getLogger(__name__)

SUBSCRIPTION_STATUS = {
    "active": Donation.Status.ACTIVE,
    "trialing": Donation.Status.ACTIVE,
    "past_due": Donation.Status.PAST_DUE,
    "unpaid": Donation.Status.PAST_DUE,
    "canceled": Donation.Status.CANCELLED,
    "incomplete_expired": Donation.Status.CANCELLED,
}
FINAL = {Donation.Status.CANCELLED, Donation.Status.REFUNDED}
INTERVAL_FREQUENCY = {"month": Frequency.MONTHLY, "year": Frequency.ANNUAL}


def stripe_event_record(*, event: dict) -> StripeEvent | None:
    """Store a verified event once; return None when it was already recorded."""
    try:
        with transaction.atomic():
            return StripeEvent.objects.create(
                event_id=event["id"], type=event["type"], payload=event
            )
    except IntegrityError:
        return None


def stripe_event_process(*, event_pk: int) -> None:
    """Apply one recorded event, once; unknown types are marked done and ignored."""
    with transaction.atomic():
        record = StripeEvent.objects.select_for_update().get(pk=event_pk)
        if record.processed_at:
            return
        handler = HANDLERS.get(record.type)
        if handler:
            handler(record.payload["data"]["object"])
        record.processed_at = timezone.now()
        record.error = ""
        record.save(update_fields=["processed_at", "error"])
    support_snapshot_invalidate()


def _donation_locked(**lookup) -> Donation | None:
    return Donation.objects.select_for_update().filter(**lookup).first()


def _donation_for_subscription(subscription) -> Donation | None:
    donation = _donation_locked(stripe_subscription_id=subscription["id"])
    if donation is None:
        donation_id = (subscription.get("metadata") or {}).get("donation_id")
        donation = _donation_locked(pk=donation_id) if str(donation_id).isdigit() else None
    if donation is None:
        logger.warning("No donation for Stripe subscription %s", subscription["id"])
    return donation


def _apply_subscription(donation: Donation, subscription) -> None:
    """Make the donation follow the subscription, allowing only sensible transitions."""
    donation.stripe_subscription_id = subscription["id"]
    status = SUBSCRIPTION_STATUS.get(subscription["status"])
    if status and donation.status not in FINAL:
        donation.status = status
    if status == Donation.Status.CANCELLED and not donation.cancelled_at:
        donation.cancelled_at = _timestamp(subscription.get("canceled_at")) or timezone.now()
    items = (subscription.get("items") or {}).get("data") or []
    if items:
        price = items[0]["price"]
        donation.amount = from_cents(price["unit_amount"])
        interval = (price.get("recurring") or {}).get("interval")
        donation.frequency = INTERVAL_FREQUENCY.get(interval, donation.frequency)
        period_end = items[0].get("current_period_end") or subscription.get("current_period_end")
        donation.current_period_end = _timestamp(period_end)
    if subscription.get("customer") and donation.donor_id is None:
        donation.donor = donor_upsert(email=donation.email, customer_id=subscription["customer"])
    donation.save()


def on_checkout_session_completed(obj) -> None:
    session = stripe_gateway.retrieve_checkout_session(obj["id"])
    donation_id = session.get("client_reference_id") or (session.get("metadata") or {}).get(
        "donation_id"
    )
    donation = _donation_locked(pk=donation_id) if str(donation_id).isdigit() else None
    if donation is None:
        logger.warning("Checkout session %s names no donation of ours", session["id"])
        return
    details = session.get("customer_details") or {}
    donation.donor = donor_upsert(
        email=details.get("email") or session.get("customer_email") or donation.email,
        customer_id=session.get("customer"),
    )
    donation.stripe_checkout_session_id = session["id"]
    if session["mode"] == "subscription" and session.get("subscription"):
        _apply_subscription(donation, stripe_gateway.retrieve_subscription(session["subscription"]))
        return
    if session.get("payment_status") == "paid":
        donation.stripe_payment_intent_id = session.get("payment_intent")
        if donation.status in (Donation.Status.PENDING, Donation.Status.ABANDONED):
            donation.status = Donation.Status.PAID
        donation.save()
        payment, created = Payment.objects.get_or_create(
            stripe_payment_intent_id=session.get("payment_intent"),
            defaults={
                "donation": donation,
                "kind": Payment.Kind.ONE_TIME,
                "amount": from_cents(session["amount_total"]),
                "currency": session["currency"],
                "paid_at": _timestamp(session.get("created")) or timezone.now(),
            },
        )
        if created:
            _sync_refunds(payment)
            emails.queue(kind=OutboundEmail.Kind.RECEIPT, donation=donation, payment=payment)
    else:
        donation.save()


def _invoice_and_donation(invoice_id: str):
    """Re-fetch an invoice and bring its gift up to date; None when it is not one of ours."""
    invoice = stripe_gateway.retrieve_invoice(invoice_id)
    subscription_id = _invoice_subscription_id(invoice)
    if not subscription_id:
        return None
    subscription = stripe_gateway.retrieve_subscription(subscription_id)
    donation = _donation_for_subscription(subscription)
    if donation is None:
        return None
    _apply_subscription(donation, subscription)
    return invoice, donation


def on_invoice_paid(obj) -> None:
    found = _invoice_and_donation(obj["id"])
    if found is None:
        return
    invoice, donation = found
    paid_at = (invoice.get("status_transitions") or {}).get("paid_at")
    payment, created = Payment.objects.get_or_create(
        stripe_invoice_id=invoice["id"],
        defaults={
            "donation": donation,
            "kind": Payment.Kind.INITIAL
            if invoice.get("billing_reason") == "subscription_create"
            else Payment.Kind.RENEWAL,
            "amount": from_cents(invoice["amount_paid"]),
            "currency": invoice["currency"],
            "paid_at": _timestamp(paid_at) or timezone.now(),
            "stripe_payment_intent_id": _invoice_payment_intent_id(invoice),
            "stripe_charge_id": invoice.get("charge") or None,
        },
    )
    if created:
        _sync_refunds(payment)
        emails.queue(kind=OutboundEmail.Kind.RECEIPT, donation=donation, payment=payment)


def on_invoice_payment_failed(obj) -> None:
    found = _invoice_and_donation(obj["id"])
    if found is None:
        return
    _, donation = found
    emails.queue(kind=OutboundEmail.Kind.PAYMENT_FAILED, donation=donation)


def on_subscription_changed(obj) -> None:
    subscription = stripe_gateway.retrieve_subscription(obj["id"])
    donation = _donation_for_subscription(subscription)
    if donation is not None:
        _apply_subscription(donation, subscription)


def on_charge_refunded(obj) -> None:
    charge = stripe_gateway.retrieve_charge(obj["id"])
    lookup = {"stripe_charge_id": charge["id"]}
    payment = Payment.objects.select_for_update().filter(**lookup).first()
    if payment is None and charge.get("payment_intent"):
        payment = (
            Payment.objects.select_for_update()
            .filter(stripe_payment_intent_id=charge["payment_intent"])
            .first()
        )
    if payment is None:
        # The payment is not recorded yet; _sync_refunds applies this refund when it is.
        logger.warning("Refund for charge %s matches no payment yet", charge["id"])
        return
    _apply_refund(payment, charge)


def _sync_refunds(payment: Payment) -> None:
    """Apply refunds made before a new payment was recorded (their events matched nothing)."""
    charge_id = payment.stripe_charge_id
    if not charge_id and payment.stripe_payment_intent_id:
        intent = stripe_gateway.retrieve_payment_intent(payment.stripe_payment_intent_id)
        charge_id = intent.get("latest_charge")
        charge_id = charge_id.get("id") if isinstance(charge_id, dict) else charge_id
    if charge_id:
        _apply_refund(payment, stripe_gateway.retrieve_charge(charge_id))


def _apply_refund(payment: Payment, charge) -> None:
    refunded = min(payment.amount, from_cents(charge.get("amount_refunded") or 0))
    if refunded > payment.refunded_amount or not payment.stripe_charge_id:
        payment.refunded_amount = max(refunded, payment.refunded_amount)
        payment.stripe_charge_id = payment.stripe_charge_id or charge["id"]
        payment.save()
    donation = payment.donation
    if donation.frequency == Frequency.ONCE and payment.refunded_amount == payment.amount:
        Donation.objects.filter(pk=donation.pk).update(status=Donation.Status.REFUNDED)


def _invoice_subscription_id(invoice) -> str | None:
    parent = invoice.get("parent") or {}
    details = parent.get("subscription_details") or {}
    subscription = details.get("subscription") or invoice.get("subscription")
    if isinstance(subscription, dict):
        return subscription.get("id")
    return subscription


def _invoice_payment_intent_id(invoice) -> str | None:
    if invoice.get("payment_intent"):
        return invoice["payment_intent"]
    for entry in (invoice.get("payments") or {}).get("data") or []:
        intent = (entry.get("payment") or {}).get("payment_intent")
        if intent:
            return intent if isinstance(intent, str) else intent.get("id")
    return None


def _timestamp(value) -> datetime | None:
    return datetime.fromtimestamp(value, tz=UTC) if value else None


HANDLERS = {
    "checkout.session.completed": on_checkout_session_completed,
    "invoice.paid": on_invoice_paid,
    "invoice.payment_failed": on_invoice_payment_failed,
    "customer.subscription.updated": on_subscription_changed,
    "customer.subscription.deleted": on_subscription_changed,
    "charge.refunded": on_charge_refunded,
}


def unprocessed_event_ids(*, older_than_seconds: int = 120) -> list[int]:
    cutoff = timezone.now() - timezone.timedelta(seconds=older_than_seconds)
    return list(
        StripeEvent.objects.filter(processed_at__isnull=True, received_at__lt=cutoff)
        .order_by("received_at")
        .values_list("pk", flat=True)[:500]
    )


def enqueue_processing(record: StripeEvent, task) -> None:
    """Process the event on a worker once this request's transaction commits."""

    def send():
        try:
            task.delay(record.pk)
        except OperationalError:
            logger.warning("Broker unavailable; event %s left for the sweep", record.event_id)

    transaction.on_commit(send)


def mark_ignored(record: StripeEvent) -> None:
    StripeEvent.objects.filter(pk=record.pk).update(processed_at=timezone.now())
