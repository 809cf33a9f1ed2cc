import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

app = Celery("newsroom")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    "health-ping": {"task": "newsroom.health_ping", "schedule": crontab(minute="*/5")},
}


@app.task(name="newsroom.health_ping")
def health_ping():
    """Prove a worker can reach the database; return what it saw."""
    from newsroom.health import database_status

    return {"worker": "ok", "database": database_status()}
