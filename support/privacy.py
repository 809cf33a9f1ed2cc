"""What support holds about an address, for readers' exports and erasures.

Registered with `readers.services.privacy_register` (support/apps.py), so the donor_export
and donor_erase commands cover support's rows, readers' own and any other app's together.
An address is matched under every spelling of its mailbox (readers.addresses.normalise).
"""

import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.forms.models import model_to_dict
from django.utils import timezone

from outbox.models import Email
from readers.addresses import normalise
from readers.services import ErasureRefused
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


__all__ = ["ErasureRefused", "donor_data_erase", "donor_data_export", "erasure_check"]


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
    return Donor.objects.filter(Q(email__iexact=email) | Q(mailbox=normalise(email)))


def _spellings(email: str) -> set[str]:
    """The address as typed, and as every donor and reminder of its mailbox spelled it."""
    found = {email, *_donors(email).exclude(email=None).values_list("email", flat=True)}
    found |= set(_reminders(email).values_list("email", flat=True))
    return {spelling.lower() for spelling in found}


def _matching(field: str, spellings: set[str]) -> Q:
    match = Q(pk__in=[])
    for spelling in spellings:
        match |= Q(**{f"{field}__iexact": spelling})
    return match


def _donations(email: str, spellings: set[str]):
    by_form = _matching("email", spellings)
    return Donation.objects.filter(by_form | Q(donor__in=_donors(email))).distinct()


def _reminders(email: str):
    return Reminder.objects.filter(Q(address=normalise(email)) | Q(email__iexact=email))


def _events(email: str, spellings: set[str], donation_ids) -> "list[StripeEvent]":
    """Return the recorded Stripe events that carry the address or name the donor's objects."""
    needles = set(spellings)
    needles |= {c for c in _donors(email).values_list("stripe_customer_id", flat=True) if c}
    rows = Donation.objects.filter(pk__in=donation_ids)
    for row in rows.values_list("stripe_customer_id", *DONATION_IDENTIFIERS):
        needles |= {value for value in row if value}
    matches = Q()
    for needle in needles:
        matches |= Q(payload__icontains=needle)
    return list(StripeEvent.objects.filter(matches)) if needles else []


def _emails(spellings: set[str], donation_ids):
    """The emails owed to the address, or about one of its gifts."""
    return Email.objects.filter(
        _matching("to", spellings) | Q(context__donation__in=list(donation_ids))
    )


def donor_data_export(*, email: str) -> dict:
    """Return everything stored about an email address, as plain data."""
    email = _normalise(email)
    spellings = _spellings(email)
    donations = _donations(email, spellings)
    ids = list(donations.values_list("pk", flat=True))
    payments = Payment.objects.filter(donation__in=ids)
    return {
        "email": email,
        "donors": [model_to_dict(d) | {"created_at": d.created_at} for d in _donors(email)],
        "donations": [
            model_to_dict(d) | {"created_at": d.created_at, "updated_at": d.updated_at}
            for d in donations
        ],
        "payments": [model_to_dict(p) | {"created_at": p.created_at} for p in payments],
        "emails": [
            model_to_dict(o) | {"created_at": o.created_at} for o in _emails(spellings, ids)
        ],
        "reminders": [
            model_to_dict(r) | {"created_at": r.created_at, "updated_at": r.updated_at}
            for r in _reminders(email)
        ],
        "stripe_events": [
            {
                "event_id": e.event_id,
                "type": e.type,
                "received_at": e.received_at,
                "payload": e.payload,
            }
            for e in _events(email, spellings, ids)
        ],  # fmt: skip
    }


def erasure_check(*, email: str, cancel_recurring: bool = False, **options) -> None:
    """Raise ErasureRefused while the address has a live recurring gift (unless it is to
    be cancelled): erasing it would orphan its charges."""
    email = _normalise(email)
    live = _donations(email, _spellings(email)).subscribed()
    if live.exists() and not cancel_recurring:
        raise ErasureRefused(
            f"{email} has {live.count()} live recurring gift(s); cancel them first "
            "(or pass cancel_recurring)."
        )


def donor_data_erase(*, email: str, cancel_recurring: bool = False, **options) -> Erasure:
    """Erase an address: drop its reminders and emails, anonymise its gifts, keep the totals.

    Amounts, dates, frequencies, statuses and attribution stay, so the goal meter and
    reports do not change; every email address and Stripe identifier goes. A live
    recurring gift is refused unless `cancel_recurring`, which cancels it at Stripe first.
    """
    email = _normalise(email)
    erasure_check(email=email, cancel_recurring=cancel_recurring)
    erasure = Erasure(email=email)
    live = _donations(email, _spellings(email)).subscribed()
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
def _erase_rows(email: str, erasure: Erasure) -> None:
    spellings = _spellings(email)
    donation_ids = list(_donations(email, spellings).values_list("pk", flat=True))
    events = _events(email, spellings, donation_ids)
    for event in events:
        event.payload = {"id": event.event_id, "type": event.type, "redacted": True}
        if event.processed_at is None:
            event.processed_at, event.error = timezone.now(), "redacted before processing"
        event.save(update_fields=["payload", "processed_at", "error"])
    erasure.events = len(events)
    erasure.reminders = _reminders(email).delete()[0]
    erasure.emails = _emails(spellings, donation_ids).delete()[0]
    erasure.payments = Payment.objects.filter(donation_id__in=donation_ids).update(
        card_brand="", card_last4="", **dict.fromkeys(PAYMENT_IDENTIFIERS)
    )
    erasure.donations = Donation.objects.filter(pk__in=donation_ids).update(
        email="",
        donor=None,
        stripe_customer_id="",
        cancel_comment="",  # the donor's own words
        **dict.fromkeys(DONATION_IDENTIFIERS),
    )
    erasure.donors = _donors(email).delete()[1].get(Donor._meta.label, 0)
