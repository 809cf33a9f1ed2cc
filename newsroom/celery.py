"""The Celery app: created here, configured lazily from Django's settings (CELERY_*).

Importing this module reads no setting: config_from_object with a string and
autodiscover_tasks both wait until the app is first used, so Django's settings are built
once, by Django. The beat schedule is CELERY_BEAT_SCHEDULE in newsroom/settings.py.
"""

import os

from celery import Celery
from celery.signals import task_postrun

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
