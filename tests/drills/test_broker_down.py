"""Drill: the Celery broker is down while readers and Stripe talk to the site."""

import datetime
import re
import subprocess
import sys

import pytest
import requests
import time_machine
from django.utils import timezone

from outbox.models import Email
from support import reminders
from support.models import Donation, Payment, Reminder, StripeEvent
from support.tasks import sweep_support_work
from tests.conftest import ARTIFACTS
from tests.drills.conftest import DOWN_BROKER, sent_to, wait_until, web_server, worker
from tests.processes import PROJECT_DIR, child_env
from tests.support.confirming import confirm_reminder

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def stripe_env(server) -> dict[str, str]:
    return {
        "STRIPE_SECRET_KEY": "sk_test_local",
        "STRIPE_API_BASE": server.url,
        "STRIPE_WEBHOOK_SECRET": server.webhook_secret,
    }


def post_form(session, url, data):
    page = session.get(url, timeout=10).text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    return session.post(url, data={**data, "csrfmiddlewaretoken": token}, timeout=30)


def test_a_reminder_asked_for_while_the_broker_is_down_is_kept_and_sent_when_it_returns(
    real_broker, mail_file
):
    with web_server("drill-web-broker-down", CELERY_BROKER_URL=DOWN_BROKER) as (url, _):
        response = post_form(
            requests.Session(), f"{url}/support/remind/", {"when": "week", "email": "r@example.org"}
        )
    assert response.status_code == 200
    assert "appeal_state" in response.cookies
    reminder = Reminder.objects.get(email="r@example.org", status=Reminder.Status.AWAITING)
    confirm_reminder(reminder)  # its confirmation email waits in the outbox meanwhile

    Reminder.objects.filter(pk=reminder.pk).update(due_on=timezone.localdate())  # a week on
    dispatch = subprocess.run(
        [sys.executable, "manage.py", "dispatch_reminders"],
        cwd=PROJECT_DIR,
        env=child_env(CELERY_BROKER_URL=DOWN_BROKER),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert dispatch.returncode == 0, dispatch.stderr
    assert "Broker unavailable" in dispatch.stderr
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.SENDING
    assert sent_to(mail_file) == []

    with worker("drill-worker-broker-back", real_broker, DRILL_MAIL_FILE=str(mail_file)) as proc:
        reminders.reminders_dispatch_due()  # what beat does every minute

        wait_until(
            lambda: Reminder.objects.filter(pk=reminder.pk, status="sent").exists(),
            timeout=60, procs=[proc], what="the reminder to be sent",
        )  # fmt: skip
    assert sent_to(mail_file) == ["r@example.org"]


def test_webhooks_arriving_while_the_broker_is_down_are_applied_and_receipted_when_it_returns(
    real_broker, mail_file, give, stripe_server
):
    _, donation = give(email="receipt@example.org", frequency="once", amount="25")
    stripe_server.pay(donation.stripe_checkout_session_id)
    deliveries = stripe_server.deliveries()
    env = {"CELERY_BROKER_URL": DOWN_BROKER, **stripe_env(stripe_server)}

    with web_server("drill-web-broker-down", **env) as (url, _):
        answers = [
            requests.post(
                f"{url}/support/stripe/webhook/",
                data=d["payload"].encode(),
                headers={"Stripe-Signature": d["signature_header"],
                         "Content-Type": "application/json"},
                timeout=30,
            )
            for d in deliveries
        ]  # fmt: skip

    assert [a.status_code for a in answers] == [200] * len(deliveries)
    assert max(a.elapsed.total_seconds() for a in answers) < 5
    assert StripeEvent.objects.count() == len(deliveries)
    assert StripeEvent.objects.filter(processed_at__isnull=True).exists()
    assert not Payment.objects.exists()

    with worker("drill-worker-broker-back", real_broker, DRILL_MAIL_FILE=str(mail_file),
                **stripe_env(stripe_server)) as proc:  # fmt: skip
        with time_machine.travel(timezone.now() + datetime.timedelta(minutes=3)):
            swept = sweep_support_work()  # what beat does every five minutes
        assert swept["events"] >= 1

        wait_until(
            lambda: Email.objects.filter(status=Email.Status.SENT).exists(),
            timeout=60, procs=[proc], what="the receipt to be sent",
        )  # fmt: skip

    donation.refresh_from_db()
    assert donation.status == Donation.Status.PAID
    assert Payment.objects.get().amount == 25
    assert not StripeEvent.objects.filter(processed_at__isnull=True).exists()
    assert sent_to(mail_file) == ["receipt@example.org"]
    assert (ARTIFACTS / "drill-web-broker-down.log").exists()
