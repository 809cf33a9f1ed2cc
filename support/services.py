"""Giving: pending donations, checkout, the goal meter and attribution."""

import logging
from datetime import UTC, datetime
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, DecimalField, F, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from support import stripe_gateway
from support.models import Donation, Donor, Frequency, Payment, SupportSettings

logger = logging.getLogger(__name__)

GOAL_CACHE_KEY = "support:goal-progress"
ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=12, decimal_places=2))


def donation_create_pending(
    *,
    amount: Decimal,
    frequency: str,
    email: str = "",
    placement: str = "",
    article=None,
) -> Donation:
    """Record the reader's intent before Stripe is called, so nothing is lost if it fails."""
    return Donation.objects.create(
        amount=amount,
        frequency=frequency,
        email=email,
        placement=placement,
        article=article,
        currency=settings.DONATION_CURRENCY,
    )


def checkout_session_start(*, donation: Donation, success_url: str, cancel_url: str) -> str:
    """Open a Stripe Checkout Session for a pending donation; return its URL."""
    session = stripe_gateway.create_checkout_session(
        donation, success_url=success_url, cancel_url=cancel_url
    )
    Donation.objects.filter(pk=donation.pk).update(stripe_checkout_session_id=session["id"])
    return session["url"]


def donation_for_checkout_session(*, session_id: str) -> tuple[Donation, object]:
    """Return the donation a completed checkout belongs to, and the session itself."""
    session = stripe_gateway.retrieve_checkout_session(session_id)
    donation = Donation.objects.get(
        Q(stripe_checkout_session_id=session["id"])
        | Q(pk=_as_int(session.get("client_reference_id")))
    )
    return donation, session


def donor_upsert(*, email: str | None, customer_id: str | None) -> Donor:
    """Return the donor for a Stripe customer or an email, creating or linking as needed."""
    email = (email or "").strip().lower() or None
    donor = None
    if customer_id:
        donor = Donor.objects.filter(stripe_customer_id=customer_id).first()
    if donor is None and email:
        donor = Donor.objects.filter(email=email).first()
    if donor is None:
        return Donor.objects.create(email=email, stripe_customer_id=customer_id)
    changed = False
    if customer_id and not donor.stripe_customer_id:
        donor.stripe_customer_id, changed = customer_id, True
    if email and not donor.email:
        donor.email, changed = email, True
    if changed:
        donor.save()
    return donor


def portal_url_for(*, donor: Donor, return_url: str) -> str:
    if not donor.stripe_customer_id:
        raise stripe_gateway.PaymentServiceUnavailable("This donor has no Stripe customer yet.")
    return stripe_gateway.create_portal_session(donor.stripe_customer_id, return_url=return_url)


def monthly_equivalent(amount: Decimal, frequency: str) -> Decimal:
    if frequency == Frequency.ANNUAL:
        return (amount / 12).quantize(Decimal("0.01"))
    return amount


def goal_progress() -> dict:
    """Return this month's recurring revenue plus net one-time gifts against the goal."""
    cached = cache.get(GOAL_CACHE_KEY)
    if cached is not None:
        return cached
    progress = _compute_goal_progress(timezone.now())
    cache.set(GOAL_CACHE_KEY, progress, 300)
    return progress


def _compute_goal_progress(now: datetime) -> dict:
    goal = SupportSettings.load().monthly_goal
    recurring = Donation.objects.filter(
        status__in=[Donation.Status.ACTIVE, Donation.Status.PAST_DUE]
    ).aggregate(
        monthly=Coalesce(Sum("amount", filter=Q(frequency=Frequency.MONTHLY)), ZERO),
        annual=Coalesce(Sum("amount", filter=Q(frequency=Frequency.ANNUAL)), ZERO),
    )
    month_start = now.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    one_time = Payment.objects.filter(
        kind=Payment.Kind.ONE_TIME, paid_at__gte=month_start
    ).aggregate(net=Coalesce(Sum(F("amount") - F("refunded_amount")), ZERO))["net"]
    recurring_total = recurring["monthly"] + monthly_equivalent(recurring["annual"], "annual")
    raised = (recurring_total + one_time).quantize(Decimal("0.01"))
    percent = int(min(Decimal(100), raised * 100 / goal)) if goal else 100
    return {
        "goal": goal,
        "raised": raised,
        "recurring": recurring_total,
        "one_time": one_time,
        "percent": percent,
    }


def goal_progress_invalidate() -> None:
    cache.delete(GOAL_CACHE_KEY)


def attribution_report():
    """Return gifts and recurring revenue grouped by article and appeal placement."""
    given = Donation.objects.exclude(
        status__in=[Donation.Status.PENDING, Donation.Status.ABANDONED]
    )
    rows = (
        given.values("article_id", "article__headline", "placement")
        .annotate(
            donations=Count("id", distinct=True),
            active_monthly=Coalesce(
                Sum(
                    "amount",
                    filter=Q(status=Donation.Status.ACTIVE, frequency=Frequency.MONTHLY),
                ),
                ZERO,
            ),
            active_annual=Coalesce(
                Sum(
                    "amount",
                    filter=Q(status=Donation.Status.ACTIVE, frequency=Frequency.ANNUAL),
                ),
                ZERO,
            ),
        )
        .order_by("article__headline", "placement")
    )
    net_by_key = {
        (r["donation__article_id"], r["donation__placement"]): r["net"]
        for r in Payment.objects.values("donation__article_id", "donation__placement").annotate(
            net=Sum(F("amount") - F("refunded_amount"))
        )
    }
    report = []
    for row in rows:
        row["recurring_monthly"] = row["active_monthly"] + monthly_equivalent(
            row["active_annual"], "annual"
        )
        row["net_paid"] = net_by_key.get((row["article_id"], row["placement"]), Decimal("0"))
        report.append(row)
    return report


def _as_int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@transaction.atomic
def donation_abandon_stale(*, older_than) -> int:
    """Mark checkouts never completed as abandoned (kept, never deleted)."""
    return Donation.objects.filter(
        status=Donation.Status.PENDING, created_at__lt=older_than
    ).update(status=Donation.Status.ABANDONED)
