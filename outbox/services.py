"""Owing emails and sending them: a row first, sent by Celery after the commit, retried.

An app registers how each of its kinds is drawn (``register``, from its AppConfig.ready);
the outbox knows no app. Each attempt is recorded before the send, and a failure after it,
each in a transaction of its own, so a failed send still counts and says why.
"""

import logging
from collections.abc import Callable
from datetime import timedelta

from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from newsroom.queue import after_commit
from outbox.models import Email

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
RETRY_AFTER = timedelta(minutes=2)
STUCK_AFTER = timedelta(minutes=15)
SEND = "outbox.tasks.send_email"

_drawers: dict[str, Callable[[Email], EmailMessage | None]] = {}


def register(kind: str, draw: Callable[[Email], EmailMessage | None]) -> None:
    """Say how emails of a kind are drawn when sent (None: no longer owed, sent as is)."""
    _drawers[kind] = draw


def email_owe(*, key: str, kind: str, to: str, context: dict | None = None) -> bool:
    """Owe an email once (a key already owed changes nothing); return whether it is new.

    Sent once the current transaction commits.
    """
    email, created = Email.objects.get_or_create(
        key=key, defaults={"kind": kind, "to": to, "context": context or {}}
    )
    if created:
        after_commit(SEND, [(email.pk,)])
    return created


def notice_owe(*, key: str, to: str, subject: str, body: str, from_email: str) -> bool:
    """Owe a plain-text notice (to staff), drawn as it was written."""
    context = {"subject": subject, "body": body, "from": from_email}
    return email_owe(key=key, kind="outbox.notice", to=to, context=context)


def _notice(email: Email) -> EmailMessage:
    context = email.context
    return EmailMessage(context["subject"], context["body"], context["from"], [email.to])


register("outbox.notice", _notice)


def email_send(*, email_id: int) -> bool:
    """Send one owed email once; return False when it was not sent this time."""
    with transaction.atomic():
        email = (
            Email.objects.select_for_update(skip_locked=True)
            .filter(pk=email_id, status=Email.Status.PENDING)
            .first()
        )
        if email is None:
            return False
        email.attempts += 1
        email.status = Email.Status.SENDING
        email.sending_since = timezone.now()
        email.save(update_fields=["attempts", "status", "sending_since"])
    try:
        message = _drawers[email.kind](email)
        if message is not None:
            message.send()
    except Exception as exc:
        logger.warning("Email %s not sent (attempt %s): %s", email_id, email.attempts, exc)
        gave_up = email.attempts >= MAX_ATTEMPTS
        Email.objects.filter(pk=email_id).update(
            status=Email.Status.FAILED if gave_up else Email.Status.PENDING,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        return False
    Email.objects.filter(pk=email_id).update(
        status=Email.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    return True


def emails_retry(*, email_ids) -> int:
    """Send failed emails again (the admin's retry action)."""
    with transaction.atomic():
        ids = list(
            Email.objects.filter(pk__in=email_ids, status=Email.Status.FAILED).values_list(
                "pk", flat=True
            )
        )
        Email.objects.filter(pk__in=ids).update(status=Email.Status.PENDING, attempts=0)
        after_commit(SEND, [(pk,) for pk in ids])
    return len(ids)


def due_email_ids(*, limit: int = 500) -> list[int]:
    """Owed emails to send again: pending ones left over, and sends that never finished.

    Fewest attempts first, so one address that keeps failing cannot hold up the rest.
    """
    now = timezone.now()
    Email.objects.filter(status=Email.Status.SENDING, sending_since__lt=now - STUCK_AFTER).update(
        status=Email.Status.PENDING
    )
    waited = Q(sending_since__isnull=True, created_at__lt=now - RETRY_AFTER) | Q(
        sending_since__lt=now - RETRY_AFTER
    )
    return list(
        Email.objects.filter(waited, status=Email.Status.PENDING)
        .order_by("attempts", "pk")
        .values_list("pk", flat=True)[:limit]
    )
