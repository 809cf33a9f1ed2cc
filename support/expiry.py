"""Gifts whose checkout was never completed: abandoned once Stripe's session has expired.

Stripe expires a Checkout Session 24 hours after it opens (the project sets no other
lifetime) and says so with checkout.session.expired. When that event never arrives (an
endpoint down longer than Stripe retries) the gift would stay pending for ever, so the
support sweep applies the ledger's own transition for an expired session to gifts pending
an hour past that lifetime. A completion that arrives later still wins: the ledger takes
an abandoned gift to paid as it does a pending one. A gift whose session was never opened
(Stripe refused the call, and the reader was told so) is abandoned the same way.
"""

import datetime

from django.utils import timezone

from support import ledger
from support.models import Donation
from support.stripe_gateway import CheckoutFacts

CHECKOUT_LIFETIME = datetime.timedelta(hours=24)
GRACE = datetime.timedelta(hours=1)
BATCH = 500


def donations_expire_pending(*, now: datetime.datetime | None = None) -> int:
    """Mark gifts still pending past their checkout's lifetime abandoned; return how many."""
    cutoff = (now or timezone.now()) - CHECKOUT_LIFETIME - GRACE
    stale = Donation.objects.filter(status=Donation.Status.PENDING, created_at__lt=cutoff)
    expired = 0
    for donation in stale.order_by("pk")[:BATCH]:
        if donation.stripe_checkout_session_id:
            seen = ledger.versions([donation.pk])
            try:
                result = ledger.donation_apply_checkout(checkout=_expired(donation), seen=seen)
            except ledger.StaleFetch:
                continue  # Stripe's own word on it arrived meanwhile: the next sweep looks again
            expired += result.status == Donation.Status.ABANDONED
        else:
            expired += Donation.objects.filter(
                pk=donation.pk, status=Donation.Status.PENDING, stripe_checkout_session_id=None
            ).update(status=Donation.Status.ABANDONED, updated_at=timezone.now())
    return expired


def _expired(donation: Donation) -> CheckoutFacts:
    """What checkout.session.expired would have said of the gift's session."""
    return CheckoutFacts(
        session_id=donation.stripe_checkout_session_id,
        recurring=donation.is_recurring,
        state="expired",
        paid=False,
        email="",
        customer_id="",
        subscription_id="",
        payment_intent_id="",
        amount=donation.amount,
        currency=donation.currency,
    )
