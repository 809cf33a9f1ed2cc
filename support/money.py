"""Amounts: Decimal in the app, each currency's minor units at the Stripe boundary.

One table (CURRENCIES) says, for each currency, how Stripe counts it: the decimal places its
API amounts carry, the multiple a charge must be of, the smallest charge it takes (Stripe's
published table) and how the amount is written. Every conversion to or from Stripe and every
amount shown to a donor or editor goes through it.
"""

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

PERIOD_WORDS = {"monthly": "every month", "annual": "every year", "once": "once"}


@dataclass(frozen=True)
class Currency:
    code: str
    exponent: int = 2  # decimal places of the amounts Stripe's API takes and returns
    places: int = 2  # decimal places a donor can give and sees
    step: int = 1  # a charge must be a multiple of this many minor units
    symbol: str = ""  # written before the number; without one, the code and a space
    minimum: Decimal | None = None  # Stripe's smallest charge; None: not in its table
    name: str = ""  # "yen" in "The smallest gift we can take in yen is ¥50."

    @property
    def sign(self) -> str:
        """Its symbol ("$", "¥"), or its code ("BHD") where it has none here."""
        return self.symbol or self.code.upper()

    @property
    def unit(self) -> Decimal:
        """The smallest amount a donor can give: 0.01, 1, or 0.010 for three-decimal ones."""
        return Decimal(self.step).scaleb(-self.exponent)


# Stripe's zero-decimal currencies: the amount is the number of units (¥50 is 50).
ZERO_DECIMAL = (
    "bif clp djf gnf jpy kmf krw mga pyg rwf ugx vnd vuv xaf xof xpf"
).split()  # fmt: skip
# Three-decimal currencies: 1.500 BHD is 1500, and a charge must be a multiple of 10.
THREE_DECIMAL = ("bhd", "jod", "kwd", "omr", "tnd")
# Stripe's minimum charge amounts (docs.stripe.com/currencies, "Minimum and maximum charge
# amounts"); for other currencies Stripe asks for the equivalent of $0.50 at its own rate.
MINIMUMS = {
    "usd": "0.50", "aed": "2.00", "aud": "0.50", "bgn": "1.00", "brl": "0.50", "cad": "0.50",
    "chf": "0.50", "czk": "15.00", "dkk": "2.50", "eur": "0.50", "gbp": "0.30", "hkd": "4.00",
    "huf": "175.00", "inr": "0.50", "jpy": "50", "mxn": "10", "myr": "2", "nok": "3.00",
    "nzd": "0.50", "pln": "2.00", "ron": "2.00", "sek": "3.00", "sgd": "0.50", "thb": "10",
}  # fmt: skip
SYMBOLS = {"usd": "$", "eur": "€", "gbp": "£", "jpy": "¥", "krw": "₩", "inr": "₹"}
NAMES = {
    "usd": "dollars", "eur": "euros", "gbp": "pounds", "jpy": "yen", "krw": "won",
    "inr": "rupees", "cad": "Canadian dollars", "aud": "Australian dollars",
}  # fmt: skip


def _entry(code: str) -> Currency:
    minimum = Decimal(MINIMUMS[code]) if code in MINIMUMS else None
    common = {"symbol": SYMBOLS.get(code, ""), "minimum": minimum, "name": NAMES.get(code, "")}
    if code in ZERO_DECIMAL:
        return Currency(code, exponent=0, places=0, **common)
    if code in THREE_DECIMAL:
        return Currency(code, exponent=3, places=3, step=10, **common)
    if code == "isk":
        # Whole krónur, written with two decimals "00" in the API for backwards compatibility.
        return Currency(code, exponent=2, places=0, step=100, **common)
    return Currency(code, **common)


def currency(code: str) -> Currency:
    """Return how Stripe counts a currency ("usd", "JPY"); two decimals unless listed."""
    return _entry(code.lower())


class AmountError(ValueError):
    """A typed amount that cannot be read or charged; the message says why."""


def to_minor(amount: Decimal, code: str) -> int:
    """Return the amount in Stripe's minor units for the currency: $7.50 is 750, ¥50 is 50.

    Raise AmountError for an amount the currency cannot carry (¥7.50, 1.505 BHD): money is
    never rounded on its way to Stripe.
    """
    money = currency(code)
    units = Decimal(amount).scaleb(money.exponent)
    if units != units.to_integral_value() or int(units) % money.step:
        raise AmountError(f"{format_money(amount, code)} cannot be charged: {_whole(money)}")
    return int(units)


def from_minor(units: int, code: str) -> Decimal:
    """Return an amount Stripe gives in minor units as a Decimal: 750 USD is 7.50."""
    money = currency(code)
    return Decimal(int(units)).scaleb(-money.exponent).quantize(Decimal(1).scaleb(-money.exponent))


def check_chargeable(amount: Decimal, code: str) -> None:
    """Raise AmountError, in the currency's terms, unless Stripe can charge this amount."""
    money = currency(code)
    to_minor(amount, code)
    if money.minimum is not None and amount < money.minimum:
        raise AmountError(
            f"The smallest gift we can take{_in(money)} is {format_money(money.minimum, code)}."
        )


