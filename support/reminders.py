"""Remind me later: reminders a reader chose, kept as rows and sent when due."""

import functools
import logging
import uuid
from datetime import date, timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, connection, transaction
from django.db.models import DateTimeField, ExpressionWrapper, OuterRef
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from newsroom.queue import after_commit, publish
from outbox.messages import render_message
from outbox.services import email_owe
from publication.services import sender
from readers.addresses import normalise
from readers.confirmations import LIFETIME as CONFIRM_LIFETIME
from readers.confirmations import confirmation_link
from support import currencies
from support.emails import publication_context
from support.models import Donation, Donor, Frequency, Placement, Reminder, SupportSettings
from support.money import format_amount

logger = logging.getLogger(__name__)

CANCEL_SALT = "support.reminder-cancel"
CANCEL_MAX_AGE = 60 * 60 * 24 * 400
STUCK_AFTER = timedelta(minutes=15)
SEND = "support.tasks.send_reminder"
CONVERSION_WINDOW = timedelta(days=14)
MAX_ATTEMPTS = 5
GIVEN = {f"given{i}": status for i, status in enumerate(Donation.GIVEN)}


def consent_text(due_on: date) -> str:
    return f"We will send you one email on {due_on.day} {due_on:%B %Y}. Cancel any time."


def reminder_request(
    *,
    email: str,
    due_on: date,
    article=None,
    placement: str = "",
    token: uuid.UUID | None = None,
) -> Reminder | None:
    """Ask the mailbox to confirm a reminder, unless it has one pending or awaiting
    confirmation; never change an existing one. Nothing is sent before it is confirmed.

    Anyone may type any address, so a request that finds a reminder leaves it as it is (its
    date, its story) and returns None; the reader is told the same either way. A request
    left unconfirmed past the confirmation link's life no longer holds the mailbox.
    """
    email = email.strip().lower()
    address = normalise(email)
    mailbox = Reminder.objects.filter(address=address)
    mailbox.filter(
        status=Reminder.Status.AWAITING, created_at__lt=timezone.now() - CONFIRM_LIFETIME
    ).update(status=Reminder.Status.CANCELLED, updated_at=timezone.now())
    if mailbox.filter(status__in=[Reminder.Status.PENDING, Reminder.Status.AWAITING]).exists():
        return None
    with transaction.atomic():
        reminder = Reminder.objects.create(
            email=email,
            address=address,
            token=token or uuid.uuid4(),
            due_on=due_on,
            article=article,
            placement=placement,
            status=Reminder.Status.AWAITING,
            consent_text=consent_text(due_on),
            consented_at=timezone.now(),
        )
        _owe_confirmation(email, reminder.pk)
    return reminder


# Confirming a reminder (readers.confirmations): its subject names the reminder.
CONFIRM = "support.reminder"
CONFIRM_EMAIL = "support.reminder_confirm"


def _owe_confirmation(email: str, reminder_id: int) -> None:
    """Owe the email that asks the mailbox to confirm (a new one for each asking)."""
    email_owe(
        key=f"{CONFIRM_EMAIL}:{reminder_id}:{uuid.uuid4().hex[:12]}",
        kind=CONFIRM_EMAIL,
        to=email,
        context={"reminder": reminder_id},
    )


def _awaiting(subject: str) -> Reminder | None:
    reminder_id = subject.partition(":")[2]
    if not reminder_id.isdigit():
        return None
    return Reminder.objects.filter(pk=int(reminder_id), status=Reminder.Status.AWAITING).first()


def confirmation_describe(subject: str) -> str:
    reminder = _awaiting(subject)
    if reminder is None:
        return "a reminder that is no longer waiting"
    return f"one reminder email on {reminder.due_on.day} {reminder.due_on:%B %Y}"


def confirmation_confirmed(mailbox, subject: str) -> str:
    """Set the reminder the link names, once (the page says what became of it)."""
    with transaction.atomic():
        reminder = _awaiting(subject)
        if reminder is None or reminder.address != mailbox.key:
            return "This reminder was cancelled or set already: nothing was changed."
        try:
            with transaction.atomic():
                Reminder.objects.filter(pk=reminder.pk).update(
                    status=Reminder.Status.PENDING,
                    consented_at=timezone.now(),
                    updated_at=timezone.now(),
                )
        except IntegrityError:  # the mailbox has a pending reminder already
            return "You already have a reminder set: nothing was changed."
    return f"Your reminder is set. {consent_text(reminder.due_on)}"


def confirmation_resend(email: str, subject: str) -> None:
    reminder = _awaiting(subject)
    if reminder is not None:
        _owe_confirmation(reminder.email, reminder.pk)


