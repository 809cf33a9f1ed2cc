import os

from celery import Celery
from celery.schedules import crontab
from celery.signals import task_postrun
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

app = Celery("newsroom")


@task_postrun.connect
def release_database_connections(task=None, **kwargs):
    """Keep healthy connections between tasks (CELERY_DB_REUSE_MAX) but drop broken or old ones."""
    from django.db import close_old_connections

    if task is not None and task.request.is_eager:
        return  # ran inside the caller's request or transaction

    close_old_connections()


app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    "health-ping": {"task": "newsroom.health_ping", "schedule": crontab(minute="*/5")},
    "dispatch-due-reminders": {
        "task": "support.tasks.dispatch_due_reminders",
        "schedule": settings.REMINDER_DISPATCH_SECONDS,
    },
    "sweep-support-work": {
        "task": "support.tasks.sweep_support_work",
        "schedule": crontab(minute="*/5"),
    },
    "swap-expired-hero-photos": {
        "task": "articles.tasks.swap_expired_hero_photos",
        "schedule": crontab(minute=15),  # hourly: a run lost to a restart waits an hour
    },
}


@app.task(name="newsroom.health_ping")
def health_ping():
    """Prove a worker can reach the database; return what it saw."""
    from newsroom.health import database_status

    return {"worker": "ok", "database": database_status()}
