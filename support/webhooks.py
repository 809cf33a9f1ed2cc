"""Stripe events: recorded once, then applied by re-fetching the objects they name.

Subscribe the webhook endpoint to exactly the types in HANDLERS (the README lists them).
Each handler first asks Stripe (no row locked), then applies the answer through
support.ledger inside one transaction that also marks the event processed. An event about
an object of no gift of this site's is marked processed with the reason it was ignored.
"""

import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from newsroom.queue import after_commit
from support import ledger, stripe_gateway
from support.models import StripeEvent
from support.services import goal_changed
from support.stripe_gateway import EventObject

logger = logging.getLogger(__name__)
PROCESS = "support.tasks.process_stripe_event"

MAX_ATTEMPTS = 8
SWEEP_GRACE = timedelta(minutes=2)
FETCHES = 4  # tries to fetch an answer no other worker overtook before the task retries
IGNORED_TYPE = "Not a type the ledger follows."


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
    handler = HANDLERS.get(record.type)
    if handler is None:
        return _finish(event_pk, IGNORED_TYPE)
    named = stripe_gateway.event_object(record.payload)
    return fetched_then_applied(
        ledger.gifts_named(**named.gift_ids()),
        fetch=lambda: handler.fetch(named),
        apply=lambda facts, seen: _apply(event_pk, handler, facts, seen, named),
    )


def fetched_then_applied(gifts: set[int], *, fetch, apply):
    """Ask Stripe with no transaction open, then write; ask again if a gift moved meanwhile.

    The gifts' versions are read before each fetch; a write finding one changed since
    (another worker applied a newer answer) raises StaleFetch, and the answer is fetched
    again rather than written over the newer one. After FETCHES tries the StaleFetch goes
    to the task, which retries later.
    """
    for _ in range(FETCHES):
        seen = ledger.versions(gifts)
        facts = fetch()
        try:
            return apply(facts, seen)
        except ledger.StaleFetch as stale:
            gifts = gifts | stale.donation_ids
    raise ledger.StaleFetch(gifts)


def _apply(event_pk: int, handler, facts, seen, named) -> bool:
    with transaction.atomic():
        locked = StripeEvent.objects.select_for_update().get(pk=event_pk)
        if locked.processed_at:
            return False
        reason = ""
        try:
            with transaction.atomic():
                handler.apply(facts, seen, named)
        except ledger.NotOurs as exc:
            reason = str(exc)
        _mark_processed(locked, reason)
    goal_changed()
    return True


def _finish(event_pk: int, reason: str) -> bool:
    with transaction.atomic():
        locked = StripeEvent.objects.select_for_update().get(pk=event_pk)
        if locked.processed_at:
            return False
        _mark_processed(locked, reason)
    return True


def _mark_processed(record: StripeEvent, reason: str) -> None:
    record.processed_at = timezone.now()
    record.next_attempt_at = None
    record.ignored_reason = reason[:300]
    record.save(update_fields=["processed_at", "next_attempt_at", "ignored_reason"])


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
    with transaction.atomic():
        pks = list(
            StripeEvent.objects.filter(pk__in=event_pks, processed_at__isnull=True).values_list(
                "pk", flat=True
            )
        )
        StripeEvent.objects.filter(pk__in=pks).update(
            failed_at=None, attempts=0, next_attempt_at=None
        )
        after_commit(PROCESS, [(pk,) for pk in pks])
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
    after_commit(PROCESS, [(record.pk,)])


def mark_ignored(record: StripeEvent) -> None:
    StripeEvent.objects.filter(pk=record.pk).update(
        processed_at=timezone.now(), ignored_reason=IGNORED_TYPE
    )


@dataclass(frozen=True)
class Handler:
    """One event type: how to ask Stripe about what it names, and how to apply the answer."""

    fetch: Callable[[EventObject], object]  # asks Stripe (no transaction open)
    apply: Callable[[object, dict, EventObject], None]  # (facts, seen versions, named)


def _checkout(named: EventObject):
    checkout = stripe_gateway.checkout_facts(named.checkout_session_id)
    sub = checkout.subscription_id and stripe_gateway.subscription_facts(checkout.subscription_id)
    return checkout, sub or None


