"""Amounts: Decimal in the app, integer cents at the Stripe boundary."""

import re
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
PERIOD_WORDS = {"monthly": "every month", "annual": "every year", "once": "once"}


def to_cents(amount: Decimal) -> int:
    return int((amount * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def from_cents(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(CENT)


class AmountError(ValueError):
    """A typed amount that cannot be read as dollars and cents; the message says why."""


HOW_TO_TYPE = "Enter the amount as a number, like 15 or 7.50."
_CURRENCY = re.compile(r"^(?:US\$|USD|\$)\s*|\s*(?:USD|\$)$", re.IGNORECASE)
_GROUPED = re.compile(r"\d{1,3}(?:[,.' ]\d{3})+")
_AMOUNT = re.compile(r"(?P<whole>[0-9][0-9.,' ]*?)(?:(?P<mark>[.,])(?P<cents>[0-9]{1,2}))?")


def parse_amount(text: str) -> Decimal:
    """Read an amount a person typed: "7.50", "7,50", "$1,000", "1.000,50" or "1 000".

    A separator followed by one or two digits at the end is the decimal mark; separators
    between groups of three digits are thousands separators. Anything else is refused
    rather than guessed, because a wrong guess charges a donor the wrong amount.
    """
    raw = _CURRENCY.sub("", text.strip().replace("\u00a0", " ").replace("\u202f", " ")).strip()
    if not raw:
        raise AmountError("Enter an amount.")
    parts = _AMOUNT.fullmatch(raw)
    if parts is None:
        raise AmountError(HOW_TO_TYPE)
    whole, mark, cents = parts.group("whole", "mark", "cents")
    if not whole.isdigit():
        separators = set(re.sub(r"\d", "", whole))
        if not _GROUPED.fullmatch(whole) or len(separators) != 1 or mark in separators:
            raise AmountError(_why_not(raw))
        if separators == {"."} and mark != ",":
            # "1.000" is a thousand to some readers and one dollar to others.
            raise AmountError(f"Type {whole.replace('.', '')} without a dot, or cents like 7.50.")
    return Decimal(f"{re.sub(r'[^0-9]', '', whole)}.{(cents or '').ljust(2, '0')}")


def _why_not(raw: str) -> str:
    if re.fullmatch(r"[0-9]+[.,]([0-9]{3,})?", raw):
        return "Enter the amount in dollars and cents, like 7.50."
    return HOW_TO_TYPE


def format_amount(amount: Decimal) -> str:
    """Return "$2" for whole dollars and "$2.50" otherwise."""
    amount = Decimal(amount).quantize(CENT)
    if amount == amount.to_integral_value():
        return f"${amount:,.0f}"
    return f"${amount:,.2f}"


def describe_gift(amount: Decimal, frequency: str) -> str:
    """Return e.g. "$2 every month" or "$25 once"."""
    return f"{format_amount(amount)} {PERIOD_WORDS.get(frequency, frequency)}"
