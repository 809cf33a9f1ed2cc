import time

import pytest
from django.utils import timezone

from support import reminders
from support.models import Reminder
from support.tasks import dispatch_due_reminders
from tests.processes import wait_for_result
from tests.support.confirming import confirm_reminder

pytestmark = pytest.mark.worker


def wait_for_status(reminder, status, procs, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for proc in procs:
            assert proc.poll() is None, "a Celery process died; see test-artifacts/"
        reminder.refresh_from_db()
        if reminder.status == status:
            return
        time.sleep(0.5)
    raise AssertionError(f"reminder still {reminder.status} after {timeout}s")


def test_beat_and_a_real_worker_deliver_a_due_reminder_and_mark_it_sent(
    celery_worker_process, celery_beat_process
):
    reminder = reminders.reminder_request(email="worker@example.org", due_on=timezone.localdate())
    confirm_reminder(reminder)

    wait_for_status(reminder, Reminder.Status.SENT, [celery_worker_process, celery_beat_process])

    log = celery_worker_process.log_path.read_text(errors="replace")
    assert "To: worker@example.org" in log
    assert "Subject: Your reminder from The Moscow Times" in log
    assert reminder.sent_at is not None


def test_a_worker_dispatch_keeps_no_handle_per_send_so_its_memory_does_not_grow_with_the_count(
    celery_worker_process,
):
    due = [
        confirm_reminder(
            reminders.reminder_request(email=f"reader{n}@example.org", due_on=timezone.localdate())
        )
        for n in range(3)
    ]

    result = dispatch_due_reminders.delay()

    assert wait_for_result(result, celery_worker_process) == 3
    assert not result.children
    for reminder in due:
        wait_for_status(reminder, Reminder.Status.SENT, [celery_worker_process])
