import logging

from celery import shared_task

from support import emails, reminders, webhooks

logger = logging.getLogger(__name__)


def backoff(retries: int) -> int:
    """Seconds before retry number `retries + 1`: 5, 10, 20, ... up to 10 minutes."""
    return min(600, 5 * 2**retries)


@shared_task(bind=True, max_retries=5, ignore_result=True)
def process_stripe_event(self, event_pk: int) -> None:
    try:
        webhooks.stripe_event_process(event_pk=event_pk)
    except Exception as exc:
        logger.warning("Stripe event %s not applied yet: %s", event_pk, exc)
        raise self.retry(exc=exc, countdown=backoff(self.request.retries)) from exc


@shared_task(bind=True, max_retries=5, ignore_result=True)
def send_outbound_email(self, outbound_id: int) -> None:
    try:
        emails.outbound_email_send(outbound_id=outbound_id)
    except Exception as exc:
        if self.request.retries >= self.max_retries:
            emails.outbound_email_mark_failed(outbound_id=outbound_id)
            raise
        raise self.retry(exc=exc, countdown=backoff(self.request.retries)) from exc


@shared_task
def sweep_support_work() -> dict:
    """Re-enqueue what a broker outage may have dropped: unprocessed events, owed emails."""
    events = webhooks.unprocessed_event_ids()
    for pk in events:
        process_stripe_event.apply_async((pk,), add_to_parent=False)
    owed = emails.pending_outbound_ids()
    for pk in owed:
        send_outbound_email.apply_async((pk,), add_to_parent=False)
    return {"events": len(events), "emails": len(owed)}


@shared_task
def dispatch_due_reminders() -> int:
    return reminders.reminders_dispatch_due()


# A send that takes half a minute is stuck (EMAIL_TIMEOUT is 10 s). Short limits also keep
# the worker's memory flat: it holds a timer for each task it ran until that task's limit
# would have passed.
@shared_task(bind=True, max_retries=5, ignore_result=True, soft_time_limit=20, time_limit=30)
def send_reminder(self, reminder_id: int) -> str:
    try:
        return reminders.reminder_send(reminder_id=reminder_id)
    except Exception as exc:
        if self.request.retries >= self.max_retries:
            reminders.reminder_mark_failed(reminder_id=reminder_id)
            raise
        raise self.retry(exc=exc, countdown=backoff(self.request.retries)) from exc
