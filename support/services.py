"""Giving: pending donations, checkout, the goal meter and attribution."""

import logging
from datetime import UTC, datetime
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import (
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from pagecache.tags import invalidate
from pagecache.versions import Namespace
from support import currencies, stripe_gateway
from support.models import (
    Appeal,
    Donation,
    Frequency,
    Payment,
    SiteCurrency,
    SupportSettings,
)
from support.models.ledger import CHARGED, MONEY_BACK, NET
from support.money import currency, format_money

logger = logging.getLogger(__name__)

GOAL_KEY = "support:goal"
GOAL_SECONDS = 60  # how stale the goal meter may be (a gift also refreshes it)
CENT = Decimal("0.01")
ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=12, decimal_places=2))


def donation_create_pending(
    *,
    amount: Decimal,
    frequency: str,
    currency: str = "",
    fee_covered: Decimal | None = None,
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
        currency=currency or settings.DONATION_CURRENCY,
        fee_covered=fee_covered or Decimal("0"),
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


def in_base(expression, currency_row: str = "currency_row"):
    """An amount expression counted in the base currency (DONATION_CURRENCY) at the rate
    editors set on its currency (SiteCurrency.rate; the base's is 1), joined on the currency's
    code in the same query (a gift in a currency with no row counts as the base)."""
    if isinstance(expression, str):
        expression = F(expression)
    return ExpressionWrapper(
        expression * Coalesce(F(f"{currency_row}__rate"), Value(Decimal(1))),
        output_field=DecimalField(max_digits=20, decimal_places=6),
    )


def _settings_with_ledger_sums(now: datetime) -> SupportSettings:
    month_start = now.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    live = Donation.objects.recurring_live()
    this_month = Payment.objects.filter(paid_at__gte=month_start)
    # Money a live recurring gift paid this month and gave back (refund, lost dispute).
    given_back = this_month.filter(donation__status__in=Donation.RECURRING_LIVE)
    others = SiteCurrency.objects.filter(offered=True).exclude(code=settings.DONATION_CURRENCY)
    query = SupportSettings.objects.filter(pk=1).annotate(
        other_currencies=Exists(others),
        monthly_sum=_total(live.filter(frequency=Frequency.MONTHLY), in_base(CHARGED)),
        annual_sum=_total(live.filter(frequency=Frequency.ANNUAL), in_base(CHARGED)),
        one_time_sum=_total(this_month.filter(kind=Payment.Kind.ONE_TIME), in_base(NET)),
        monthly_back=_total(
            given_back.filter(donation__frequency=Frequency.MONTHLY),
            in_base(MONEY_BACK),
        ),
        annual_back=_total(
            given_back.filter(donation__frequency=Frequency.ANNUAL),
            in_base(MONEY_BACK),
        ),
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
        "currency": settings.DONATION_CURRENCY,
        "rates_note": rates_note() if row.other_currencies else "",
    }


def rates_note() -> str:
    """How the goal meter counts other currencies, as it says under itself."""
    base = currency(settings.DONATION_CURRENCY)
    return (
        f"Gifts in other currencies are counted in {base.name or base.code.upper()} at "
        "exchange rates our editors set."
    )


def goal_rates() -> dict[str, str]:
    """Each currency's rate to the base one, as goal.json lists them: {"eur": "€1 = $1.10"}."""
    base = settings.DONATION_CURRENCY
    return {
        c.code: f"{format_money(1, c.code, short=True)} = {format_money(c.rate, base)}"
        for c in currencies.offered()
        if not c.is_base
    }


def attribution_report():
    """Return gifts and recurring revenue grouped by article and appeal placement."""
    live = Donation.RECURRING_LIVE
    amount = in_base(CHARGED)  # every total in the base currency, as the goal meter counts
    rows = (
        Donation.objects.given()
        .values("article_id", "article__headline", "placement")
        .annotate(
            donations=Count("id", distinct=True),
            # Counted as the goal meter counts them (Donation.objects.recurring_live()).
            active_monthly=Coalesce(
                Sum(amount, filter=Q(status__in=live, frequency=Frequency.MONTHLY)), ZERO
            ),
            active_annual=Coalesce(
                Sum(amount, filter=Q(status__in=live, frequency=Frequency.ANNUAL)), ZERO
            ),
        )
        .order_by("article__headline", "placement")
    )
    net_by_key = {
        (r["donation__article_id"], r["donation__placement"]): r["net"]
        for r in Payment.objects.values("donation__article_id", "donation__placement").annotate(
            net=Sum(in_base(NET))
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
