"""The ledger's writes: what Stripe says about a gift, applied under the gift's row lock.

Every function here takes facts already fetched from Stripe (support.stripe_gateway), so
no HTTP call is made while a row is locked. Each applies only the transitions the local
state allows, so events may arrive in any order, twice, or late, and the ledger ends
where Stripe is.
"""

import logging
from decimal import Decimal

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from support import emails
from support.enqueue import after_commit
from support.models import Donation, Donor, Frequency, OutboundEmail, Payment
from support.stripe_gateway import ChargeFacts, CheckoutFacts, InvoiceFacts, SubscriptionFacts

logger = logging.getLogger(__name__)
Status = Donation.Status

SUBSCRIPTION_STATUS = {
    "active": Status.ACTIVE,
    "trialing": Status.ACTIVE,
    "past_due": Status.PAST_DUE,
    "unpaid": Status.PAST_DUE,
    "paused": Status.PAUSED,
    "canceled": Status.CANCELLED,
    "incomplete": Status.PROCESSING,
    "incomplete_expired": Status.FAILED,
}
INTERVAL_FREQUENCY = {"month": Frequency.MONTHLY, "year": Frequency.ANNUAL}
# A gift that has ended stays ended; one not yet paid can still become anything.
ENDED = {Status.CANCELLED}
UNPAID = {Status.PENDING, Status.PROCESSING, Status.ABANDONED, Status.FAILED}


def donor_upsert(*, email: str | None, customer_id: str | None) -> Donor:
    """Return the donor for an email or a Stripe customer, creating or linking as needed.

    The address wins: a donor first known only by a customer id (its payment came before
    its checkout) is folded into the donor who already has the address.
    """
    email = (email or "").strip().lower() or None
    by_email = Donor.objects.filter(email=email).first() if email else None
    by_customer = (
        Donor.objects.filter(stripe_customer_id=customer_id).first() if customer_id else None
    )
    if by_email and by_customer and by_email != by_customer and not by_customer.email:
        by_customer.donations.update(donor=by_email)
        by_customer.delete()
        by_customer = None
    donor = by_email or by_customer
    if donor is None:
        return Donor.objects.create(email=email, stripe_customer_id=customer_id or None)
    changed = False
    if customer_id and not donor.stripe_customer_id and by_customer is None:
        donor.stripe_customer_id, changed = customer_id, True
    if email and not donor.email:
        donor.email, changed = email, True
    if changed:
        donor.save()
    return donor


@transaction.atomic
def donation_apply_checkout(
    *, checkout: CheckoutFacts, subscription: SubscriptionFacts | None = None
) -> Donation | None:
    """Bring a gift up to date with its Checkout Session (completed, async result, expired)."""
    donation = _locked(
        Q(pk=checkout.donation_id) | Q(stripe_checkout_session_id=checkout.session_id)
    )
    if donation is None:
        logger.warning("Checkout session %s names no donation of ours", checkout.session_id)
        return None
    donation.stripe_checkout_session_id = checkout.session_id
    if checkout.email or checkout.customer_id:
        donation.donor = donor_upsert(
            email=checkout.email or donation.email, customer_id=checkout.customer_id
        )
    donation.stripe_customer_id = checkout.customer_id or donation.stripe_customer_id
    if checkout.state == "expired" and donation.status == Status.PENDING:
        donation.status = Status.ABANDONED
    elif subscription is not None:
        _follow_subscription(donation, subscription)
    elif checkout.recurring:
        if checkout.state == "complete" and donation.status == Status.PENDING:
            donation.status = Status.PROCESSING
    elif checkout.paid:
        donation.stripe_payment_intent_id = checkout.payment_intent_id or None
        if donation.status in UNPAID:
            donation.status = Status.PAID
        _payment_record(
            donation,
            lookup={"stripe_payment_intent_id": checkout.payment_intent_id},
            kind=Payment.Kind.ONE_TIME,
            amount=checkout.amount,
            currency=checkout.currency,
            paid_at=checkout.created,
        )
    elif checkout.state == "complete" and donation.status == Status.PENDING:
        donation.status = Status.PROCESSING  # a delayed payment method: not paid yet
    donation.save()
    receipts_owe(donation=donation)
    return donation


@transaction.atomic
def donation_mark_payment_failed(*, checkout: CheckoutFacts) -> None:
    """A delayed payment method failed: the gift was never paid."""
    donation = _locked(Q(pk=checkout.donation_id))
    if donation is None or donation.status not in (Status.PENDING, Status.PROCESSING):
        return
    donation.status = Status.FAILED
    donation.save(update_fields=["status", "updated_at"])
    if not donation.is_recurring:  # a subscription's failure is told by invoice.payment_failed
        emails.queue(kind=OutboundEmail.Kind.PAYMENT_FAILED, donation=donation)


@transaction.atomic
def donation_apply_subscription(*, subscription: SubscriptionFacts) -> Donation | None:
    donation = _locked_for_subscription(subscription)
    if donation is not None:
        _follow_subscription(donation, subscription)
        donation.save()
    return donation


