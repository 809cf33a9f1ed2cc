"""One way to confirm something by email (a newsletter subscription, a reminder).

An app registers a kind once (from its AppConfig.ready)::

    confirmation_register(
        "newsletters.subscription",
        describe=lambda subject: "your subscription to The Morning Brief",
        confirmed=lambda mailbox, subject: "You are subscribed.",   # does it; says so
        resend=lambda email, subject: ...,   # owes the email again (a new outbox key)
    )

and owes an email for a subject ("newsletters.subscription:12") through the outbox. Its
drawer calls `confirmation_link(email=..., subject=...)` when the email is drawn, so the
token lives only in the email sent, never in the outbox's row. The link's page (readers'
views) shows a button on GET (a mail scanner's prefetch confirms nothing) and confirms on
POST; a used or expired link offers a new one (`resend`).

One pending confirmation per mailbox: a new link replaces the mailbox's pending one, so a
stranger typing an address can have at most one live link waiting there. A kind that
confirms several things at once names them in one subject.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.urls import reverse

from newsroom.links import absolute_url
from readers.models import Mailbox, Token
from readers.services import mailbox_get, mailbox_ref, token_issue

LIFETIME = timedelta(days=2)


@dataclass(frozen=True)
class Confirmable:
    describe: Callable[[str], str]
    confirmed: Callable[[Mailbox, str], str]
    resend: Callable[[str, str], None]


_kinds: dict[str, Confirmable] = {}


def confirmation_register(kind: str, *, describe, confirmed, resend) -> None:
    """`describe(subject)` names what is confirmed ("your subscription to …");
    `confirmed(mailbox, subject)` does it and returns what the page says; `resend(email,
    subject)` owes the confirmation email again."""
    _kinds[kind] = Confirmable(describe=describe, confirmed=confirmed, resend=resend)


def confirmable(subject: str) -> Confirmable | None:
    return _kinds.get(subject.partition(":")[0])


def confirmation_link(*, email: str, subject: str, lifetime: timedelta = LIFETIME) -> str:
    """Issue the mailbox's one pending confirmation of `subject`; return its absolute link.

    Call it while drawing the email (outbox), not when owing it.
    """
    if confirmable(subject) is None:
        raise LookupError(f"No confirmation kind registered for {subject!r}.")
    mailbox = mailbox_get(email, create=True)
    token = token_issue(
        mailbox=mailbox, purpose=Token.Purpose.CONFIRM, lifetime=lifetime, subject=subject
    )
    return absolute_url(reverse("readers:confirm", args=[mailbox_ref(mailbox), token]))
