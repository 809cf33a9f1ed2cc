"""What the site holds about a donor or reader, by email address: export and erasure."""

import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.forms.models import model_to_dict
from django.utils import timezone

from outbox.models import Email
from support import stripe_gateway
from support.models import Donation, Donor, Payment, Reminder, StripeEvent
from support.services import goal_changed

logger = logging.getLogger(__name__)

DONATION_IDENTIFIERS = (
    "stripe_checkout_session_id",
    "stripe_subscription_id",
    "stripe_payment_intent_id",
)
PAYMENT_IDENTIFIERS = ("stripe_invoice_id", "stripe_payment_intent_id", "stripe_charge_id")


class ErasureRefused(Exception):
    """The address still has a live recurring gift; erasing it would orphan the charges."""


@dataclass
class Erasure:
    email: str
    donations: int = 0
    payments: int = 0
    reminders: int = 0
    emails: int = 0
    events: int = 0
    donors: int = 0
    cancelled_subscriptions: list[str] = field(default_factory=list)


def _normalise(email: str) -> str:
    return email.strip().lower()


def _donors(email: str):
    return Donor.objects.filter(email__iexact=email)


def _donations(email: str):
    return Donation.objects.filter(Q(email__iexact=email) | Q(donor__in=_donors(email))).distinct()


def _events(email: str, donations) -> "list[StripeEvent]":
    """Return the recorded Stripe events that carry the address or name the donor's objects."""
    needles = {email}
    needles |= {c for c in _donors(email).values_list("stripe_customer_id", flat=True) if c}
    for row in donations.values_list("stripe_customer_id", *DONATION_IDENTIFIERS):
        needles |= {value for value in row if value}
    matches = Q()
    for needle in needles:
        matches |= Q(payload__icontains=needle)
    return list(StripeEvent.objects.filter(matches)) if needles else []


def donor_data_export(*, email: str) -> dict:
    """Return everything stored about an email address, as plain data."""
    email = _normalise(email)
    donations = _donations(email)
    payments = Payment.objects.filter(donation__in=donations)
    return {
        "email": email,
        "donors": [model_to_dict(d) | {"created_at": d.created_at} for d in _donors(email)],
        "donations": [
            model_to_dict(d) | {"created_at": d.created_at, "updated_at": d.updated_at}
            for d in donations
        ],
        "payments": [model_to_dict(p) | {"created_at": p.created_at} for p in payments],
        "emails": [
            model_to_dict(o) | {"created_at": o.created_at} for o in _emails(email, donations)
        ],
        "reminders": [
            model_to_dict(r) | {"created_at": r.created_at, "updated_at": r.updated_at}
            for r in Reminder.objects.filter(email__iexact=email)
        ],
        "stripe_events": [
            {
                "event_id": e.event_id,
                "type": e.type,
                "received_at": e.received_at,
                "payload": e.payload,
            }
            for e in _events(email, donations)
        ],  # fmt: skip
    }


def donor_data_erase(*, email: str, cancel_recurring: bool = False) -> Erasure:
    """Erase an address: drop its reminders and emails, anonymise its gifts, keep the totals.

    Amounts, dates, frequencies, statuses and attribution stay, so the goal meter and
    reports do not change; every email address and Stripe identifier goes. A live
    recurring gift is refused unless `cancel_recurring`, which cancels it at Stripe first.
    """
    email = _normalise(email)
    erasure = Erasure(email=email)
    live = _donations(email).subscribed()
    if live.exists() and not cancel_recurring:
        raise ErasureRefused(
            f"{email} has {live.count()} live recurring gift(s); cancel them first "
            "(or pass cancel_recurring)."
        )
    for subscription_id in live.exclude(stripe_subscription_id=None).values_list(
        "stripe_subscription_id", flat=True
    ):
        stripe_gateway.cancel_subscription(subscription_id)
        erasure.cancelled_subscriptions.append(subscription_id)
    _erase_rows(email, erasure)
    goal_changed()
    logger.info("Erased the data of one donor: %s", erasure)
    return erasure


@transaction.atomic
def _emails(email: str, donations):
    """The emails owed to the address, or about one of its gifts."""
    gifts = list(donations.values_list("pk", flat=True))
    return Email.objects.filter(Q(to__iexact=email) | Q(context__donation__in=gifts))


def _erase_rows(email: str, erasure: Erasure) -> None:
    donations = _donations(email)
    donation_ids = list(donations.values_list("pk", flat=True))
    events = _events(email, donations)
    for event in events:
        event.payload = {"id": event.event_id, "type": event.type, "redacted": True}
        if event.processed_at is None:
            event.processed_at, event.error = timezone.now(), "redacted before processing"
        event.save(update_fields=["payload", "processed_at", "error"])
    erasure.events = len(events)
    erasure.reminders = Reminder.objects.filter(email__iexact=email).delete()[0]
    erasure.emails = _emails(email, donations).delete()[0]
    erasure.payments = Payment.objects.filter(donation_id__in=donation_ids).update(
        card_brand="", card_last4="", **dict.fromkeys(PAYMENT_IDENTIFIERS)
    )
    erasure.donations = Donation.objects.filter(pk__in=donation_ids).update(
        email="", donor=None, stripe_customer_id="", **dict.fromkeys(DONATION_IDENTIFIERS)
    )
    erasure.donors = _donors(email).delete()[1].get(Donor._meta.label, 0)
