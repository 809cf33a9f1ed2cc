"""Currencies as Stripe counts them, and amounts shown the way its hosted pages do.

Amounts are in each currency's minor units: cents for most, whole units for the zero-decimal
currencies (¥50 is 50), thousandths for the three-decimal ones (1.500 BHD is 1500), whose
amounts Stripe only takes in multiples of 10. ISK is written with two decimals that are always
00. Minimum charges are Stripe's published table; other currencies need the equivalent of
$0.50, which this server, having no exchange rates, does not check.
"""

from .errors import InvalidRequest

ZERO_DECIMAL = {
    "bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv",
    "xaf", "xof", "xpf",
}  # fmt: skip
THREE_DECIMAL = {"bhd", "jod", "kwd", "omr", "tnd"}
STEPS = {**dict.fromkeys(THREE_DECIMAL, 10), "isk": 100}
SYMBOLS = {"usd": "$", "eur": "€", "gbp": "£", "cad": "CA$", "aud": "A$", "jpy": "¥"}
# Stripe's minimum charge amounts, in minor units.
MINIMUMS = {
    "usd": 50, "aed": 200, "aud": 50, "bgn": 100, "brl": 50, "cad": 50, "chf": 50, "czk": 1500,
    "dkk": 250, "eur": 50, "gbp": 30, "hkd": 400, "huf": 17500, "inr": 50, "jpy": 50,
    "mxn": 1000, "myr": 200, "nok": 300, "nzd": 50, "pln": 200, "ron": 200, "sek": 300,
    "sgd": 50, "thb": 1000,
}  # fmt: skip
CURRENCIES = {
    *ZERO_DECIMAL,
    *THREE_DECIMAL,
    *SYMBOLS,
    *MINIMUMS,
    "isk", "ils", "krw", "nok", "twd", "try", "zar", "amd", "gel", "kzt", "uah", "rsd", "idr",
    "php", "pkr", "egp", "ngn", "kes", "cop", "pen", "ars", "clp", "sar", "qar",
}  # fmt: skip
MAXIMUM = 99999999  # eight digits of minor units


def exponent(currency: str) -> int:
    if currency in ZERO_DECIMAL:
        return 0
    return 3 if currency in THREE_DECIMAL else 2


def check_amount(amount: int, currency: str, param: str) -> None:
    """Refuse an amount the currency cannot carry, as Stripe does."""
    step = STEPS.get(currency, 1)
    if amount % step:
        what = "multiples of 10" if step == 10 else "whole krónur (multiples of 100)"
        raise InvalidRequest(
            f"Invalid amount {amount} for {currency.upper()}: amounts in this currency must be "
            f"{what}.",
            code="invalid_charge_amount",
            param=param,
        )


def check_minimum(total: int, currency: str, param: str, what: str) -> None:
    minimum = MINIMUMS.get(currency)
    if minimum is not None and total < minimum:
        raise InvalidRequest(
            f"{what} must add up to at least {format_amount(minimum, currency)} {currency}",
            code="amount_too_small",
            param=param,
        )
    if total > MAXIMUM:
        raise InvalidRequest(f"{what} is too large.", code="amount_too_large", param=param)


def format_amount(amount: int, currency: str) -> str:
    places = exponent(currency)
    number = f"{amount / 10**places:,.{places}f}"
    symbol = SYMBOLS.get(currency)
    return f"{symbol}{number}" if symbol else f"{number} {currency.upper()}"


def frequency(recurring: dict | None) -> str:
    if not recurring:
        return ""
    count, interval = recurring.get("interval_count", 1), recurring["interval"]
    return f"per {interval}" if count == 1 else f"every {count} {interval}s"


def describe_price(amount: int, currency: str, recurring: dict | None) -> str:
    return " ".join(filter(None, [format_amount(amount, currency), frequency(recurring)]))
