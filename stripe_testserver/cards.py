"""Stripe's test card numbers and the checks Checkout makes on a typed card."""

import datetime
import hashlib
import re
from dataclasses import dataclass

from .errors import CardError

# Stripe's test cards that succeed and then do something later, as in real test mode.
LATER = {
    "4000000000000259": "dispute",  # the payment is disputed as fraudulent right away
    "4000000000005126": "refund_fails",  # refunds succeed, then fail asynchronously
}
BRANDS = {"4242424242424242": "visa", "5555555555554444": "mastercard"} | dict.fromkeys(
    LATER, "visa"
)
DECLINES = {
    "4000000000000002": ("generic_decline", "Your card was declined."),
    "4000000000009995": ("insufficient_funds", "Your card has insufficient funds."),
}


@dataclass
class Card:
    number: str
    exp_month: int
    exp_year: int
    name: str | None = None
    email: str | None = None

    @property
    def brand(self) -> str:
        return BRANDS.get(self.number, "visa")

    @property
    def last4(self) -> str:
        return self.number[-4:]

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(self.number.encode()).hexdigest()[:16]

    def decline(self) -> CardError | None:
        """Return the error a charge on this card meets, or None when it succeeds."""
        if self.number in DECLINES:
            decline_code, message = DECLINES[self.number]
            return CardError(message, decline_code=decline_code)
        return None


def read_card(number: str, expiry: str = "", cvc: str = "", *, require_all: bool) -> Card:
    """Check a typed card the way Checkout's form does; raise CardError with its message."""
    digits = re.sub(r"[\s-]", "", number or "")
    if digits not in BRANDS and digits not in DECLINES:
        raise CardError("Your card number is incorrect.", code="incorrect_number")
    month, year = _expiry(expiry, require_all)
    if require_all and not re.fullmatch(r"\d{3,4}", (cvc or "").strip()):
        raise CardError("Your card's security code is incomplete.", code="incomplete_cvc")
    return Card(number=digits, exp_month=month, exp_year=year)


def _expiry(expiry: str, required: bool) -> tuple[int, int]:
    today = datetime.date.today()
    if not expiry and not required:
        return 12, today.year + 5
    match = re.fullmatch(r"\s*(\d{1,2})\s*/\s*(\d{2}|\d{4})\s*", expiry or "")
    if not match or not 1 <= int(match[1]) <= 12:
        raise CardError("Your card's expiration date is incomplete.", code="incomplete_expiry")
    month, year = int(match[1]), int(match[2])
    if year < 100:
        year += 2000
    if (year, month) < (today.year, today.month):
        raise CardError("Your card's expiration year is in the past.", code="invalid_expiry_year")
    return month, year
