"""Drill: an edition sent by a real Celery worker reaches every subscriber; a worker killed
in the middle of a batch re-sends at most the messages of that batch."""

import datetime
import os
import signal
from collections import Counter
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone

from newsletters import sending
from newsletters.models import Delivery, Edition, Newsletter, Subscription
from readers.services import mailbox_get
from tests.drills.conftest import sent_to, wait_until, worker

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
