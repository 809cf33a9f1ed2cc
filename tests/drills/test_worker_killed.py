"""Drill: the worker sending reminders is killed in the middle of a send."""

import datetime
import os
import signal
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone

from newsroom.tasks import health_ping
from support import reminders
from support.models import Reminder
from tests.drills.conftest import sent_to, wait_until, worker
from tests.processes import wait_for_result
from tests.support.confirming import confirm_reminder

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

READERS = [f"reader{n}@example.org" for n in range(40)]
HANG_AT = 15


def statuses():
    return dict(Reminder.objects.values_list("email", "status"))


def test_after_a_worker_is_killed_mid_send_every_due_reminder_is_sent_exactly_once(
    real_broker, mail_file
):
    for email in READERS:
        confirm_reminder(reminders.reminder_request(email=email, due_on=timezone.localdate()))
    hanging = Path(f"{mail_file}.hanging")

    with worker("drill-worker-killed", real_broker, DRILL_MAIL_FILE=str(mail_file),
                DRILL_HANG_AT=str(HANG_AT)) as first:  # fmt: skip
        assert reminders.reminders_dispatch_due() == len(READERS)
        wait_until(hanging.exists, timeout=60, procs=[first], what="the send to hang")
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)

    in_flight = hanging.read_text()
    assert len(sent_to(mail_file)) == HANG_AT - 1
    assert statuses()[in_flight] == Reminder.Status.SENDING

    with worker("drill-worker-restarted", real_broker, DRILL_MAIL_FILE=str(mail_file)) as second:
        wait_until(
            lambda: list(statuses().values()).count(Reminder.Status.SENT) == len(READERS) - 1,
            timeout=90, procs=[second], what="the queued reminders to be sent",
        )  # fmt: skip
        assert statuses()[in_flight] == Reminder.Status.SENDING

        def dispatched_later():
            # Beat dispatches every minute; the lost send is re-enqueued once it is stuck.
            with time_machine.travel(timezone.now() + reminders.STUCK_AFTER
                                     + datetime.timedelta(minutes=1)):  # fmt: skip
                reminders.reminders_dispatch_due()
            return statuses()[in_flight] == Reminder.Status.SENT

        wait_until(dispatched_later, timeout=60, procs=[second], what="the lost send")
        # Every message queued before this ping has been handled once it answers.
        wait_for_result(health_ping.delay(), second)

    assert sorted(sent_to(mail_file)) == sorted(READERS)
    assert set(statuses().values()) == {Reminder.Status.SENT}
