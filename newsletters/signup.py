"""Signing up: a pending subscription, one confirmation email (readers' confirmations), and
nothing else sent until the reader confirms.

Anyone may type anyone's address into the form, so a request changes nothing a reader
chose: a confirmed subscription stays as it is, and the page reads the same whatever the
address was. What it can do to a stranger is send them one email asking them to confirm,
which the rate limits (per network, per mailbox) and the one pending confirmation per
mailbox keep to a trickle.
"""

import uuid

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from newsletters.models import Newsletter, Subscription
from outbox.messages import render_message
from outbox.models import Email
from outbox.services import email_owe
from publication.services import masthead, sender
from readers.confirmations import confirmation_link
from readers.models import Mailbox
from readers.services import mailbox_get, mailbox_suppressed

CONFIRM_KIND = "newsletters.confirm"  # the outbox's kind of the confirmation email
CONFIRMABLE = "newsletters.subscription"  # readers' confirmation kind
State = Subscription.State


def signup_request(*, email: str, newsletters) -> None:
    """Ask to confirm the address on these lists (those accepting sign-ups); see above."""
    newsletters = [n for n in newsletters if n.accepting_signups]
    if not newsletters:
        return
    mailbox = mailbox_get(email, create=True)
    with transaction.atomic():
        for newsletter in newsletters:
            subscription, created = Subscription.objects.get_or_create(
                newsletter=newsletter, mailbox=mailbox
            )
            if not created and subscription.state == State.UNSUBSCRIBED:
                subscription.state = State.PENDING
                subscription.save(update_fields=["state"])
        confirmation_owe(mailbox)


def confirmation_owe(mailbox: Mailbox) -> bool:
    """Owe the mailbox the email that confirms its pending subscriptions, unless one is
    still waiting to be sent, it has none pending, or it must be sent nothing."""
    pending = Subscription.objects.filter(mailbox=mailbox, state=State.PENDING)
    if not pending.exists() or mailbox_suppressed(mailbox.email):
        return False
    waiting = Email.objects.filter(
        kind=CONFIRM_KIND, context__mailbox=mailbox.pk, status=Email.Status.PENDING
    )
    if waiting.exists():
        return False
    return email_owe(
        key=f"{CONFIRM_KIND}:{mailbox.pk}:{uuid.uuid4().hex}",
        kind=CONFIRM_KIND,
        to=mailbox.email,
        context={"mailbox": mailbox.pk},
    )


def draw_confirmation(email: Email):
    """The confirmation, drawn when the outbox sends it (the link is made only now)."""
    mailbox = Mailbox.objects.filter(pk=email.context.get("mailbox")).first()
    if mailbox is None or mailbox_suppressed(mailbox.email):
        return None
    pending = list(
        Subscription.objects.filter(mailbox=mailbox, state=State.PENDING)
        .select_related("newsletter")
        .order_by("newsletter__position", "pk")
    )
    if not pending:
        return None  # confirmed (or unsubscribed) since it was owed
    subject = f"{CONFIRMABLE}:{','.join(str(s.pk) for s in pending)}"
    context = {
        "publication": masthead()["publication"],
        "site_url": settings.SITE_URL,
        "newsletters": [s.newsletter for s in pending],
        "confirm_url": confirmation_link(email=mailbox.email, subject=subject),
    }
    return render_message(
        "newsletters/email/confirm",
        subject=f"Confirm your subscription to {_names(context['newsletters'])}",
        to=mailbox.email,
        from_email=sender(),
        context=context,
    )


def _ids(subject: str) -> list[int]:
    text = subject.partition(":")[2]
    return [int(part) for part in text.split(",") if part.isascii() and part.isdigit()][:100]


def _names(newsletters) -> str:
    names = [f"“{n.name}”" for n in newsletters]
    return " and ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else names[0]


def describe(subject: str) -> str:
    newsletters = list(Newsletter.objects.filter(subscriptions__pk__in=_ids(subject)))
    return f"your subscription to {_names(newsletters)}" if newsletters else "your subscription"


def confirmed(mailbox: Mailbox, subject: str) -> str:
    """The reader confirmed: the link's pending subscriptions (of its own mailbox) start."""
    subscriptions = Subscription.objects.filter(
        pk__in=_ids(subject), mailbox=mailbox, state=State.PENDING
    )
    newsletters = [s.newsletter for s in subscriptions.select_related("newsletter")]
    subscriptions.update(state=State.CONFIRMED, confirmed_at=timezone.now())
    if not newsletters:
        return "There is nothing left to confirm: you are subscribed already, or unsubscribed."
    return f"You are subscribed to {_names(newsletters)}. The next edition comes to your inbox."


def resend(email: str, subject: str) -> None:
    mailbox = mailbox_get(email)
    if mailbox is not None:
        confirmation_owe(mailbox)
