"""Emails to donors about their gifts: owed in the outbox (outbox.services), drawn when sent
(support.receipts), each once: a receipt per payment, a failure notice and an ending per gift."""

import logging

from django.conf import settings
from django.core import signing
from django.urls import reverse

from outbox.services import email_owe
from support.models import Donation, Payment

logger = logging.getLogger(__name__)

RECEIPT, PAYMENT_FAILED, GIFT_ENDED = "receipt", "payment_failed", "gift_ended"
MANAGE_SALT = "support.manage-gift"
MANAGE_LINK_MAX_AGE = 60 * 60 * 24 * 90
SUBJECTS = {
    RECEIPT: "Your receipt from {name}: thank you",
    PAYMENT_FAILED: "Your gift to {name} could not be charged",
    GIFT_ENDED: "Your gift to {name} has ended",
}


def kind_of(name: str) -> str:
    """The outbox's kind for one of the donor emails above ("support.receipt")."""
    return f"support.{name}"


def key_of(name: str, about: str) -> str:
    """What an email is about, as the outbox keeps it once: a receipt per payment
    ("payment:42"), a failure per invoice ("invoice:in_…") or per one-time gift, an ending
    per gift ("donation:7")."""
    return f"{kind_of(name)}:{about}"


def manage_link(donation: Donation) -> str:
    """Return the link that opens Stripe's portal for the customer this gift belongs to."""
    token = signing.dumps({"gift": donation.pk}, salt=MANAGE_SALT, compress=True)
    return settings.SITE_URL + reverse("support:manage", args=[token])


def owe(*, kind: str, donation: Donation, payment: Payment | None = None, about: str = "") -> bool:
    """Owe the donor an email about their gift once (what it is about: the payment, else
    `about`, else the gift); it is sent after the commit. Return whether it is newly owed."""
    to = donation.address
    if not to:
        logger.info("No email address for donation %s; %s not sent", donation.pk, kind)
        return False
    payment_id = payment.pk if payment is not None else None
    if not about:
        about = f"payment:{payment_id}" if payment_id else f"donation:{donation.pk}"
    return email_owe(
        key=key_of(kind, about),
        kind=kind_of(kind),
        to=to,
        context={"donation": donation.pk, "payment": payment_id},
    )


def publication_context() -> dict:
    from publication.services import masthead

    return {
        "publication": masthead()["publication"],
        "site_url": settings.SITE_URL,
        "test_mode": not settings.STRIPE_SECRET_KEY.startswith("sk_live_"),
    }