def confirmation_draw(row) -> EmailMultiAlternatives | None:
    """The confirmation email, drawn when sent: its link is made now and kept nowhere else."""
    reminder = Reminder.objects.filter(
        pk=row.context.get("reminder"), status=Reminder.Status.AWAITING
    ).first()
    if reminder is None:
        return None  # confirmed, cancelled or erased meanwhile
    context = {
        **publication_context(),
        "reminder": reminder,
        "confirm_url": confirmation_link(email=reminder.email, subject=f"{CONFIRM}:{reminder.pk}"),
    }
    return render_message(
        "support/email/reminder_confirm",
        subject=f"Confirm your reminder from {context['publication'].name}",
        to=reminder.email,
        from_email=sender(),
        context=context,
    )


def reminder_undo(*, token: uuid.UUID) -> None:
    """Cancel the reminder a confirmation page's own link names, if there is one."""
    Reminder.objects.filter(
        token=token, status__in=[Reminder.Status.PENDING, Reminder.Status.AWAITING]
    ).update(status=Reminder.Status.CANCELLED, updated_at=timezone.now())


def reminders_dispatch_due(*, today: date | None = None, batch_size: int = 500) -> int:
    """Mark due reminders as sending, batch by batch, and enqueue one send each."""
    today = today or timezone.localdate()
    total = 0
    while True:
        with transaction.atomic():
            ids = list(
                Reminder.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(status=Reminder.Status.PENDING, due_on__lte=today)
                .order_by("due_on", "pk")
                .values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                break
            Reminder.objects.filter(pk__in=ids).update(
                status=Reminder.Status.SENDING, sending_since=timezone.now()
            )
            after_commit(SEND, [(pk,) for pk in ids], on_unsent=_left_unsent)
        total += len(ids)
    return total + _requeue_stuck()


def _requeue_stuck() -> int:
    """Re-enqueue reminders whose send message was lost (a worker died mid-send)."""
    cutoff = timezone.now() - STUCK_AFTER
    stuck = Reminder.objects.filter(status=Reminder.Status.SENDING, sending_since__lt=cutoff)
    ids = list(stuck.values_list("pk", flat=True)[:1000])
    if ids:
        Reminder.objects.filter(pk__in=ids).update(sending_since=timezone.now())
        _enqueue_sends(ids)
    return len(ids)


def _enqueue_sends(ids: list[int]) -> None:
    """Publish one send per reminder over a single broker connection."""

    publish(SEND, [(pk,) for pk in ids], on_unsent=_left_unsent)


def _left_unsent(calls: list[tuple]) -> None:
    # Count them as stuck already, so the next dispatch re-enqueues them as soon as the
    # broker is back rather than after STUCK_AFTER.
    Reminder.objects.filter(pk__in=[pk for (pk,) in calls], status=Reminder.Status.SENDING).update(
        sending_since=timezone.now() - STUCK_AFTER
    )


# The send is the hot loop of a large dispatch, so its two statements are written out
# once rather than compiled by the ORM on every call: that halves its CPU time
# (bench/reminders.py). The gift check rides on the locking query and reads the
# lower-cased email indexes, so it stays cheap however many donations there are.
_CLAIM_SQL = """
SELECT r.id, r.email, r.due_on, r.article_id, r.consented_at,
       EXISTS (SELECT 1 FROM {donation} d
               WHERE LOWER(d.email) = LOWER(r.email) AND d.created_at >= r.created_at
                 AND d.status IN ({given}))
    OR EXISTS (SELECT 1 FROM {donation} d JOIN {donor} o ON o.id = d.donor_id
               WHERE LOWER(o.email) = LOWER(r.email) AND d.created_at >= r.created_at
                 AND d.status IN ({given})) AS has_given
FROM {reminder} r
WHERE r.id = %(id)s AND r.status = %(sending)s
{lock}"""
_FINISH_SQL = """
UPDATE {reminder} SET status = %(status)s, sent_at = %(sent_at)s, updated_at = %(now)s
WHERE id = %(id)s"""
_ATTEMPT_SQL = """
UPDATE {reminder} SET attempts = attempts + 1 WHERE id = %(id)s AND status = %(sending)s"""


@functools.cache
def _statements() -> tuple[str, str, str]:
    features = connection.features
    lock = (
        "FOR UPDATE OF r SKIP LOCKED"
        if features.has_select_for_update_skip_locked and features.has_select_for_update_of
        else ""  # SQLite: a write transaction already excludes other writers
    )
    tables = {
        "reminder": Reminder._meta.db_table,
        "donation": Donation._meta.db_table,
        "donor": Donor._meta.db_table,
    }
    given = ", ".join(f"%({name})s" for name in GIVEN)
    return (
        _CLAIM_SQL.format(lock=lock, given=given, **tables),
        _FINISH_SQL.format(**tables),
        _ATTEMPT_SQL.format(**tables),
    )


def reminder_send(*, reminder_id: int) -> str:
    """Send one reminder at most once; return what became of it.

    The attempt is counted in a transaction of its own before the send, and a failure
    is recorded after it, so neither is lost to the rollback of a failed send.
    """
    claim, finish, attempt = _statements()
    with connection.cursor() as cursor:
        cursor.execute(attempt, {"id": reminder_id, "sending": Reminder.Status.SENDING})
    try:
        with transaction.atomic():
            found = Reminder.objects.raw(
                claim, {"id": reminder_id, "sending": Reminder.Status.SENDING, **GIVEN}
            )
            reminder = next(iter(found), None)
            if reminder is None:
                return "skipped"
            now = timezone.now()
            if reminder.has_given:
                outcome = {"status": Reminder.Status.CANCELLED, "sent_at": None}
            else:
                _message(reminder).send()
                outcome = {"status": Reminder.Status.SENT, "sent_at": now}
            with connection.cursor() as cursor:
                cursor.execute(finish, {**outcome, "now": now, "id": reminder_id})
    except Exception as exc:
        return reminder_record_failure(reminder_id=reminder_id, error=exc)
    return str(outcome["status"])


def reminder_record_failure(*, reminder_id: int, error: BaseException) -> str:
    """Keep why a send failed; give up after MAX_ATTEMPTS, else the sweep retries it."""
    logger.warning("Reminder %s not sent: %s", reminder_id, error)
    sending = Reminder.objects.filter(pk=reminder_id, status=Reminder.Status.SENDING)
    text = f"{type(error).__name__}: {error}"[:2000]
    sending.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=Reminder.Status.FAILED, last_error=text, updated_at=timezone.now()
    )
    sending.update(last_error=text, updated_at=timezone.now())
    status = Reminder.objects.filter(pk=reminder_id).values_list("status", flat=True).first()
    return "failed" if status == Reminder.Status.FAILED else "retry"


