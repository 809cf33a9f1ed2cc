import os

from celery import Celery
from celery.schedules import crontab
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

app = Celery("newsroom")
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
        "schedule": crontab(hour=0, minute=15),
    },
}


@app.task(name="newsroom.health_ping")
def health_ping():
    """Prove a worker can reach the database; return what it saw."""
    from newsroom.health import database_status

    return {"worker": "ok", "database": database_status()}
