"""Drill: Stripe delivers a busy hour's events eight at a time to gunicorn, and a Celery worker
applies them four at a time while the gifts are still changing at Stripe; the ledger must end
as it does when the same events are applied one by one, in order.

Gifts are given, renewed (one renewal fails), refunded in part and in full (one refund fails),
disputed (a chargeback lost, one lost and won on appeal, an inquiry escalated, one left open),
paused, left unpaid and cancelled, and a ticket sale on the same Stripe account names a gift's
id. Workers fetch each object while the next change to it is already on its way; every write
they make is checked against the gift's version (support.ledger), so none is undone by an
older answer. Then the ledger is put back as it was before the first event, the same events
are applied serially in this process, and both ledgers are compared.
"""

import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.core import mail

from newsroom.celery import app
from outbox.models import Email
from support import services, stripe_gateway
from support.models import Donation, Donor, Frequency, Payment, StripeEvent
from tests.conftest import ARTIFACTS
from tests.drills.conftest import sent_to, wait_until, web_server
from tests.processes import celery_command, child_env, running
from tests.stripe_fixtures import WEBHOOK_SECRET
from tests.support.stripe_events import post_signed

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CARD = "4242424242424242"
IN_FLIGHT, PROCESSES = 8, 4
# Fields a gift has before any event: it is put back to them before the serial run.
PENDING = {
    "status": Donation.Status.PENDING, "donor": None, "stripe_customer_id": "",
    "stripe_subscription_id": None, "stripe_payment_intent_id": None,
    "current_period_end": None, "paused_until": None, "cancelled_at": None, "ledger_version": 0,
}  # fmt: skip


def stripe_env(server) -> dict[str, str]:
    return {
        "STRIPE_SECRET_KEY": "sk_test_local",
        "STRIPE_API_BASE": server.url,
        "STRIPE_WEBHOOK_SECRET": server.webhook_secret,
    }


def concurrent_worker(queue: str, mail_file: Path, server):
    """One `celery worker` process with four prefork children on the drill's queue."""
    args = celery_command(
        "worker", "--pool=prefork", f"--concurrency={PROCESSES}", "--loglevel=INFO",
        "--without-mingle", "--without-gossip", "--queues", queue,
        "--hostname", f"drill-concurrent-{time.monotonic_ns()}@%h",
    )  # fmt: skip
    env = child_env(
        DJANGO_SETTINGS_MODULE="tests.drills.worker_settings",
        DRILL_QUEUE=queue,
        DRILL_MAIL_FILE=str(mail_file),
        **stripe_env(server),
    )
    return running(args, ARTIFACTS / "drill-concurrent-worker.log", env)


