"""Celery tasks: each takes ids, calls one service, and records failures through it."""

import logging

from celery import shared_task

from newsroom.queue import publish
from support import care, experiments, expiry, reminders, webhooks

logger = logging.getLogger(__name__)


def backoff(retries: int) -> int:
    """Seconds before retry number `retries + 1`: 5, 10, 20, ... up to 10 minutes."""
    return min(600, 5 * 2**retries)


@shared_task(bind=True, ignore_result=True, max_retries=None)
def process_stripe_event(self, event_pk: int) -> None:
    try:
        webhooks.stripe_event_process(event_pk=event_pk)
    except Exception as exc:
        logger.warning("Stripe event %s not applied: %s", event_pk, exc)
        if webhooks.stripe_event_record_failure(event_pk=event_pk, error=exc):
            logger.error("Stripe event %s given up; retry it from the admin", event_pk)
            return
        raise self.retry(exc=exc, countdown=backoff(self.request.retries)) from exc


@shared_task(bind=True, ignore_result=True, max_retries=5)
def sync_payment(self, payment_id: int) -> None:
    try:
        webhooks.payment_sync(payment_id=payment_id)
    except Exception as exc:
        raise self.retry(exc=exc, countdown=backoff(self.request.retries)) from exc


@shared_task
def sweep_support_work() -> dict:
    """Re-enqueue the events whose turn has come; mark abandoned the gifts whose checkout
    expired without a word from Stripe."""
    events = webhooks.due_event_ids()
    publish(webhooks.PROCESS, [(pk,) for pk in events])
    expired = expiry.donations_expire_pending()
    return {"events": len(events), "expired": expired}


@shared_task
def dispatch_due_reminders() -> int:
    return reminders.reminders_dispatch_due()


# A send that takes half a minute is stuck (EMAIL_TIMEOUT is 10 s). Short limits also keep
# the worker's memory flat: it holds a timer for each task it ran until that task's limit
# would have passed.
@shared_task(ignore_result=True, soft_time_limit=20, time_limit=30)
def send_reminder(reminder_id: int) -> str:
    return reminders.reminder_send(reminder_id=reminder_id)


@shared_task
def send_care_emails() -> dict:
    """Owe the day's care emails (card expiring, annual renewal, win-back); each once."""
    return care.care_sweep()


@shared_task(ignore_result=True)
def fold_appeal_counts() -> int:
    """Beacon counters into the day's rows (every minute)."""
    return experiments.appeal_counts_fold()


@shared_task(ignore_result=True)
def refresh_appeal_weights() -> None:
    """Each placement's shares of traffic, computed afresh (weights.json serves them)."""
    experiments.appeal_weights_refresh()


@shared_task(ignore_result=True)
def roll_up_appeal_counts() -> int:
    """Daily counts older than 13 months kept as monthly totals."""
    return experiments.appeal_counts_roll_up()
