"""Giving: pending donations, checkout, the goal meter and attribution."""

import logging
from datetime import UTC, datetime
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, DecimalField, F, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from support import stripe_gateway
from support.models import Appeal, Donation, Donor, Frequency, Payment, SupportSettings

logger = logging.getLogger(__name__)

SNAPSHOT_KEY = "support:snapshot"
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


def support_snapshot() -> dict:
    """Return the active appeals, the settings and this month's goal progress.

    They are cached together and cost two queries when the cache is cold, so a page
    showing appeals stays within its query budget.
    """
    snapshot = cache.get(SNAPSHOT_KEY)
    if snapshot is None:
        settings_row = _settings_with_ledger_sums(timezone.now())
        snapshot = {
            "appeals": {a.placement: a for a in Appeal.objects.filter(active=True)},
            "settings": settings_row,
            "goal": _goal_progress(settings_row),
        }
        cache.set(SNAPSHOT_KEY, snapshot, 300)
    return snapshot


def goal_progress() -> dict:
    """Return this month's recurring revenue plus net one-time gifts against the goal."""
    return support_snapshot()["goal"]


def support_snapshot_invalidate() -> None:
    cache.delete(SNAPSHOT_KEY)


def _total(queryset, expression):
    grouped = queryset.order_by().annotate(_all=Value(1)).values("_all")
    return Coalesce(Subquery(grouped.annotate(total=Sum(expression)).values("total")), ZERO)


def _settings_with_ledger_sums(now: datetime) -> SupportSettings:
    month_start = now.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    active = Donation.objects.filter(status__in=[Donation.Status.ACTIVE, Donation.Status.PAST_DUE])
    one_time = Payment.objects.filter(kind=Payment.Kind.ONE_TIME, paid_at__gte=month_start)
    query = SupportSettings.objects.filter(pk=1).annotate(
        monthly_sum=_total(active.filter(frequency=Frequency.MONTHLY), "amount"),
        annual_sum=_total(active.filter(frequency=Frequency.ANNUAL), "amount"),
        one_time_sum=_total(one_time, F("amount") - F("refunded_amount")),
    )
    row = query.first()
    if row is None:
        SupportSettings.load()
        row = query.first()
    return row


def _goal_progress(row: SupportSettings) -> dict:
    goal = row.monthly_goal
    recurring = row.monthly_sum + monthly_equivalent(row.annual_sum, "annual")
    raised = (recurring + row.one_time_sum).quantize(Decimal("0.01"))
    percent = int(min(Decimal(100), raised * 100 / goal)) if goal else 100
    return {
        "goal": goal,
        "raised": raised,
        "recurring": recurring,
        "one_time": row.one_time_sum,
        "percent": percent,
    }


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
