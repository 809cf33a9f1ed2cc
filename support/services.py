"""Giving: pending donations, checkout, the goal meter and attribution."""

import logging
from datetime import UTC, datetime
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, DecimalField, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from pagecache.tags import invalidate
from pagecache.versions import Namespace
from support import emails, stripe_gateway
from support.models import Appeal, Donation, Donor, Frequency, Payment, SupportSettings
from support.models.ledger import MONEY_BACK, NET

logger = logging.getLogger(__name__)

GOAL_KEY = "support:goal"
GOAL_SECONDS = 60  # how stale the goal meter may be (a gift also refreshes it)
CENT = Decimal("0.01")
ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=12, decimal_places=2))


def donation_create_pending(
    *,
    amount: Decimal,
    frequency: str,
    email: str = "",
    placement: str = "",
    article=None,
    appeal=None,
) -> Donation:
    """Record the reader's intent before Stripe is called, so nothing is lost if it fails."""
    return Donation.objects.create(
        amount=amount,
        frequency=frequency,
        email=email,
        placement=placement,
        article=article,
        appeal=appeal,
        currency=settings.DONATION_CURRENCY,
    )


def checkout_session_start(*, donation: Donation, success_url: str, cancel_url: str) -> str:
    """Open a Stripe Checkout Session for a pending donation; return its URL."""
    session = stripe_gateway.create_checkout_session(
        donation, success_url=success_url, cancel_url=cancel_url
    )
    Donation.objects.filter(pk=donation.pk).update(stripe_checkout_session_id=session["id"])
    return session["url"]


def donation_for_thanks(*, session_id: str) -> Donation | None:
    return (
        Donation.objects.filter(stripe_checkout_session_id=session_id)
        .select_related("article")
        .first()
    )


def checkout_progress(*, donation: Donation, may_ask_stripe: bool) -> tuple[bool, bool]:
    """Return (paid, processing) for the thank-you page.

    The local ledger answers when it knows the gift is paid; otherwise Stripe is asked
    (when allowed), and only `payment_status` counts: a completed checkout with a delayed
    payment method is not paid yet.
    """
    if donation.status in Donation.GIVEN:
        return True, False
    if donation.status == Donation.Status.PROCESSING or not may_ask_stripe:
        return False, donation.status == Donation.Status.PROCESSING
    try:
        checkout = stripe_gateway.checkout_facts(donation.stripe_checkout_session_id)
    except stripe_gateway.PaymentServiceUnavailable:
        return False, False
    return checkout.paid, checkout.state == "complete" and not checkout.paid


def manage_customer_for(*, token: str) -> str:
    """Return the Stripe customer whose portal manages the gift a manage link names."""
    kind, pk = emails.manage_token_target(token)
    rows = Donation.objects if kind == "gift" else Donor.objects
    return rows.filter(pk=pk).values_list("stripe_customer_id", flat=True).first() or ""


def live_recurring_gift_for(*, token: str) -> Donation | None:
    """The live monthly or annual gift a manage link names, if it is one (to refresh the
    donor hint: a donor who keeps giving is not taken for a lapsed one)."""
    kind, pk = emails.manage_token_target(token)
    if kind != "gift":
        return None
    return Donation.objects.recurring_live().filter(pk=pk).first()


def portal_url(*, customer_id: str, return_url: str) -> str:
    return stripe_gateway.create_portal_session(customer_id, return_url=return_url)


def monthly_equivalent(amount: Decimal, frequency: str) -> Decimal:
    if frequency == Frequency.ANNUAL:
        return (amount / 12).quantize(CENT)
    return amount


appeals_data = Namespace("appeals")


def appeals_now(request=None) -> dict:
    """The active appeals by placement and the fundraising settings (two queries, once per
    process for each version of them); read once for a request that is given."""
    return appeals_data.get("appeals", _appeals, request=request)


def _appeals() -> dict:
    variants = {}
    for appeal in Appeal.objects.filter(active=True).order_by("placement", "position", "pk"):
        variants.setdefault(appeal.placement, []).append(appeal)
    return {"variants": variants, "settings": SupportSettings.load()}