class History:
    """Gifts and what happens to them at the local Stripe server."""

    def __init__(self, server):
        self.server, self.api = server, stripe_gateway.client().v1
        self.pending: dict[int, dict] = {}

    def give(self, n: int, frequency: str, amount: str) -> Donation:
        donation = services.donation_create_pending(
            amount=Decimal(amount), frequency=frequency, email="", placement="end_of_article"
        )
        services.checkout_session_start(
            donation=donation, success_url="http://testserver/t/", cancel_url="http://testserver/"
        )
        donation.refresh_from_db()
        self.pending[donation.pk] = {"amount": donation.amount, "frequency": frequency}
        self.server.pay(donation.stripe_checkout_session_id, CARD, email=f"busy{n}@example.org")
        return donation

    def session(self, donation):
        return self.api.checkout.sessions.retrieve(donation.stripe_checkout_session_id)

    def charge_of(self, donation, invoice_id: str = "") -> str:
        if not invoice_id:
            session = self.session(donation)
            if session.payment_intent:
                return self.api.payment_intents.retrieve(session.payment_intent).latest_charge
            invoice_id = session.invoice
        (paid,) = self.api.invoice_payments.list(params={"invoice": invoice_id}).data
        return self.api.payment_intents.retrieve(paid.payment.payment_intent).latest_charge

    def build(self) -> None:
        monthly = [self.give(n, Frequency.MONTHLY, f"{2 + n}") for n in range(6)]
        annual = [self.give(6 + n, Frequency.ANNUAL, f"{60 + n}") for n in range(2)]
        once = [self.give(8 + n, Frequency.ONCE, f"{25 + n}") for n in range(7)]
        subs = {d.pk: self.session(d).subscription for d in monthly + annual}
        renewed = self.server.renew(subs[monthly[0].pk], "paid")["invoice"]
        self.server.renew(subs[monthly[1].pk], "paid")
        self.server.renew(subs[annual[0].pk], "paid")
        self.server.renew(subs[monthly[2].pk], "failed")  # past due; the donor is told
        refunds = self.api.refunds
        refunds.create(params={"charge": self.charge_of(once[0])})
        refunds.create(params={"charge": self.charge_of(once[1]), "amount": 500})
        refunds.create(params={"charge": self.charge_of(once[1]), "amount": 700})
        returned = refunds.create(params={"charge": self.charge_of(once[2])})
        self.server.fail_refund(returned.id)
        self.server.close_dispute(self.server.dispute(self.charge_of(once[3]))["id"], "lost")
        appealed = self.server.dispute(self.charge_of(once[4]), amount=1000)
        self.server.close_dispute(appealed["id"], "lost")
        self.server.appeal(appealed["id"])
        self.server.close_dispute(appealed["id"], "won")
        inquiry = self.server.dispute(self.charge_of(once[5]), "general", inquiry=True)
        self.server.escalate(inquiry["id"])
        self.server.dispute(self.charge_of(monthly[0], renewed["id"]), amount=150)
        self.api.subscriptions.update(
            subs[monthly[3].pk], params={"pause_collection": {"behavior": "void"}}
        )
        self.server.renew(subs[monthly[3].pk], "paid")  # paused: nothing is charged
        self.server.set_subscription_status(subs[monthly[4].pk], "unpaid")
        stripe_gateway.cancel_subscription(subs[monthly[5].pk])
        self.api.subscriptions.update(subs[annual[1].pk], params={"metadata": {"note": "vip"}})
        self.ticket_sale(gift_id=once[6].pk)

    def ticket_sale(self, *, gift_id: int) -> None:
        """Another integration's Checkout Session, naming a gift's id as this site would."""
        price = {"currency": "usd", "unit_amount": 4500, "product_data": {"name": "Ticket"}}
        session = self.api.checkout.sessions.create(
            params={
                "mode": "payment",
                "success_url": "https://tickets.example/done",
                "client_reference_id": str(gift_id),
                "metadata": {"donation_id": str(gift_id)},
                "line_items": [{"price_data": price, "quantity": 1}],
            }
        )
        self.server.pay(session.id, CARD, email="buyer@example.org")
        self.foreign_session = session.id


def ledger() -> dict:
    charges = dict(Payment.objects.values_list("pk", "stripe_charge_id"))
    return {
        "donations": sorted(Donation.objects.values_list(
            "pk", "status", "amount", "frequency", "stripe_subscription_id",
            "stripe_payment_intent_id", "stripe_customer_id", "current_period_end",
            "paused_until", "cancelled_at", "donor__email", "donor__stripe_customer_id",
        )),
        "payments": sorted(Payment.objects.values_list(
            "donation_id", "kind", "amount", "refunded_amount", "charged_back_amount",
            "dispute_status", "stripe_invoice_id", "stripe_payment_intent_id", "stripe_charge_id",
            "paid_at", "card_last4",
        ), key=str),
        "emails": sorted((
            (e.kind, e.to, e.context["donation"], charges.get(e.context.get("payment")), e.status)
            for e in Email.objects.all()
        ), key=str),
        "events": sorted(StripeEvent.objects.values_list("event_id", "type")),
        "goal": services.goal_progress(),
    }  # fmt: skip


