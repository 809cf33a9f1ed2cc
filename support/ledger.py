"""The ledger's writes: what Stripe says about a gift, applied under the gift's row lock.

Every function here takes facts already fetched from Stripe (support.stripe_gateway), so
no HTTP call is made while a row is locked. Each applies only the transitions the local
state allows, so events may arrive in any order, twice, or late, and the ledger ends
where Stripe is.

Two rules keep other people's objects and old answers out:

- A gift is found only through what this site kept when it opened the gift's Checkout
  Session: the session id, then the subscription and payments that session produced. A
  `client_reference_id` or metadata names nothing (any integration on the same Stripe
  account can set them); an object of no gift raises NotOurs and its event is ignored.
- Every write bumps the gift's `ledger_version`. The caller reads the versions of the gifts
  an event names (`versions`) before it asks Stripe; a write whose gift moved on since then
  raises StaleFetch, and the caller asks Stripe again. So an answer fetched before another
  process applied a newer one (a charge fetched before its refund) is never written over it.
"""

import logging
from datetime import datetime, timedelta
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
Seen = dict[int, int]  # gift id -> the ledger_version read before Stripe was asked

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
# A gift's end told late (its address came after the cancellation) is still worth telling;
# weeks later it is not.
NOTICE_WINDOW = timedelta(days=30)


class NotOurs(Exception):
    """A Stripe object that belongs to no gift of this site's; the message says why."""


class StaleFetch(Exception):
    """Stripe was asked before the ledger's last write to a gift: ask again."""

    def __init__(self, donation_ids):
        super().__init__(f"gift(s) {sorted(donation_ids)} changed while Stripe was asked")
        self.donation_ids = set(donation_ids)


def gifts_named(
    *,
    checkout_session_id: str = "",
    subscription_id: str = "",
    payment_intent_id: str = "",
    charge_id: str = "",
    hint: str = "",
) -> set[int]:
    """The gifts an event's object names by the ids this site keeps (no lock, no Stripe).

    `hint` (the `donation_id` this site put in the object's metadata) only saves a second
    fetch when the object is not linked to its gift yet: it never decides whose it is.
    """
    match = Q(pk__in=[])
    if hint.isascii() and hint.isdigit() and len(hint) < 12:
        match |= Q(pk=int(hint))
    if checkout_session_id:
        match |= Q(stripe_checkout_session_id=checkout_session_id)
    if subscription_id:
        match |= Q(stripe_subscription_id=subscription_id)
    payments = Q(pk__in=[])
    if payment_intent_id:
        match |= Q(stripe_payment_intent_id=payment_intent_id)
        payments |= Q(stripe_payment_intent_id=payment_intent_id)
    if charge_id:
        payments |= Q(stripe_charge_id=charge_id)
    paid = Payment.objects.filter(payments).values("donation_id")
    return set(Donation.objects.filter(match | Q(pk__in=paid)).values_list("pk", flat=True))


def versions(donation_ids) -> Seen:
    """Read the gifts' versions; call before asking Stripe, then pass to a write."""
    rows = Donation.objects.filter(pk__in=list(donation_ids))
    return dict(rows.values_list("pk", "ledger_version"))


