from celery import shared_task

from newsroom.health import database_status


@shared_task(name="newsroom.health_ping")
def health_ping():
    """Prove a worker can reach the database; return what it saw."""
    return {"worker": "ok", "database": database_status()}