def fee_estimate(amount: Decimal, code: str, percent: Decimal, fixed: Decimal) -> Decimal:
    """Estimate the processing fee on a gift: `percent` of it plus `fixed`, rounded half up
    to an amount the currency can charge ($2 at 2.9% + $0.30 is $0.36; ¥1,000 at 3.6% is
    ¥36). An estimate only: the fee depends on the method the donor picks at Checkout."""
    money = currency(code)
    raw = Decimal(amount) * Decimal(percent) / 100 + Decimal(fixed)
    if raw <= 0:
        return Decimal(0).quantize(money.unit)
    units = (raw / money.unit).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return (max(units, Decimal(1)) * money.unit).quantize(Decimal(1).scaleb(-money.places))


def _in(money: Currency) -> str:
    return f" in {money.name}" if money.name else ""


def _whole(money: Currency) -> str:
    if money.places == 0:
        return f"amounts{_in(money)} are whole numbers, like 500."
    return f"amounts{_in(money)} go in steps of {format_money(money.unit, money.code)}."


def format_money(amount: Decimal, code: str, *, short: bool = False) -> str:
    """Write an amount as donors read it: "$10,000.00", "€7.50", "¥50", "BHD 1.500".

    Rounded half up to the currency's places, never cut short ("$7.50", not "$7.5"). With
    `short`, whole amounts lose their decimals ("$2"), as on buttons.
    """
    money = currency(code)
    value = Decimal(amount).quantize(Decimal(1).scaleb(-money.places), rounding=ROUND_HALF_UP)
    places = 0 if short and value == value.to_integral_value() else money.places
    number = f"{abs(value):,.{places}f}"
    sign = "-" if value < 0 else ""
    if money.symbol:
        return f"{sign}{money.symbol}{number}"
    return f"{sign}{money.code.upper()} {number}"


def format_amount(amount: Decimal, code: str | None = None) -> str:
    """The short form in the site's currency: "$2" for whole dollars, "$2.50" otherwise."""
    return format_money(amount, code or settings.DONATION_CURRENCY, short=True)


def describe_gift(amount: Decimal, frequency: str, code: str | None = None) -> str:
    """Return e.g. "$2 every month" or "¥500 once"."""
    return f"{format_amount(amount, code)} {PERIOD_WORDS.get(frequency, frequency)}"


HOW_TO_TYPE = "Enter the amount as a number, like 15 or 7.50."
_SIGNS = r"US\$|USD|EUR|GBP|JPY|KRW|INR|[$€£¥₩₹]"
_CURRENCY = re.compile(rf"^(?:{_SIGNS})\s*|\s*(?:{_SIGNS})$", re.IGNORECASE)
_GROUPED = re.compile(r"\d{1,3}(?:[,.' ]\d{3})+")
_FILS = re.compile(r"(?P<whole>[0-9]+)[.,](?P<fils>[0-9]{3})")
_AMOUNT = re.compile(r"(?P<whole>[0-9][0-9.,' ]*?)(?:(?P<mark>[.,])(?P<cents>[0-9]{1,2}))?")


def parse_amount(text: str, code: str = "") -> Decimal:
    """Read an amount a person typed: "7.50", "7,50", "$1,000", "1.000,50" or "1 000".

    A separator followed by one or two digits at the end is the decimal mark; separators
    between groups of three digits are thousands separators. Anything else is refused
    rather than guessed, because a wrong guess charges a donor the wrong amount. In a
    three-decimal currency (`code`: BHD, KWD...) "2.500" is two and a half, as its donors
    write it.
    """
    raw = _CURRENCY.sub("", text.strip().replace("\u00a0", " ").replace("\u202f", " ")).strip()
    if not raw:
        raise AmountError("Enter an amount.")
    if code and currency(code).places == 3 and (fils := _FILS.fullmatch(raw)):
        return Decimal(f"{fils.group('whole')}.{fils.group('fils')}")
    parts = _AMOUNT.fullmatch(raw)
    if parts is None:
        raise AmountError(HOW_TO_TYPE)
    whole, mark, cents = parts.group("whole", "mark", "cents")
    if not whole.isdigit():
        separators = set(re.sub(r"\d", "", whole))
        if not _GROUPED.fullmatch(whole) or len(separators) != 1 or mark in separators:
            raise AmountError(_why_not(raw, code))
        if separators == {"."} and mark != ",":
            # "1.000" is a thousand to some readers and one dollar to others.
            raise AmountError(f"Type {whole.replace('.', '')} without a dot, or cents like 7.50.")
    return Decimal(f"{re.sub(r'[^0-9]', '', whole)}.{(cents or '').ljust(2, '0')}")


def _why_not(raw: str, code: str = "") -> str:
    if re.fullmatch(r"[0-9]+[.,]([0-9]{3,})?", raw):
        money = currency(code or settings.DONATION_CURRENCY)
        if money.places == 0:
            return f"Enter a whole amount{_in(money)}, like 500."
        units = f"in {money.name}" if money.name else f"in {money.code.upper()}"
        units += " and cents" if money.code == "usd" else ""
        return f"Enter the amount {units}, like 7.50."
    return HOW_TO_TYPE
