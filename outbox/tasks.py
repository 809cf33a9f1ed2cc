from celery import shared_task

from newsroom.queue import publish
from outbox import services


@shared_task(ignore_result=True)
def send_email(email_id: int) -> None:
    # Each attempt and its error are recorded by the service; the sweep retries.
    services.email_send(email_id=email_id)


@shared_task
def sweep_outbox() -> int:
    """Send again what is owed and was never sent (a lost message, a failed attempt)."""
    owed = services.due_email_ids()
    publish(services.SEND, [(pk,) for pk in owed])
    return len(owed)
