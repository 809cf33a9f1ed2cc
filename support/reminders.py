"""Remind me later: reminders a reader chose, kept as rows and sent when due."""

import logging
from datetime import date, timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import DateTimeField, Exists, ExpressionWrapper, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from support.models import Donation, Placement, Reminder

logger = logging.getLogger(__name__)

CANCEL_SALT = "support.reminder-cancel"
CANCEL_MAX_AGE = 60 * 60 * 24 * 400
STUCK_AFTER = timedelta(minutes=15)
CONVERSION_WINDOW = timedelta(days=14)
NOT_GIVEN = [Donation.Status.PENDING, Donation.Status.ABANDONED]


def consent_text(due_on: date) -> str:
    return f"We will send you one email on {due_on.day} {due_on:%B %Y}. Cancel any time."


def reminder_request(*, email: str, due_on: date, article=None, placement: str = "") -> Reminder:
    """Schedule the one pending reminder for an email, moving its date if it exists."""
    email = email.strip().lower()
    fields = {
        "due_on": due_on,
        "article": article,
        "placement": placement,
        "consent_text": consent_text(due_on),
        "consented_at": timezone.now(),
    }
    for _ in range(2):
        try:
            with transaction.atomic():
                pending = (
                    Reminder.objects.select_for_update()
                    .filter(email=email, status=Reminder.Status.PENDING)
                    .first()
                )
                if pending is None:
                    return Reminder.objects.create(email=email, **fields)
                for name, value in fields.items():
                    setattr(pending, name, value)
                pending.save()
                return pending
        except IntegrityError:
            continue  # another request created it first; update that one
    raise RuntimeError(f"could not schedule a reminder for {email}")


def reminders_dispatch_due(*, today: date | None = None, batch_size: int = 500) -> int:
    """Mark due reminders as sending, batch by batch, and enqueue one send each."""
    from support.tasks import send_reminder

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
            transaction.on_commit(lambda ids=ids: _enqueue_sends(send_reminder, ids))
        total += len(ids)
    return total + _requeue_stuck(send_reminder)


def _requeue_stuck(task) -> int:
    """Re-enqueue reminders whose send message was lost (a worker died mid-send)."""
    cutoff = timezone.now() - STUCK_AFTER
    stuck = Reminder.objects.filter(status=Reminder.Status.SENDING, sending_since__lt=cutoff)
    ids = list(stuck.values_list("pk", flat=True)[:1000])
    if ids:
        Reminder.objects.filter(pk__in=ids).update(sending_since=timezone.now())
        _enqueue_sends(task, ids)
    return len(ids)


def _enqueue_sends(task, ids: list[int]) -> None:
    """Publish one send per reminder over a single broker connection."""
    published = 0
    try:
        with task.app.producer_or_acquire() as producer:
            for pk in ids:
                task.apply_async((pk,), producer=producer)
                published += 1
    except OperationalError:
        logger.warning("Broker unavailable; %d reminder(s) left", len(ids) - published)
        # Count the unsent ones as stuck already, so the next dispatch re-enqueues
        # them as soon as the broker is back rather than after STUCK_AFTER.
        Reminder.objects.filter(pk__in=ids[published:], status=Reminder.Status.SENDING).update(
            sending_since=timezone.now() - STUCK_AFTER
        )


def _gift_since_asked():
    """Gifts by the reminder's address made since it asked to be reminded."""
    return Donation.objects.filter(
        Q(email__iexact=OuterRef("email")) | Q(donor__email__iexact=OuterRef("email")),
        created_at__gte=OuterRef("created_at"),
    ).exclude(status__in=NOT_GIVEN)


def reminder_send(*, reminder_id: int) -> str:
    """Send one reminder at most once; return what became of it."""
    with transaction.atomic():
        reminder = (
            Reminder.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk=reminder_id, status=Reminder.Status.SENDING)
            .annotate(has_given=Exists(_gift_since_asked()))
            .first()
        )
        if reminder is None:
            return "skipped"
        if reminder.has_given:
            reminder.status = Reminder.Status.CANCELLED
            reminder.save(update_fields=["status", "updated_at"])
            return "cancelled"
        _message(reminder).send()
        reminder.status = Reminder.Status.SENT
        reminder.sent_at = timezone.now()
        reminder.attempts += 1
        reminder.save(update_fields=["status", "sent_at", "attempts", "updated_at"])
    return "sent"


def reminder_mark_failed(*, reminder_id: int) -> None:
    Reminder.objects.filter(pk=reminder_id, status=Reminder.Status.SENDING).update(
        status=Reminder.Status.FAILED
    )


def cancel_token(reminder: Reminder) -> str:
    return signing.dumps({"email": reminder.email}, salt=CANCEL_SALT, compress=True)


def reminders_cancel(*, token: str) -> tuple[str, int]:
    """Cancel every pending reminder for the address a token names; raise BadSignature."""
    email = signing.loads(token, salt=CANCEL_SALT, max_age=CANCEL_MAX_AGE)["email"]
    count = Reminder.objects.filter(
        email=email, status__in=[Reminder.Status.PENDING, Reminder.Status.SENDING]
    ).update(status=Reminder.Status.CANCELLED, updated_at=timezone.now())
    return email, count


def support_link(reminder: Reminder) -> str:
    query = f"?placement={Placement.REMINDER}"
    if reminder.article_id:
        query += f"&article={reminder.article_id}"
    return settings.SITE_URL + reverse("support:give") + query


def _message(reminder: Reminder) -> EmailMultiAlternatives:
    context = {
        "reminder": reminder,
        "support_url": support_link(reminder),
        "cancel_url": settings.SITE_URL
        + reverse("support:remind-cancel", args=[cancel_token(reminder)]),
    }
    message = EmailMultiAlternatives(
        subject="Your reminder: support independent journalism",
        body=render_to_string("support/email/reminder.txt", context),
        to=[reminder.email],
    )
    html = render_to_string("support/email/reminder.html", context)
    message.attach_alternative(html, "text/html")
    return message


def conversion_stats() -> dict:
    """Return sent reminders and how many led to a gift within 14 days."""
    window_end = ExpressionWrapper(
        OuterRef("sent_at") + CONVERSION_WINDOW, output_field=DateTimeField()
    )
    gift = Donation.objects.filter(
        Q(email__iexact=OuterRef("email")) | Q(donor__email__iexact=OuterRef("email")),
        created_at__gte=OuterRef("sent_at"),
        created_at__lt=window_end,
    ).exclude(status__in=NOT_GIVEN)
    sent = Reminder.objects.filter(status=Reminder.Status.SENT)
    total = sent.count()
    converted = sent.filter(Exists(gift)).count()
    return {"sent": total, "converted": converted, "rate": (converted / total) if total else 0.0}
