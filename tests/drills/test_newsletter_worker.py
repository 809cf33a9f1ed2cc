"""Drill: an edition sent by a real Celery worker reaches every subscriber; a worker killed
in the middle of a batch re-sends at most the messages of that batch (through the drills'
recording backend, and through a real SMTP server)."""

import asyncio
import datetime
import os
import signal
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone

from newsletters import sending
from newsletters.models import Delivery, Edition, Newsletter, Subscription
from readers.services import mailbox_get
from tests.drills.conftest import free_port, sent_to, wait_until, worker
from tests.processes import ARTIFACTS, celery_command, child_env, running

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

READERS = [f"reader{n}@example.org" for n in range(40)]
BATCH = 10
HANG_AT = 15  # the fifth message of the second batch


@pytest.fixture
def edition():
    newsletter = Newsletter.objects.create(name="The Morning Brief", slug="morning")
    for email in READERS:
        Subscription.objects.create(
            newsletter=newsletter,
            mailbox=mailbox_get(email, create=True),
            state=Subscription.State.CONFIRMED,
        )
    return Edition.objects.create(newsletter=newsletter, subject="Morning Brief")


def statuses(edition):
    return Counter(Delivery.objects.filter(edition=edition).values_list("status", flat=True))


def all_sent(edition):
    return statuses(edition) == {Delivery.Status.SENT: len(READERS)}


SETTINGS = {"NEWSLETTER_BATCH_SIZE": str(BATCH), "NEWSLETTER_RATE_PER_SECOND": "0"}


def test_a_worker_sends_the_edition_to_every_subscriber_once(edition, real_broker, mail_file):
    with worker("newsletter-worker", real_broker, DRILL_MAIL_FILE=str(mail_file), **SETTINGS) as w:
        sending.edition_send(edition)
        wait_until(lambda: all_sent(edition), timeout=90, procs=[w], what="every delivery sent")
        wait_until(
            lambda: Edition.objects.get(pk=edition.pk).status == Edition.Status.SENT,
            timeout=30, procs=[w], what="the edition marked sent",
        )  # fmt: skip

    assert sorted(sent_to(mail_file)) == sorted(READERS)


def test_a_worker_killed_mid_batch_resends_at_most_that_batch(edition, real_broker, mail_file):
    hanging = Path(f"{mail_file}.hanging")
    with worker("newsletter-worker-killed", real_broker, DRILL_MAIL_FILE=str(mail_file),
                DRILL_HANG_AT=str(HANG_AT), **SETTINGS) as first:  # fmt: skip
        sending.edition_send(edition)
        wait_until(hanging.exists, timeout=60, procs=[first], what="the send to hang")
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)

    in_flight = statuses(edition)[Delivery.Status.SENDING]
    assert in_flight == BATCH  # the batch it had claimed
    assert len(sent_to(mail_file)) == HANG_AT - 1

    with worker("newsletter-worker-restarted", real_broker, DRILL_MAIL_FILE=str(mail_file),
                **SETTINGS) as second:  # fmt: skip
        # Beat sweeps every minute; the claimed batch is given back once stuck, and the
        # chain of batches the killed worker broke starts again.
        later = timezone.now() + sending.STUCK_AFTER + datetime.timedelta(minutes=1)
        with time_machine.travel(later):
            assert sending.editions_due_and_sweep()["restarted"] == 1
        wait_until(lambda: all_sent(edition), timeout=90, procs=[second], what="all sent")

    received = Counter(sent_to(mail_file))
    assert set(received) == set(READERS)  # everyone got it
    twice = [email for email, count in received.items() if count > 1]
    assert len(twice) <= BATCH and max(received.values()) == 2  # only the batch in flight


class Sink:
    """A real SMTP server (aiosmtpd) that counts what it receives and, once, holds the
    message numbered `hang_at` unanswered, so a test can kill the worker sending it."""

    def __init__(self, hang_at: int = 0):
        self.hang_at, self.started, self.received = hang_at, 0, Counter()
        self.hanging = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        self.started += 1
        if self.started == self.hang_at:
            self.hanging.set()
            await asyncio.sleep(3600)  # the worker is killed waiting for the answer
        self.received.update(envelope.rcpt_tos)
        return "250 OK"


def test_a_worker_killed_mid_batch_still_leaves_the_smtp_sink_with_every_subscriber(
    edition, real_broker
):
    from aiosmtpd.controller import Controller

    sink = Sink(hang_at=HANG_AT)
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    env = {"EMAIL_URL": f"smtp://127.0.0.1:{port}", **SETTINGS}
    try:
        with smtp_worker("newsletter-smtp-killed", real_broker, env) as first:
            sending.edition_send(edition)
            wait_until(sink.hanging.is_set, timeout=60, procs=[first], what="the send to hang")
            os.kill(first.pid, signal.SIGKILL)
            first.wait(timeout=10)
        assert sum(sink.received.values()) == HANG_AT - 1

        with smtp_worker("newsletter-smtp-restarted", real_broker, env) as second:
            later = timezone.now() + sending.STUCK_AFTER + datetime.timedelta(minutes=1)
            with time_machine.travel(later):
                assert sending.editions_due_and_sweep()["restarted"] == 1
            wait_until(lambda: all_sent(edition), timeout=90, procs=[second], what="all sent")
    finally:
        controller.stop()

    assert set(sink.received) == set(READERS)
    twice = [email for email, count in sink.received.items() if count > 1]
    assert len(twice) <= BATCH and max(sink.received.values()) == 2


def smtp_worker(name: str, queue: str, env: dict):
    args = celery_command(
        "worker", "--pool=solo", "--loglevel=INFO", "--without-mingle", "--without-gossip",
        "--hostname", f"{name}-{time.monotonic_ns()}@%h", "--queues", queue,
    )  # fmt: skip
    return running(args, ARTIFACTS / f"{name}.log", child_env(TEST_CELERY_QUEUE=queue, **env))
