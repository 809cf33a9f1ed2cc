from celery import shared_task

from newsletters import sending


@shared_task(ignore_result=True)
def start_edition(edition_id: int) -> None:
    sending.edition_start(edition_id=edition_id)


@shared_task(ignore_result=True)
def send_batch(edition_id: int) -> None:
    sending.batch_send(edition_id=edition_id)


@shared_task
def send_due_editions() -> dict:
    """Every minute: scheduled editions that are due, and sending that went quiet."""
    return sending.editions_due_and_sweep()