def knows_subscription(subscription_id: str) -> bool:
    return Donation.objects.filter(stripe_subscription_id=subscription_id).exists()


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
    donation = _locked(Q(stripe_checkout_session_id=checkout.session_id), seen)
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
        _claim_subscription(donation, subscription)
        _follow_subscription(donation, subscription)
    elif checkout.recurring:
        if checkout.state == "complete" and donation.status == Status.PENDING:
            donation.status = Status.PROCESSING
    elif checkout.paid and (paid_at or donation.payments.exists()):
        donation.stripe_payment_intent_id = checkout.payment_intent_id or None
        if donation.status in UNPAID:
            donation.status = Status.PAID
        _payment_record(
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
            emails.queue(kind=OutboundEmail.Kind.PAYMENT_FAILED, donation=donation)
    _save(donation, seen)
    emails_owe(donation=donation)
    return donation


@transaction.atomic
def donation_apply_subscription(*, subscription: SubscriptionFacts, seen: Seen) -> Donation:
    donation = _locked_for_subscription(subscription, seen)
    _follow_subscription(donation, subscription)
    _save(donation, seen)
    return donation


@transaction.atomic
def payment_record_invoice(
    *, invoice: InvoiceFacts, subscription: SubscriptionFacts, seen: Seen
) -> None:
    """Record a paid invoice of a recurring gift as one payment, once."""
    donation = _locked_for_subscription(subscription, seen)
    _follow_subscription(donation, subscription)
    _save(donation, seen)
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
    emails_owe(donation=donation)


@transaction.atomic
def invoice_payment_failed(
    *, invoice: InvoiceFacts, subscription: SubscriptionFacts, seen: Seen
) -> None:
    """Follow the subscription; tell the donor only while the invoice is still unpaid.

    The event may come late: an invoice paid (or voided) since is nothing to tell.
    """
    donation = _locked_for_subscription(subscription, seen)
    _follow_subscription(donation, subscription)
    _save(donation, seen)
    if invoice.status == "open" and donation.status not in ENDED:
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
    donation = _locked(Q(pk=found[1]), seen)  # the gift first, as every write locks them
    payment = Payment.objects.select_for_update().get(pk=found[0])
    _charge_onto(payment, charge)
    if donation.frequency == Frequency.ONCE:
        fully = payment.refunded_amount == payment.amount
        if fully and donation.status == Status.PAID:
            donation.status = Status.REFUNDED
        elif not fully and donation.status == Status.REFUNDED:
            donation.status = Status.PAID  # the refund failed: the money is back
    _save(donation, seen)
    return payment


@transaction.atomic
def payment_sync_apply(
    *, payment_id: int, payment_intent_id: str, charge: ChargeFacts | None, seen: Seen
) -> None:
    """Fill a payment's ids and apply its charge, as `webhooks.payment_sync` found them."""
    donation_id = Payment.objects.filter(pk=payment_id).values_list("donation_id", flat=True)
    donation = _locked(Q(pk__in=donation_id), seen)
    if donation is None:
        return
    payment = Payment.objects.select_for_update().get(pk=payment_id)
    payment_fill_ids(
        payment=payment,
        payment_intent_id=payment_intent_id,
        charge_id=charge.charge_id if charge else "",
    )
    _save(donation, seen)
    if charge is not None:
        payment_apply_charge(charge=charge, seen=seen)


def _charge_onto(payment: Payment, charge: ChargeFacts) -> None:
    payment.stripe_charge_id = charge.charge_id
    payment.card_brand = charge.card_brand or payment.card_brand
    payment.card_last4 = charge.card_last4 or payment.card_last4
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
    receipted = OutboundEmail.objects.filter(
        kind=OutboundEmail.Kind.RECEIPT, payment=OuterRef("pk")
    )
    owed = Payment.objects.filter(donation=donation).exclude(Exists(receipted))
    for payment in owed:
        emails.queue(kind=OutboundEmail.Kind.RECEIPT, donation=donation, payment=payment)
    ended = OutboundEmail.objects.filter(kind=OutboundEmail.Kind.GIFT_ENDED, donation=donation)
    recently = donation.cancelled_at and donation.cancelled_at > timezone.now() - NOTICE_WINDOW
    if recently and not ended.exists():
        emails.queue(kind=OutboundEmail.Kind.GIFT_ENDED, donation=donation)
        return len(owed) + 1
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


def _claim_subscription(donation: Donation, subscription: SubscriptionFacts) -> None:
    if donation.stripe_subscription_id not in (None, subscription.subscription_id):
        raise NotOurs(
            f"Subscription {subscription.subscription_id} is not the one gift "
            f"{donation.pk} started ({donation.stripe_subscription_id})."
        )
    donation.stripe_subscription_id = subscription.subscription_id


def _follow_subscription(donation: Donation, subscription: SubscriptionFacts) -> None:
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
        emails.queue(kind=OutboundEmail.Kind.GIFT_ENDED, donation=donation)
    if subscription.amount is not None:
        donation.amount = subscription.amount
    donation.frequency = INTERVAL_FREQUENCY.get(subscription.interval, donation.frequency)
    donation.current_period_end = subscription.current_period_end
    if subscription.customer_id and donation.donor_id is None and donation.email:
        # Without an address the donor waits for the checkout event, which has Stripe's.
        donation.donor = donor_upsert(email=donation.email, customer_id=subscription.customer_id)


def _save(donation: Donation, seen: Seen) -> None:
    donation.ledger_version += 1  # read under the row lock (_locked), so no write is lost
    donation.save()
    seen[donation.pk] = donation.ledger_version  # this process's own write is not news


def _locked(match: Q, seen: Seen) -> Donation | None:
    """Lock the gift; raise StaleFetch if it was written since its version was read."""
    donation = Donation.objects.select_for_update().filter(match).first()
    if donation is not None and seen.get(donation.pk) != donation.ledger_version:
        raise StaleFetch([donation.pk])
    return donation


def _locked_for_subscription(subscription: SubscriptionFacts, seen: Seen) -> Donation:
    """The gift whose subscription this is: known by its id, or made by its Checkout Session."""
    match = Q(stripe_subscription_id=subscription.subscription_id)
    if subscription.checkout_session_id:
        match |= Q(
            stripe_checkout_session_id=subscription.checkout_session_id,
            stripe_subscription_id__isnull=True,
        )
    donation = _locked(match, seen)
    if donation is None:
        raise NotOurs(
            f"Subscription {subscription.subscription_id} was not started from a Checkout "
            "Session of this site."
        )
    _claim_subscription(donation, subscription)
    return donation
