"""What a donor may change about a recurring gift, each made at Stripe first.

The ledger follows Stripe: once Stripe took a change, the subscription is fetched and applied
as its `customer.subscription.updated` event would be (support.webhooks' fetch-then-apply,
so an answer overtaken by an event is asked again); the event, when it comes, finds it done.
A change Stripe refuses raises ChangeRefused and leaves the gift as it was.
"""

import calendar
from datetime import datetime
from decimal import ROUND_FLOOR, Decimal

from django.db import transaction
from django.utils import timezone

from support import ledger, stripe_gateway, webhooks
from support.account.forms import amount_problem
from support.models import Donation
from support.services import goal_changed
from support.stripe_gateway import changes as stripe_changes
from support.stripe_gateway.changes import ChangeRefused

__all__ = [
    "ChangeRefused",
    "card_update_url",
    "changeable",
    "gift_cancel",
    "gift_change",
    "gift_pause",
    "gift_resume",
]

Status = Donation.Status
# Gifts whose subscription Stripe still bills (or would, once resumed or paid).
CHANGEABLE = [Status.ACTIVE, Status.PAST_DUE, Status.PAUSED, Status.UNPAID]
MAX_PAUSE_MONTHS = 3


def changeable(donation: Donation) -> bool:
    return bool(donation.stripe_subscription_id) and donation.status in CHANGEABLE


def _check(donation: Donation) -> None:
    if not changeable(donation):
        raise ChangeRefused("This gift can no longer be changed.")


def _follow(donation: Donation) -> Donation:
    """Apply what Stripe now says about the gift's subscription."""
    subscription_id = donation.stripe_subscription_id
    webhooks.fetched_then_applied(
        {donation.pk},
        fetch=lambda: stripe_gateway.subscription_facts(subscription_id),
        apply=lambda facts, seen: ledger.donation_apply_subscription(subscription=facts, seen=seen),
    )
    goal_changed()
    donation.refresh_from_db()
    return donation


def gift_change(donation: Donation, *, amount: Decimal, frequency: str) -> Donation:
    """A new amount and/or frequency from the next charge on (nothing is charged now)."""
    _check(donation)
    if donation.status == Status.PAUSED and frequency != donation.frequency:
        raise ChangeRefused("Resume this gift before changing how often it is given.")
    stripe_changes.subscription_price_change(
        donation.stripe_subscription_id,
        amount=amount,
        currency=donation.currency,
        frequency=frequency,
        next_charge=donation.current_period_end,
    )
    return _follow(donation)


def months_later(moment: datetime, months: int) -> datetime:
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def gift_pause(donation: Donation, *, months: int) -> Donation:
    """Charge nothing for 1 to 3 months; Stripe resumes by itself at the date."""
    _check(donation)
    if not 1 <= months <= MAX_PAUSE_MONTHS:
        raise ChangeRefused(f"A gift can be paused for 1 to {MAX_PAUSE_MONTHS} months.")
    until = months_later(timezone.now(), months)
    stripe_changes.subscription_pause(donation.stripe_subscription_id, until=until)
    return _follow(donation)


def gift_resume(donation: Donation) -> Donation:
    _check(donation)
    stripe_changes.subscription_resume(donation.stripe_subscription_id)
    return _follow(donation)


def gift_cancel(donation: Donation, *, reason: str = "", comment: str = "") -> Donation:
    """End the gift now; the donor's reason (optional) is kept with it and told to Stripe."""
    _check(donation)
    stripe_changes.subscription_cancel(
        donation.stripe_subscription_id, reason=reason, comment=comment
    )
    with transaction.atomic():
        Donation.objects.filter(pk=donation.pk).update(
            cancel_reason=reason[:20], cancel_comment=comment[:1000]
        )
    return _follow(donation)


def card_update_url(donation: Donation, *, return_url: str) -> str:
    """Stripe's portal, opened on updating the card of the gift's customer."""
    if not donation.stripe_customer_id:
        raise ChangeRefused("Stripe has no card for this gift.")
    return stripe_changes.card_update_url(donation.stripe_customer_id, return_url=return_url)


def pause_choices(now: datetime | None = None) -> list[tuple[int, datetime]]:
    now = now or timezone.now()
    return [(n, months_later(now, n)) for n in range(1, MAX_PAUSE_MONTHS + 1)]


def lower_amounts(donation: Donation) -> list[Decimal]:
    """Smaller amounts to offer instead of cancelling: half and a quarter, rounded down."""
    offers = []
    for share in (Decimal("0.5"), Decimal("0.25")):
        amount = (donation.amount * share).quantize(Decimal(1), rounding=ROUND_FLOOR)
        if amount_problem(amount, donation.currency):
            continue
        if amount < donation.amount and amount not in offers:
            offers.append(amount)
    return offers
