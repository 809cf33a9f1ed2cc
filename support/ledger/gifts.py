"""Finding a gift, and knowing an answer from Stripe is fresh enough to write.

A gift is found only through what this site kept when it opened the gift's Checkout
Session: the session id, then the subscription and payments that session produced. A
`client_reference_id` or metadata names nothing (any integration on the same Stripe account
can set them); an object of no gift raises NotOurs and its event is ignored.

Every write bumps the gift's `ledger_version`. The caller reads the versions of the gifts an
event names (`versions`) before it asks Stripe; a write whose gift moved on since then raises
StaleFetch, and the caller asks Stripe again. So an answer fetched before another process
applied a newer one (a charge fetched before its refund) is never written over it.
"""

from django.db.models import Q

from support.models import Donation, Payment
from support.stripe_gateway import SubscriptionFacts

Seen = dict[int, int]  # gift id -> the ledger_version read before Stripe was asked


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


def claim_subscription(donation: Donation, subscription: SubscriptionFacts) -> None:
    if donation.stripe_subscription_id not in (None, subscription.subscription_id):
        raise NotOurs(
            f"Subscription {subscription.subscription_id} is not the one gift "
            f"{donation.pk} started ({donation.stripe_subscription_id})."
        )
    donation.stripe_subscription_id = subscription.subscription_id


def saved(donation: Donation, seen: Seen) -> None:
    donation.ledger_version += 1  # read under the row lock (locked), so no write is lost
    donation.save()
    seen[donation.pk] = donation.ledger_version  # this process's own write is not news


def locked(match: Q, seen: Seen) -> Donation | None:
    """Lock the gift; raise StaleFetch if it was written since its version was read."""
    donation = Donation.objects.select_for_update().filter(match).first()
    if donation is not None and seen.get(donation.pk) != donation.ledger_version:
        raise StaleFetch([donation.pk])
    return donation


def locked_for_subscription(subscription: SubscriptionFacts, seen: Seen) -> Donation:
    """The gift whose subscription this is: known by its id, or made by its Checkout Session."""
    match = Q(stripe_subscription_id=subscription.subscription_id)
    if subscription.checkout_session_id:
        match |= Q(
            stripe_checkout_session_id=subscription.checkout_session_id,
            stripe_subscription_id__isnull=True,
        )
    donation = locked(match, seen)
    if donation is None:
        raise NotOurs(
            f"Subscription {subscription.subscription_id} was not started from a Checkout "
            "Session of this site."
        )
    claim_subscription(donation, subscription)
    return donation
