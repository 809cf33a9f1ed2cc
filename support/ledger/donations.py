"""Gifts: what their Checkout Session, subscription and invoices say, applied under the
gift's row lock."""

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from support import emails
from support.ledger.gifts import (
    NotOurs,
    Seen,
    claim_subscription,
    locked,
    locked_for_subscription,
    saved,
)
from support.ledger.payments import emails_owe, payment_fill_ids, payment_record
from support.models import Donation, Donor, Frequency, Payment
from support.stripe_gateway import CheckoutFacts, InvoiceFacts, SubscriptionFacts

Status = Donation.Status

SUBSCRIPTION_STATUS = {
    "active": Status.ACTIVE,
    "trialing": Status.ACTIVE,
    "past_due": Status.PAST_DUE,
    "unpaid": Status.UNPAID,
    "paused": Status.PAUSED,
    "canceled": Status.CANCELLED,
    "incomplete": Status.PROCESSING,
    "incomplete_expired": Status.FAILED,
}
INTERVAL_FREQUENCY = {"month": Frequency.MONTHLY, "year": Frequency.ANNUAL}
# A gift that has ended stays ended; one not yet paid can still become anything.
ENDED = {Status.CANCELLED}
UNPAID = {Status.PENDING, Status.PROCESSING, Status.ABANDONED, Status.FAILED}
# Stripe keeps charging these unless `pause_collection` is set, when no invoice is charged.
COLLECTING = {Status.ACTIVE, Status.PAST_DUE}


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
    *,
    checkout: CheckoutFacts,
    subscription: SubscriptionFacts | None = None,
    seen: Seen,
    paid_at: datetime | None = None,
    payment_failed: bool = False,
) -> Donation:
    """Bring a gift up to date with the Checkout Session this site opened for it.

    `paid_at` is when Stripe announced a one-time payment (the event that did): a gift paid
    by a delayed method days after checkout is dated when the money came. Without it the
    payment waits for that event. `payment_failed`: the delayed payment failed.
    """
    donation = locked(Q(stripe_checkout_session_id=checkout.session_id), seen)
    if donation is None:
        raise NotOurs(f"Checkout Session {checkout.session_id} was not opened by this site.")
    if checkout.email or checkout.customer_id:
        donation.donor = donor_upsert(
            email=checkout.email or donation.email, customer_id=checkout.customer_id
        )
    donation.stripe_customer_id = checkout.customer_id or donation.stripe_customer_id
    if checkout.state == "expired" and donation.status == Status.PENDING:
        donation.status = Status.ABANDONED
    elif subscription is not None:
        claim_subscription(donation, subscription)
        follow_subscription(donation, subscription)
    elif checkout.recurring:
        if checkout.state == "complete" and donation.status == Status.PENDING:
            donation.status = Status.PROCESSING
    elif checkout.paid and (paid_at or donation.payments.exists()):
        donation.stripe_payment_intent_id = checkout.payment_intent_id or None
        if donation.status in UNPAID:
            donation.status = Status.PAID
        payment_record(
            donation,
            lookup={"stripe_payment_intent_id": checkout.payment_intent_id},
            kind=Payment.Kind.ONE_TIME,
            amount=checkout.amount,
            currency=checkout.currency,
            paid_at=paid_at,
        )
    elif checkout.state == "complete" and donation.status == Status.PENDING:
        donation.status = Status.PROCESSING  # a delayed payment method: not paid yet
    if payment_failed and donation.status in (Status.PENDING, Status.PROCESSING):
        donation.status = Status.FAILED
        if not donation.is_recurring:  # a subscription's failure is told by invoice events
            emails.owe(kind=emails.PAYMENT_FAILED, donation=donation)
    saved(donation, seen)
    emails_owe(donation=donation)
    return donation


@transaction.atomic
def donation_apply_subscription(*, subscription: SubscriptionFacts, seen: Seen) -> Donation:
    donation = locked_for_subscription(subscription, seen)
    follow_subscription(donation, subscription)
    saved(donation, seen)
    return donation


@transaction.atomic
def payment_record_invoice(
    *, invoice: InvoiceFacts, subscription: SubscriptionFacts, seen: Seen
) -> None:
    """Record a paid invoice of a recurring gift as one payment, once."""
    donation = locked_for_subscription(subscription, seen)
    follow_subscription(donation, subscription)
    saved(donation, seen)
    if invoice.paid:
        payment = payment_record(
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
    emails_owe(donation=donation)


@transaction.atomic
def invoice_payment_failed(
    *, invoice: InvoiceFacts, subscription: SubscriptionFacts, seen: Seen
) -> None:
    """Follow the subscription; tell the donor only while the invoice is still unpaid.

    The event may come late: an invoice paid (or voided) since is nothing to tell.
    """
    donation = locked_for_subscription(subscription, seen)
    follow_subscription(donation, subscription)
    saved(donation, seen)
    if invoice.status == "open" and donation.status not in ENDED:
        about = f"invoice:{invoice.invoice_id}"
        emails.owe(kind=emails.PAYMENT_FAILED, donation=donation, about=about)


def follow_subscription(donation: Donation, subscription: SubscriptionFacts) -> None:
    donation.stripe_customer_id = subscription.customer_id or donation.stripe_customer_id
    status = SUBSCRIPTION_STATUS.get(subscription.status)
    if status in COLLECTING and subscription.collection_paused:
        status = Status.PAUSED  # Stripe says "active", but charges nothing until it resumes
    if (
        status
        and donation.status not in ENDED
        # "Not paid yet" says nothing new about a gift that was paid, failed or abandoned.
        and not (status in UNPAID and donation.status not in (Status.PENDING, Status.PROCESSING))
    ):
        donation.status = status
    donation.paused_until = subscription.resumes_at if subscription.collection_paused else None
    if status == Status.CANCELLED and not donation.cancelled_at:
        donation.cancelled_at = subscription.canceled_at or timezone.now()
        emails.owe(kind=emails.GIFT_ENDED, donation=donation)
    if subscription.amount is not None and subscription.amount != donation.charged:
        # A new price (changed at Stripe or in the portal) is the donor's whole gift: the
        # fee cover was part of the old one.
        donation.amount, donation.fee_covered = subscription.amount, Decimal("0")
    donation.frequency = INTERVAL_FREQUENCY.get(subscription.interval, donation.frequency)
    donation.current_period_end = subscription.current_period_end
    if subscription.customer_id and donation.donor_id is None and donation.email:
        # Without an address the donor waits for the checkout event, which has Stripe's.
        donation.donor = donor_upsert(email=donation.email, customer_id=subscription.customer_id)
