"""Payments: recorded once, given their Stripe ids, and kept as refunds and disputes leave
them; and the emails owed about them."""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from newsroom.queue import after_commit
from support import emails
from support.ledger.gifts import NotOurs, Seen, locked, saved
from support.models import Donation, Frequency, Payment
from support.stripe_gateway import ChargeFacts

Status = Donation.Status
# A gift's end told late (its address came after the cancellation) is still worth telling;
# weeks later it is not.
NOTICE_WINDOW = timedelta(days=30)


def payment_fill_ids(*, payment: Payment, payment_intent_id: str, charge_id: str = "") -> None:
    """Give a payment the Stripe ids refunds and disputes are matched by, when it lacks them."""
    changed = []
    if payment_intent_id and not payment.stripe_payment_intent_id:
        payment.stripe_payment_intent_id = payment_intent_id
        changed.append("stripe_payment_intent_id")
    if charge_id and not payment.stripe_charge_id:
        payment.stripe_charge_id = charge_id
        changed.append("stripe_charge_id")
    if changed:
        payment.save(update_fields=changed)


@transaction.atomic
def payment_apply_charge(*, charge: ChargeFacts, seen: Seen) -> Payment:
    """Make a payment's refunds and disputes what Stripe says now."""
    match = Q(stripe_charge_id=charge.charge_id)
    if charge.payment_intent_id:
        match |= Q(stripe_payment_intent_id=charge.payment_intent_id)
    found = Payment.objects.filter(match).values_list("pk", "donation_id").first()
    if found is None:
        raise NotOurs(
            f"Charge {charge.charge_id} is no payment of a gift here (a payment recorded "
            "later looks its charge up itself)."
        )
    donation = locked(Q(pk=found[1]), seen)  # the gift first, as every write locks them
    payment = Payment.objects.select_for_update().get(pk=found[0])
    _charge_onto(payment, charge)
    if donation.frequency == Frequency.ONCE:
        fully = payment.refunded_amount == payment.amount
        if fully and donation.status == Status.PAID:
            donation.status = Status.REFUNDED
        elif not fully and donation.status == Status.REFUNDED:
            donation.status = Status.PAID  # the refund failed: the money is back
    saved(donation, seen)
    return payment


@transaction.atomic
def payment_sync_apply(
    *, payment_id: int, payment_intent_id: str, charge: ChargeFacts | None, seen: Seen
) -> None:
    """Fill a payment's ids and apply its charge, as `webhooks.payment_sync` found them."""
    donation_id = Payment.objects.filter(pk=payment_id).values_list("donation_id", flat=True)
    donation = locked(Q(pk__in=donation_id), seen)
    if donation is None:
        return
    payment = Payment.objects.select_for_update().get(pk=payment_id)
    payment_fill_ids(
        payment=payment,
        payment_intent_id=payment_intent_id,
        charge_id=charge.charge_id if charge else "",
    )
    saved(donation, seen)
    if charge is not None:
        payment_apply_charge(charge=charge, seen=seen)


def _charge_onto(payment: Payment, charge: ChargeFacts) -> None:
    payment.stripe_charge_id = charge.charge_id
    payment.card_brand = charge.card_brand or payment.card_brand
    payment.card_last4 = charge.card_last4 or payment.card_last4
    payment.card_exp_month = charge.card_exp_month or payment.card_exp_month
    payment.card_exp_year = charge.card_exp_year or payment.card_exp_year
    dispute = charge.disputes[0] if charge.disputes else None
    payment.dispute_status = dispute.outcome if dispute else Payment.Dispute.NONE
    room = payment.amount - min(payment.amount, charge.refunded)
    taken = dispute.amount if dispute and dispute.money_gone else Decimal("0")
    payment.charged_back_amount = min(taken, room)
    payment.refunded_amount = payment.amount - room
    payment.save()


@transaction.atomic
def emails_owe(*, donation: Donation) -> int:
    """Owe what a gift's donor was not told while no address was known: a receipt for each
    payment that has none, and that the gift ended. Return how many were owed."""
    if not donation.address:
        return 0
    owed = sum(
        emails.owe(kind=emails.RECEIPT, donation=donation, payment=payment)
        for payment in Payment.objects.filter(donation=donation)
    )
    recently = donation.cancelled_at and donation.cancelled_at > timezone.now() - NOTICE_WINDOW
    if recently:
        owed += emails.owe(kind=emails.GIFT_ENDED, donation=donation)
    return owed


def payment_record(donation, *, lookup, kind, amount, currency, paid_at) -> Payment:
    payment, created = Payment.objects.get_or_create(
        **lookup,
        defaults={
            "donation": donation,
            "kind": kind,
            "amount": amount,
            "currency": currency,
            "paid_at": paid_at or timezone.now(),
        },
    )
    if created:
        # Refunds or disputes that came before this row matched nothing: look them up.
        after_commit("support.tasks.sync_payment", [(payment.pk,)])
    return payment