def _apply_checkout(facts, seen, named: EventObject, *, failed=False):
    ledger.donation_apply_checkout(
        checkout=facts[0],
        subscription=facts[1],
        seen=seen,
        paid_at=named.payment_announced_at,
        payment_failed=failed,
    )


def _subscription(subscription_id: str):
    # A subscription not linked to a gift yet is traced to the Checkout Session that made it.
    find = not ledger.knows_subscription(subscription_id)
    return stripe_gateway.subscription_facts(subscription_id, find_checkout=find)


def _invoice(named: EventObject):
    invoice = stripe_gateway.invoice_facts(named.object_id)
    if not invoice.subscription_id:
        return invoice, None
    return invoice, _subscription(invoice.subscription_id)


def _apply_invoice(facts, seen, named: EventObject):
    invoice, subscription = facts
    if subscription is None:
        raise ledger.NotOurs(f"Invoice {invoice.invoice_id} is not a subscription's.")
    if named.event_type == "invoice.payment_failed":
        ledger.invoice_payment_failed(invoice=invoice, subscription=subscription, seen=seen)
    else:
        ledger.payment_record_invoice(invoice=invoice, subscription=subscription, seen=seen)


def _charge(named: EventObject):
    return stripe_gateway.charge_facts(named.charge_id) if named.charge_id else None


def _apply_charge(charge, seen, named: EventObject):
    if charge is None:
        raise ledger.NotOurs(f"{named.event_type} {named.object_id} names no charge.")
    ledger.payment_apply_charge(charge=charge, seen=seen)


CHECKOUT = Handler(_checkout, _apply_checkout)
INVOICE = Handler(_invoice, _apply_invoice)
SUBSCRIPTION = Handler(
    lambda named: _subscription(named.subscription_id),
    lambda facts, seen, named: ledger.donation_apply_subscription(subscription=facts, seen=seen),
)
CHARGE = Handler(_charge, _apply_charge)
HANDLERS = {
    "checkout.session.completed": CHECKOUT,
    "checkout.session.async_payment_succeeded": CHECKOUT,
    "checkout.session.async_payment_failed": Handler(
        _checkout, partial(_apply_checkout, failed=True)
    ),
    "checkout.session.expired": CHECKOUT,
    "invoice.paid": INVOICE,
    "invoice.payment_failed": INVOICE,
    "customer.subscription.updated": SUBSCRIPTION,
    "customer.subscription.deleted": SUBSCRIPTION,
    "charge.refunded": CHARGE,
    "charge.refund.updated": CHARGE,
    "refund.created": CHARGE,
    "refund.updated": CHARGE,
    "refund.failed": CHARGE,
    "charge.dispute.created": CHARGE,
    "charge.dispute.updated": CHARGE,
    "charge.dispute.closed": CHARGE,
    "charge.dispute.funds_withdrawn": CHARGE,
    "charge.dispute.funds_reinstated": CHARGE,
}


def payment_sync(*, payment_id: int) -> None:
    """Look up a payment's charge, refunds and disputes at Stripe and apply them.

    Run once a payment is first recorded: a refund or dispute whose event came earlier
    matched nothing then. Also backfills the ids of payments recorded without them.
    """
    from support.models import Payment

    donation_id = Payment.objects.filter(pk=payment_id).values_list("donation_id", flat=True)
    if not donation_id:
        return

    def fetch():
        payment = Payment.objects.get(pk=payment_id)
        intent_id, charge_id = payment.stripe_payment_intent_id, payment.stripe_charge_id
        if payment.stripe_invoice_id and not intent_id:
            invoice = stripe_gateway.invoice_facts(payment.stripe_invoice_id)
            intent_id, charge_id = invoice.payment_intent_id, charge_id or invoice.charge_id
        if intent_id and not charge_id:
            charge_id = stripe_gateway.payment_intent_charge_id(intent_id)
        return intent_id or "", stripe_gateway.charge_facts(charge_id) if charge_id else None

    fetched_then_applied(
        set(donation_id),
        fetch=fetch,
        apply=lambda facts, seen: ledger.payment_sync_apply(
            payment_id=payment_id, payment_intent_id=facts[0], charge=facts[1], seen=seen
        ),
    )
    goal_changed()