@transaction.atomic
def payment_record_invoice(*, invoice: InvoiceFacts, subscription: SubscriptionFacts) -> None:
    """Record a paid invoice of a recurring gift as one payment, once."""
    donation = _locked_for_subscription(subscription)
    if donation is None:
        return
    _follow_subscription(donation, subscription)
    donation.save()
    if invoice.paid:
        payment = _payment_record(
            donation,
            lookup={"stripe_invoice_id": invoice.invoice_id},
            kind=Payment.Kind.INITIAL if invoice.first else Payment.Kind.RENEWAL,
            amount=invoice.amount,
            currency=invoice.currency,
            paid_at=invoice.paid_at,
        )
        payment_fill_ids(
            payment=payment,
            payment_intent_id=invoice.payment_intent_id,
            charge_id=invoice.charge_id,
        )
    receipts_owe(donation=donation)


@transaction.atomic
def invoice_payment_failed(*, subscription: SubscriptionFacts) -> None:
    donation = _locked_for_subscription(subscription)
    if donation is None:
        return
    _follow_subscription(donation, subscription)
    donation.save()
    emails.queue(kind=OutboundEmail.Kind.PAYMENT_FAILED, donation=donation)


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
def payment_apply_charge(*, charge: ChargeFacts) -> Payment | None:
    """Make a payment's refunds and disputes what Stripe says now; None when not ours."""
    match = Q(stripe_charge_id=charge.charge_id)
    if charge.payment_intent_id:
        match |= Q(stripe_payment_intent_id=charge.payment_intent_id)
    payment = Payment.objects.select_for_update().filter(match).first()
    if payment is None:
        return None
    payment.stripe_charge_id = charge.charge_id
    payment.card_brand = charge.card_brand or payment.card_brand
    payment.card_last4 = charge.card_last4 or payment.card_last4
    dispute = charge.disputes[0] if charge.disputes else None
    payment.dispute_status = dispute.outcome if dispute else Payment.Dispute.NONE
    room = payment.amount - min(payment.amount, charge.refunded)
    payment.charged_back_amount = (
        min(dispute.amount, room) if dispute and dispute.outcome == "lost" else Decimal("0")
    )
    payment.refunded_amount = payment.amount - room
    payment.save()
    donation = Donation.objects.select_for_update().get(pk=payment.donation_id)
    if donation.frequency == Frequency.ONCE:
        fully = payment.refunded_amount == payment.amount
        if fully and donation.status == Status.PAID:
            donation.status = Status.REFUNDED
        elif not fully and donation.status == Status.REFUNDED:
            donation.status = Status.PAID  # the refund failed: the money is back
        donation.save(update_fields=["status", "updated_at"])
    return payment


@transaction.atomic
def receipts_owe(*, donation: Donation) -> int:
    """Owe a receipt for each payment of a gift that has none, once an address is known."""
    if not donation.address:
        return 0
    receipted = OutboundEmail.objects.filter(
        kind=OutboundEmail.Kind.RECEIPT, payment=OuterRef("pk")
    )
    owed = Payment.objects.filter(donation=donation).exclude(Exists(receipted))
    for payment in owed:
        emails.queue(kind=OutboundEmail.Kind.RECEIPT, donation=donation, payment=payment)
    return len(owed)


def _payment_record(donation, *, lookup, kind, amount, currency, paid_at) -> Payment:
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
        from support.tasks import sync_payment

        after_commit(sync_payment, [(payment.pk,)])
    return payment


def _follow_subscription(donation: Donation, subscription: SubscriptionFacts) -> None:
    donation.stripe_subscription_id = subscription.subscription_id
    donation.stripe_customer_id = subscription.customer_id or donation.stripe_customer_id
    status = SUBSCRIPTION_STATUS.get(subscription.status)
    if (
        status
        and donation.status not in ENDED
        # "Not paid yet" says nothing new about a gift that was paid, failed or abandoned.
        and not (status in UNPAID and donation.status not in (Status.PENDING, Status.PROCESSING))
    ):
        donation.status = status
    if status == Status.CANCELLED and not donation.cancelled_at:
        donation.cancelled_at = subscription.canceled_at or timezone.now()
        emails.queue(kind=OutboundEmail.Kind.GIFT_ENDED, donation=donation)
    if subscription.amount is not None:
        donation.amount = subscription.amount
    donation.frequency = INTERVAL_FREQUENCY.get(subscription.interval, donation.frequency)
    donation.current_period_end = subscription.current_period_end
    if subscription.customer_id and donation.donor_id is None and donation.email:
        # Without an address the donor waits for the checkout event, which has Stripe's.
        donation.donor = donor_upsert(email=donation.email, customer_id=subscription.customer_id)


def _locked(match: Q) -> Donation | None:
    return Donation.objects.select_for_update().filter(match).first()


def _locked_for_subscription(subscription: SubscriptionFacts) -> Donation | None:
    match = Q(stripe_subscription_id=subscription.subscription_id)
    if subscription.donation_id:
        match |= Q(pk=subscription.donation_id, stripe_subscription_id__isnull=True)
    donation = _locked(match)
    if donation is None:
        logger.warning("No donation for Stripe subscription %s", subscription.subscription_id)
    return donation