def cancel_token(reminder: Reminder) -> str:
    return signing.dumps({"email": reminder.email}, salt=CANCEL_SALT, compress=True)


def reminder_email_from_token(token: str) -> str:
    """Return the address an emailed cancel link names; raise BadSignature when not ours."""
    return signing.loads(token, salt=CANCEL_SALT, max_age=CANCEL_MAX_AGE)["email"]


def reminders_cancel(*, token: str) -> tuple[str, int]:
    """Cancel every pending reminder for the address a token names; raise BadSignature."""
    email = reminder_email_from_token(token)
    count = Reminder.objects.filter(
        address=normalise(email),
        status__in=[Reminder.Status.AWAITING, Reminder.Status.PENDING, Reminder.Status.SENDING],
    ).update(status=Reminder.Status.CANCELLED, updated_at=timezone.now())
    return email, count


def support_link(reminder: Reminder) -> str:
    query = f"?placement={Placement.REMINDER}"
    if reminder.article_id:
        query += f"&article={reminder.article_id}"
    return settings.SITE_URL + reverse("support:give") + query


def _smallest_monthly():
    """The smallest monthly amount offered in the base currency (the default gift if none)."""
    monthly = currencies.ladders(settings.DONATION_CURRENCY).get(Frequency.MONTHLY, [])
    return min(monthly, default=SupportSettings.load().default_amount)


def _message(reminder: Reminder) -> EmailMultiAlternatives:
    cancel_url = settings.SITE_URL + reverse("support:remind-cancel", args=[cancel_token(reminder)])
    context = {
        **publication_context(),
        "reminder": reminder,
        "story": reminder.article if reminder.article_id else None,
        "support_url": support_link(reminder),
        "cancel_url": cancel_url,
        "smallest_monthly": format_amount(_smallest_monthly()),
    }
    # One-click unsubscribe (RFC 8058): the provider POSTs to the cancel link.
    headers = {
        "List-Unsubscribe": f"<{cancel_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    name = context["publication"].name
    return render_message(
        "support/email/reminder",
        subject=f"Your reminder from {name}",
        to=reminder.email,
        from_email=sender(),
        context=context,
        headers=headers,
    )


def conversion_stats() -> dict:
    """Return sent reminders and how many led to a gift within 14 days."""
    window_end = ExpressionWrapper(
        OuterRef("sent_at") + CONVERSION_WINDOW, output_field=DateTimeField()
    )
    gifts = Donation.objects.filter(created_at__gte=OuterRef("sent_at"), created_at__lt=window_end)
    sent = Reminder.objects.filter(status=Reminder.Status.SENT)
    total = sent.count()
    converted = sent.filter(gifts.given_by_address(Lower(OuterRef("email")))).count()
    return {"sent": total, "converted": converted, "rate": (converted / total) if total else 0.0}
