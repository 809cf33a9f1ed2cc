"""Amounts: Decimal in the app, integer cents at the Stripe boundary."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
PERIOD_WORDS = {"monthly": "every month", "annual": "every year", "once": "once"}


def to_cents(amount: Decimal) -> int:
    return int((amount * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def from_cents(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(CENT)


def format_amount(amount: Decimal) -> str:
    """Return "$2" for whole dollars and "$2.50" otherwise."""
    amount = Decimal(amount).quantize(CENT)
    if amount == amount.to_integral_value():
        return f"${amount:,.0f}"
    return f"${amount:,.2f}"


def describe_gift(amount: Decimal, frequency: str) -> str:
    """Return e.g. "$2 every month" or "$25 once"."""
    return f"{format_amount(amount)} {PERIOD_WORDS.get(frequency, frequency)}"
