"""What a signed-in mailbox sees: its gifts (across every Stripe customer and spelling of the
address), their payments with receipts, and a statement per calendar year."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

from django.utils import timezone

from newsroom import ratelimit
from readers.models import Mailbox
from support import emails
from support.account.signin import NOT_A_GIFT
from support.models import Donation, Payment
from support.money import format_money
from support.receipts import receipt_number

# A donor may have a receipt sent again this often (each is a new email).
RESEND_RATE = "10/h"


def mailbox_gifts(mailbox: Mailbox):
    """Every gift made from the mailbox, newest first."""
    return (
        Donation.objects.filter(donor__mailbox=mailbox.key)
        .exclude(status__in=NOT_A_GIFT)
        .select_related("donor")
        .order_by("-created_at")
    )


def mailbox_gift(mailbox: Mailbox, donation_id) -> Donation | None:
    return mailbox_gifts(mailbox).filter(pk=donation_id).first()


def mailbox_payments(mailbox: Mailbox):
    return (
        Payment.objects.filter(donation__donor__mailbox=mailbox.key)
        .select_related("donation", "donation__donor")
        .order_by("-paid_at", "-pk")
    )


def mailbox_payment(mailbox: Mailbox, payment_id) -> Payment | None:
    return mailbox_payments(mailbox).filter(pk=payment_id).first()


def receipt_resend(*, mailbox: Mailbox, payment: Payment) -> bool:
    """Owe the payment's receipt again, to the gift's address; False when asked too often."""
    if ratelimit.hit("receipt-resend", mailbox.key, RESEND_RATE):
        return False
    donation = payment.donation
    return emails.owe(
        kind=emails.RECEIPT,
        donation=donation,
        payment=payment,
        about=f"payment:{payment.pk}:again:{timezone.now():%Y%m%dT%H%M%S.%f}",
    )


@dataclass
class Statement:
    year: int
    payments: list[tuple[Payment, str]]  # each with its receipt number
    totals: list[str] = field(default_factory=list)  # "$24.00", one per currency
    refunded: list[str] = field(default_factory=list)


def years_given(mailbox: Mailbox) -> list[int]:
    dates = mailbox_payments(mailbox).dates("paid_at", "year", order="DESC")
    return [d.year for d in dates]


def statement(mailbox: Mailbox, year: int) -> Statement:
    """The year's payments (UTC calendar year) and what was kept of them, per currency."""
    start = datetime(year, 1, 1, tzinfo=UTC)
    end = datetime(year + 1, 1, 1, tzinfo=UTC)
    payments = list(
        mailbox_payments(mailbox).filter(paid_at__gte=start, paid_at__lt=end).order_by("paid_at")
    )
    kept: dict[str, Decimal] = defaultdict(Decimal)
    back: dict[str, Decimal] = defaultdict(Decimal)
    for payment in payments:
        kept[payment.currency] += payment.net_amount
        back[payment.currency] += payment.amount - payment.net_amount
    return Statement(
        year=year,
        payments=[(p, receipt_number(p.donation, p)) for p in payments],
        totals=[format_money(total, currency) for currency, total in sorted(kept.items())],
        refunded=[format_money(b, c) for c, b in sorted(back.items()) if b],
    )
