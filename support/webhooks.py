"""Stripe events: recorded once, then applied by re-fetching the objects they name.

Subscribe the webhook endpoint to exactly the types in HANDLERS (the README lists them).
Each handler first asks Stripe (no row locked), then applies the answer through
support.ledger inside one transaction that also marks the event processed.
"""

import logging
import traceback
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from support import ledger, stripe_gateway
from support.enqueue import after_commit
from support.models import StripeEvent
from support.services import goal_changed

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
SWEEP_GRACE = timedelta(minutes=2)


def stripe_event_record(*, event: dict) -> StripeEvent | None:
    """Store a verified event once; return None when it was already recorded."""
    try:
        with transaction.atomic():
            return StripeEvent.objects.create(
                event_id=event["id"],
                type=event["type"],
                payload=event,
                # Until a worker takes it, the sweep counts it as due two minutes from now.
                next_attempt_at=timezone.now() + SWEEP_GRACE,
            )
    except IntegrityError:
        return None


def stripe_event_process(*, event_pk: int) -> bool:
    """Apply one recorded event once; return False when there was nothing left to do."""
    record = StripeEvent.objects.filter(pk=event_pk, processed_at__isnull=True).first()
    if record is None:
        return False
    fetch, apply = HANDLERS.get(record.type, (None, None))
    facts = fetch(record.payload["data"]["object"]) if fetch else None
    with transaction.atomic():
        locked = StripeEvent.objects.select_for_update().get(pk=event_pk)
        if locked.processed_at:
            return False
        if apply and facts is not None:
            apply(facts)
        locked.processed_at = timezone.now()
        locked.next_attempt_at = None
        locked.save(update_fields=["processed_at", "next_attempt_at"])
    goal_changed()
    return True


def stripe_event_record_failure(*, event_pk: int, error: BaseException) -> bool:
    """Record a failed attempt in a transaction of its own; return True once given up."""
    with transaction.atomic():
        record = StripeEvent.objects.select_for_update().filter(pk=event_pk).first()
        if record is None or record.processed_at:
            return True
        record.attempts += 1
        record.error = "".join(traceback.format_exception_only(error)).strip()[:2000]
        now = timezone.now()
        # Back off, so an event that keeps failing waits its turn behind newer ones.
        record.next_attempt_at = now + timedelta(seconds=min(3600, 30 * 2**record.attempts))
        if record.attempts >= MAX_ATTEMPTS:
            record.failed_at = now
        record.save(update_fields=["attempts", "error", "next_attempt_at", "failed_at"])
        return record.failed_at is not None


def stripe_events_retry(*, event_pks) -> int:
    """Give failed events a fresh start (the admin's retry action) and queue them."""
    from support.tasks import process_stripe_event

    with transaction.atomic():
        pks = list(
            StripeEvent.objects.filter(pk__in=event_pks, processed_at__isnull=True).values_list(
                "pk", flat=True
            )
        )
        StripeEvent.objects.filter(pk__in=pks).update(
            failed_at=None, attempts=0, next_attempt_at=None
        )
        after_commit(process_stripe_event, [(pk,) for pk in pks])
    return len(pks)


def due_event_ids(*, limit: int = 500) -> list[int]:
    """Unprocessed events whose turn has come, those waiting longest first."""
    now = timezone.now()
    return list(
        StripeEvent.objects.filter(processed_at__isnull=True, failed_at__isnull=True)
        .filter(Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True))
        .order_by(F("next_attempt_at").asc(nulls_first=True), "pk")
        .values_list("pk", flat=True)[:limit]
    )


def enqueue_processing(record: StripeEvent) -> None:
    """Process the event on a worker once this request's transaction commits."""
    from support.tasks import process_stripe_event

    after_commit(process_stripe_event, [(record.pk,)])


def mark_ignored(record: StripeEvent) -> None:
    StripeEvent.objects.filter(pk=record.pk).update(processed_at=timezone.now())


