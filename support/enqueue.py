"""The one way the support app queues Celery tasks: after the transaction commits.

A row in the database is always the record of owed work (an event, an email, a reminder);
the message only wakes a worker. So a broker outage loses nothing: the unsent work is
left to beat's sweeps, and `on_unsent` lets a caller mark it for an early retry.
"""

import logging
from collections.abc import Callable, Sequence

from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


def after_commit(
    task, calls: Sequence[tuple], *, on_unsent: Callable[[list[tuple]], None] | None = None
) -> None:
    """Publish `task` once per argument tuple in `calls` when this transaction commits."""
    calls = list(calls)
    if calls:
        transaction.on_commit(lambda: publish(task, calls, on_unsent=on_unsent))


def publish(task, calls: list[tuple], *, on_unsent=None) -> int:
    """Publish now, over one broker connection; return how many were sent."""
    sent = 0
    try:
        with task.app.producer_or_acquire() as producer:
            for args in calls:
                # Not a child of the calling task: Celery would keep every result handle
                # on the caller's request, so a long dispatch would grow in memory.
                task.apply_async(args, producer=producer, add_to_parent=False)
                sent += 1
    except OperationalError:
        logger.warning("Broker unavailable; %d %s message(s) left", len(calls) - sent, task.name)
        if on_unsent:
            on_unsent(calls[sent:])
    return sent
