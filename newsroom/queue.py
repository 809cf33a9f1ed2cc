"""The one way the apps queue Celery tasks: by name, after the transaction commits.

A row in the database is always the record of owed work (an event, an email, a purge); the
message only wakes a worker. So a broker outage loses nothing: the unsent work is left to
beat's sweeps, and `on_unsent` lets a caller mark it for an early retry. Tasks are named
as beat names them, so a service never imports the tasks that call it.
"""

import logging
from collections.abc import Callable, Sequence
from importlib import import_module

from django.db import transaction
from kombu.exceptions import OperationalError

from newsroom.celery import app

logger = logging.getLogger(__name__)


def task(name: str):
    """The task registered under `name` ("app.tasks.function"), importing its module once."""
    if name not in app.tasks:
        import_module(name.rpartition(".")[0])
    return app.tasks[name]


def after_commit(
    name: str, calls: Sequence[tuple] = ((),), *, on_unsent: Callable | None = None
) -> None:
    """Publish the task once per argument tuple in `calls` when this transaction commits."""
    calls = list(calls)
    if calls:
        transaction.on_commit(lambda: publish(name, calls, on_unsent=on_unsent), robust=True)


def publish(name: str, calls: list[tuple], *, on_unsent=None) -> int:
    """Publish now, over one broker connection; return how many were sent."""
    sent, found = 0, task(name)
    try:
        with found.app.producer_or_acquire() as producer:
            for args in calls:
                # Not a child of the calling task: Celery would keep every result handle
                # on the caller's request, so a long dispatch would grow in memory.
                found.apply_async(args, producer=producer, add_to_parent=False)
                sent += 1
    except OperationalError:
        logger.warning("Broker unavailable; %d %s message(s) left", len(calls) - sent, name)
        if on_unsent:
            on_unsent(calls[sent:])
    return sent