def settled(deliveries: int):
    """The ledger, once every event is applied, every email sent, and nothing moves for 3 s."""
    done = StripeEvent.objects.filter(processed_at__isnull=False, failed_at__isnull=True)
    if done.count() < deliveries or Email.objects.exclude(status="sent").exists():
        return None
    first = ledger()
    time.sleep(3)  # a payment's own look-up (sync_payment) may still be running
    services.goal_changed()
    return first if ledger() == first else None


def all_delivered(server) -> list[dict] | None:
    deliveries = server.deliveries()
    return deliveries if {d["status"] for d in deliveries} == {"delivered"} else None


def ignored_foreign(session_id: str) -> list[str]:
    events = StripeEvent.objects.filter(payload__data__object__id=session_id)
    return sorted(events.values_list("type", "ignored_reason"))


def put_back(pending: dict[int, dict]) -> None:
    """The ledger as it was before the first event: gifts pending, nothing else."""
    Email.objects.all().delete()
    StripeEvent.objects.all().delete()
    Payment.objects.all().delete()
    for pk, fields in pending.items():
        Donation.objects.filter(pk=pk).update(**PENDING, **fields)
    Donor.objects.all().delete()
    services.goal_changed()


def test_events_applied_concurrently_by_several_workers_end_in_the_ledger_of_serial_delivery(
    real_broker, stripe_server, mail_file, client, django_capture_on_commit_callbacks
):
    history = History(stripe_server)
    web = {"DJANGO_SETTINGS_MODULE": "tests.drills.worker_settings", "DRILL_QUEUE": real_broker}
    with (
        web_server("drill-concurrent-web", **web, **stripe_env(stripe_server)) as (url, web_proc),
        concurrent_worker(real_broker, mail_file, stripe_server) as worker_proc,
    ):
        stripe_server.configure(
            webhook_url=f"{url}/support/stripe/webhook/", delivery_concurrency=IN_FLIGHT
        )
        history.build()  # deliveries start with the first gift, while the rest is made
        procs = [web_proc, worker_proc]
        deliveries = wait_until(
            lambda: all_delivered(stripe_server), timeout=120, procs=procs,
            what="every event delivered",
        )  # fmt: skip
        concurrent = wait_until(
            lambda: settled(len(deliveries)), timeout=240, procs=procs,
            what="every event applied and every email sent",
        )  # fmt: skip
        stripe_server.configure(webhook_url=None)
    concurrent_mail = sorted(sent_to(mail_file))
    concurrent_foreign = ignored_foreign(history.foreign_session)

    put_back(history.pending)
    app.conf.task_always_eager = True  # the serial run: in this process, one event at a time
    try:
        for delivery in deliveries:  # signed again: the first signatures may be too old now
            with django_capture_on_commit_callbacks(execute=True):
                response = post_signed(client, delivery["payload"], WEBHOOK_SECRET)
            assert response.status_code == 200, response.content
    finally:
        app.conf.task_always_eager = False
    services.goal_changed()
    serial = ledger()

    assert concurrent == serial
    assert concurrent_mail == sorted(m.to[0] for m in mail.outbox)
    assert len(deliveries) > 120
    statuses = sorted(row[1] for row in serial["donations"])
    assert statuses.count(Donation.Status.REFUNDED) == 1
    assert {Donation.Status.PAUSED, Donation.Status.UNPAID, Donation.Status.CANCELLED} <= set(
        statuses
    )
    disputes = sorted(row[5] for row in serial["payments"] if row[5])
    assert disputes == ["lost", "open", "open", "won"]
    assert concurrent_foreign == ignored_foreign(history.foreign_session)
    ((event_type, reason),) = concurrent_foreign
    assert event_type == "checkout.session.completed"
    assert reason.endswith("was not opened by this site.")
    assert not Email.objects.filter(to="buyer@example.org").exists()