# Each event type: (ask Stripe, apply the answer). The object in the event only names
# what to ask about; its contents may be stale by the time the event is processed.
def _checkout(obj):
    checkout = stripe_gateway.checkout_facts(obj["id"])
    sub = checkout.subscription_id and stripe_gateway.subscription_facts(checkout.subscription_id)
    return checkout, sub or None


def _invoice(obj):
    invoice = stripe_gateway.invoice_facts(obj["id"])
    if not invoice.subscription_id:
        return None  # not a gift's invoice
    return invoice, stripe_gateway.subscription_facts(invoice.subscription_id)


def _charge_of_refund(obj):
    return stripe_gateway.charge_facts(obj["charge"]) if obj.get("charge") else None


def _charge_of_dispute(obj):
    dispute = stripe_gateway.dispute_facts(obj["id"])
    return stripe_gateway.charge_facts(dispute.charge_id) if dispute.charge_id else None


def _apply_checkout(facts):
    ledger.donation_apply_checkout(checkout=facts[0], subscription=facts[1])


def _apply_async_failure(facts):
    ledger.donation_apply_checkout(checkout=facts[0], subscription=facts[1])
    ledger.donation_mark_payment_failed(checkout=facts[0])


def _apply_charge(charge):
    if ledger.payment_apply_charge(charge=charge) is None:
        # Not recorded yet: the payment's own sync looks refunds up once it is.
        logger.info("Charge %s matches no payment yet", charge.charge_id)


HANDLERS = {
    "checkout.session.completed": (_checkout, _apply_checkout),
    "checkout.session.async_payment_succeeded": (_checkout, _apply_checkout),
    "checkout.session.async_payment_failed": (_checkout, _apply_async_failure),
    "checkout.session.expired": (_checkout, _apply_checkout),
    "invoice.paid": (
        _invoice,
        lambda f: ledger.payment_record_invoice(invoice=f[0], subscription=f[1]),
    ),
    "invoice.payment_failed": (
        _invoice,
        lambda f: ledger.invoice_payment_failed(subscription=f[1]),
    ),
    "customer.subscription.updated": (
        lambda obj: stripe_gateway.subscription_facts(obj["id"]),
        lambda f: ledger.donation_apply_subscription(subscription=f),
    ),
    "customer.subscription.deleted": (
        lambda obj: stripe_gateway.subscription_facts(obj["id"]),
        lambda f: ledger.donation_apply_subscription(subscription=f),
    ),
    "charge.refunded": (lambda obj: stripe_gateway.charge_facts(obj["id"]), _apply_charge),
    "charge.refund.updated": (_charge_of_refund, _apply_charge),
    "refund.created": (_charge_of_refund, _apply_charge),
    "refund.updated": (_charge_of_refund, _apply_charge),
    "refund.failed": (_charge_of_refund, _apply_charge),
    "charge.dispute.created": (_charge_of_dispute, _apply_charge),
    "charge.dispute.updated": (_charge_of_dispute, _apply_charge),
    "charge.dispute.closed": (_charge_of_dispute, _apply_charge),
}


def payment_sync(*, payment_id: int) -> None:
    """Look up a payment's charge, refunds and disputes at Stripe and apply them.

    Run once a payment is first recorded: a refund or dispute whose event came earlier
    matched nothing then. Also backfills the ids of payments recorded without them.
    """
    from support.models import Payment

    payment = Payment.objects.filter(pk=payment_id).first()
    if payment is None:
        return
    intent_id, charge_id = payment.stripe_payment_intent_id, payment.stripe_charge_id
    if payment.stripe_invoice_id and not intent_id:
        invoice = stripe_gateway.invoice_facts(payment.stripe_invoice_id)
        intent_id, charge_id = invoice.payment_intent_id, charge_id or invoice.charge_id
    if intent_id and not charge_id:
        charge_id = stripe_gateway.payment_intent_charge_id(intent_id)
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment_id)
        ledger.payment_fill_ids(payment=locked, payment_intent_id=intent_id or "")
    if charge_id:
        ledger.payment_apply_charge(charge=stripe_gateway.charge_facts(charge_id))
        goal_changed()
