"""Signing in to the donor account by a link sent by email (readers' single-use tokens).

A donor types an address; if any gift was given from its mailbox, the outbox owes it a
sign-in link, valid SIGN_IN_LIFETIME and usable once. The page reads the same whether the
address gave or not, and whether the per-address limit was reached (nothing is sent then).
The token is made when the email is drawn, so it lives only in the email sent.
"""

from datetime import timedelta

from django.core import signing
from django.urls import reverse
from django.utils import timezone

from newsroom.links import absolute_url
from outbox.messages import render_message
from outbox.models import Email
from outbox.services import email_owe
from publication.services import sender
from readers.addresses import normalise
from readers.models import Mailbox, Token
from readers.services import (
    link_request_limited,
    mailbox_get,
    mailbox_ref,
    token_issue,
)
from support import emails
from support.models import Donation, Donor

SIGN_IN_LIFETIME = timedelta(minutes=30)
KIND = "support.sign_in"
SUBJECT = "Sign in to manage your gifts to {name}"
SIGN_IN = Token.Purpose.SIGN_IN
# Gifts that never reached Stripe's payment page, or were left there, are nobody's account.
NOT_A_GIFT = [Donation.Status.PENDING, Donation.Status.ABANDONED]


def has_given(email: str) -> bool:
    """Whether any gift was made from this address's mailbox (under any of its spellings)."""
    donors = Donor.objects.filter(mailbox=normalise(email))
    return Donation.objects.filter(donor__in=donors).exclude(status__in=NOT_A_GIFT).exists()


def sign_in_request(*, email: str, network: str) -> str:
    """Count a request for a sign-in link and owe it when allowed.

    Return "network" when the client's network asked too often (answer 429), else "" (the
    answer is the same whether a link was sent, the address gave nothing, or the address
    asked too often).
    """
    limited = link_request_limited(network=network, email=email)
    if limited == "network":
        return "network"
    if not limited and has_given(email):
        sign_in_owe(email=email)
    return ""


def sign_in_owe(*, email: str) -> bool:
    """Owe the mailbox a sign-in link (each request its own email; the limits bound them)."""
    mailbox = mailbox_get(email, create=True)
    return email_owe(
        key=f"{KIND}:mailbox:{mailbox.pk}:{timezone.now():%Y%m%dT%H%M%S.%f}",
        kind=KIND,
        to=mailbox.email,
        context={"mailbox": mailbox.pk},
    )


def draw(email: Email):
    """The sign-in email, with a token issued now (None: the mailbox was erased since)."""
    mailbox = Mailbox.objects.filter(pk=email.context.get("mailbox")).first()
    if mailbox is None:
        return None
    token = token_issue(mailbox=mailbox, purpose=SIGN_IN, lifetime=SIGN_IN_LIFETIME)
    link = absolute_url(reverse("support:account-sign-in", args=[mailbox_ref(mailbox), token]))
    context = {
        **emails.publication_context(),
        "test_mode": False,  # moves no money
        "link": link,
        "minutes": int(SIGN_IN_LIFETIME.total_seconds() // 60),
        "account_url": absolute_url(reverse("support:account")),
    }
    return render_message(
        "support/email/sign_in",
        subject=SUBJECT.format(name=context["publication"].name),
        to=email.to,
        from_email=sender(),
        context=context,
    )


def gift_of_manage_link(token: str) -> Donation | None:
    """The gift a receipt's manage link names, however old the link (its signature is
    checked): an expired link may still ask for a sign-in link to that gift's address."""
    try:
        data = signing.loads(token, salt=emails.MANAGE_SALT)
        if "gift" in data:
            return Donation.objects.select_related("donor").filter(pk=int(data["gift"])).first()
        donor = Donor.objects.filter(pk=int(data["donor"])).first()
    except (signing.BadSignature, KeyError, ValueError, TypeError):
        return None
    return donor.donations.select_related("donor").first() if donor else None


def manage_link_fresh(token: str) -> bool:
    try:
        signing.loads(token, salt=emails.MANAGE_SALT, max_age=emails.MANAGE_LINK_MAX_AGE)
    except signing.BadSignature:
        return False
    return True
