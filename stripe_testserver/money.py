"""Show amounts the way Stripe's hosted pages do ("$2.00 per month")."""

ZERO_DECIMAL = {"bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd"}
SYMBOLS = {"usd": "$", "eur": "€", "gbp": "£", "cad": "CA$", "aud": "A$", "jpy": "¥"}
# Stripe's minimum charge amounts, in the smallest unit, for the common currencies.
MINIMUMS = {"usd": 50, "eur": 50, "gbp": 30, "cad": 50, "aud": 50, "chf": 50, "jpy": 50}
CURRENCIES = {
    *ZERO_DECIMAL,
    *SYMBOLS,
    *MINIMUMS,
    "brl", "czk", "dkk", "hkd", "huf", "ils", "inr", "mxn", "nok", "nzd", "pln", "ron",
    "sek", "sgd", "thb", "try", "zar", "amd", "gel", "kzt", "uah", "rsd", "bgn", "isk",
}  # fmt: skip


def format_amount(amount: int, currency: str) -> str:
    if currency in ZERO_DECIMAL:
        number = f"{amount:,}"
    else:
        number = f"{amount / 100:,.2f}"
    symbol = SYMBOLS.get(currency)
    return f"{symbol}{number}" if symbol else f"{number} {currency.upper()}"


def frequency(recurring: dict | None) -> str:
    if not recurring:
        return ""
    count, interval = recurring.get("interval_count", 1), recurring["interval"]
    return f"per {interval}" if count == 1 else f"every {count} {interval}s"


def describe_price(amount: int, currency: str, recurring: dict | None) -> str:
    return " ".join(filter(None, [format_amount(amount, currency), frequency(recurring)]))