def appeals_changed() -> None:
    """An appeal or the settings changed: drawn afresh, and the pages showing them are stale."""
    appeals_data.bump()
    goal_changed()
    invalidate("support")


def goal_progress() -> dict:
    """This month's recurring revenue plus net one-time gifts against the goal, as of at
    most GOAL_SECONDS ago (gifts refresh it: goal_changed)."""
    return cache.get_or_set(GOAL_KEY, _goal_now, GOAL_SECONDS)


def _goal_now() -> dict:
    return _goal_progress(_settings_with_ledger_sums(timezone.now()))


def goal_changed() -> None:
    """Money came in or went back: the goal meter is counted again (no page goes stale),
    now and after the commit (a count made in between read the rows before it)."""
    cache.delete(GOAL_KEY)
    transaction.on_commit(lambda: cache.delete(GOAL_KEY), robust=True)


def _total(queryset, expression):
    grouped = queryset.order_by().annotate(_all=Value(1)).values("_all")
    return Coalesce(Subquery(grouped.annotate(total=Sum(expression)).values("total")), ZERO)


def _settings_with_ledger_sums(now: datetime) -> SupportSettings:
    month_start = now.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    live = Donation.objects.recurring_live()
    this_month = Payment.objects.filter(paid_at__gte=month_start)
    # Money a live recurring gift paid this month and gave back (refund, lost dispute).
    given_back = this_month.filter(donation__status__in=Donation.RECURRING_LIVE)
    query = SupportSettings.objects.filter(pk=1).annotate(
        monthly_sum=_total(live.filter(frequency=Frequency.MONTHLY), "amount"),
        annual_sum=_total(live.filter(frequency=Frequency.ANNUAL), "amount"),
        one_time_sum=_total(this_month.filter(kind=Payment.Kind.ONE_TIME), NET),
        monthly_back=_total(given_back.filter(donation__frequency=Frequency.MONTHLY), MONEY_BACK),
        annual_back=_total(given_back.filter(donation__frequency=Frequency.ANNUAL), MONEY_BACK),
    )
    row = query.first()
    if row is None:
        SupportSettings.load()
        row = query.first()
    return row


def _cents(amount: Decimal) -> Decimal:
    # SQLite sums decimals as floats (0.24 + 0.47 is 0.710000000000000): back to cents.
    return Decimal(amount).quantize(CENT)


def _goal_progress(row: SupportSettings) -> dict:
    goal = row.monthly_goal
    monthly = max(Decimal(0), _cents(row.monthly_sum - row.monthly_back))
    recurring = monthly + monthly_equivalent(
        max(Decimal(0), _cents(row.annual_sum - row.annual_back)), "annual"
    )
    one_time = _cents(row.one_time_sum)
    raised = _cents(recurring + one_time)
    percent = int(min(Decimal(100), raised * 100 / goal)) if goal else 100
    return {
        "goal": goal,
        "raised": raised,
        "recurring": recurring,
        "one_time": one_time,
        "percent": percent,
    }


def attribution_report():
    """Return gifts and recurring revenue grouped by article and appeal placement."""
    live = Donation.RECURRING_LIVE
    rows = (
        Donation.objects.given()
        .values("article_id", "article__headline", "placement")
        .annotate(
            donations=Count("id", distinct=True),
            # Counted as the goal meter counts them (Donation.objects.recurring_live()).
            active_monthly=Coalesce(
                Sum("amount", filter=Q(status__in=live, frequency=Frequency.MONTHLY)), ZERO
            ),
            active_annual=Coalesce(
                Sum("amount", filter=Q(status__in=live, frequency=Frequency.ANNUAL)), ZERO
            ),
        )
        .order_by("article__headline", "placement")
    )
    net_by_key = {
        (r["donation__article_id"], r["donation__placement"]): r["net"]
        for r in Payment.objects.values("donation__article_id", "donation__placement").annotate(
            net=Sum(NET)
        )
    }
    report = []
    for row in rows:
        row["recurring_monthly"] = _cents(row["active_monthly"]) + monthly_equivalent(
            _cents(row["active_annual"]), "annual"
        )
        row["net_paid"] = _cents(net_by_key.get((row["article_id"], row["placement"]), 0))
        report.append(row)
    return report
