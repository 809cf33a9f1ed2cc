"""The ledger against a model of what Stripe was asked to do (issue 12, "Bad input and faults").

A monthly and a one-time gift, each with its email typed only on Stripe's checkout page, are
driven at the local Stripe server (paid by card or by a delayed method, settled, renewed,
its collection paused and resumed, refunded in full or in part, refunds failed, disputes and
inquiries opened, escalated, closed and lost disputes appealed) while their events reach the
webhook late, out of order and twice. After every step the ledger must be
consistent whatever has arrived; once every event has arrived it must equal the model.
"""

import functools
from dataclasses import dataclass, field
from datetime import UTC
from decimal import Decimal

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from outbox.models import Email
from support import stripe_gateway
from support.emails import SUBJECTS
from support.models import Donation, Frequency, Payment
from support.services import attribution_report, goal_progress
from tests.properties.conftest import examples
from tests.stripe_fixtures import WEBHOOK_SECRET
from tests.support.stripe_events import post_delivery

pytestmark = pytest.mark.django_db
RECEIPT_SUBJECT = SUBJECTS["receipt"].split("{")[0]  # the publication's name follows

Status, Kind = Donation.Status, Payment.Kind
RECEIPT = "support.receipt"
GIFTS = {
    "monthly": {"frequency": "monthly", "custom_amount": "2", "placement": "top_banner"},
    "once": {"frequency": "once", "custom_amount": "25", "placement": "support_page"},
}


def dollars(cents: int) -> Decimal:
    return Decimal(cents) / 100


@dataclass
class Charge:
    """One payment as Stripe has it, in cents."""

    gift: str
    kind: str
    charge_id: str
    payment_intent_id: str
    amount: int
    refunds: dict = field(default_factory=dict)  # refund id -> cents, until it fails
    dispute_id: str = ""
    dispute_amount: int = 0
    dispute: str = ""  # "", "inquiry", "open", "won", "lost", "appeal" or "closed"
    appealed: bool = False

    @property
    def refunded(self) -> int:
        return sum(self.refunds.values())

    @property
    def room(self) -> int:
        """What may still be refunded or disputed."""
        return self.amount - self.refunded

    @property
    def charged_back(self) -> int:
        """Withdrawn by a chargeback and not reinstated: open, lost, or lost under appeal."""
        return self.dispute_amount if self.dispute in ("open", "lost", "appeal") else 0

    @property
    def net(self) -> int:
        return self.amount - self.refunded - self.charged_back


@dataclass
class Gift:
    name: str
    donation_id: int
    session_id: str
    cents: int
    email: str = ""
    state: str = "unpaid"  # unpaid, processing, failed or paid
    past_due: bool = False
    paused: bool = False  # pause_collection set
    subscription_id: str = ""


def step(function):
    """Mark a rule as begun; the check after it marks it finished (see teardown)."""

    @functools.wraps(function)
    def run(self, **kwargs):
        self.unfinished = True
        function(self, **kwargs)

    return run


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self, client, server, capture_on_commit):
        super().__init__()
        self.client, self.server, self.capture = client, server, capture_on_commit
        self.api = stripe_gateway.client().v1
        server.reset()
        server.configure(webhook_url=None, webhook_secret=WEBHOOK_SECRET)
        mail.outbox.clear()
        cache.clear()
        self.savepoint = transaction.atomic()
        self.savepoint.__enter__()
        self.unfinished = False
        self.final_order = "oldest first"
        try:
            self.gifts = {name: self._give(name) for name in GIFTS}
        except BaseException:  # no teardown follows a machine that was never made
            self._roll_back()
            raise
        self.charges: list[Charge] = []
        self.events: list[dict] = []  # every delivery the server has made, oldest first
        self.delivered: dict[str, dict] = {}  # event id -> delivery, in the order posted

    # Asking the local Stripe server, and keeping the model of what it was asked.

    def _give(self, name) -> Gift:
        response = self.client.post(reverse("support:give"), GIFTS[name])
        assert response.status_code == 303, response.content
        donation = Donation.objects.order_by("-pk").first()
        assert donation.email == ""  # the form's email left empty
        cents = int(Decimal(GIFTS[name]["custom_amount"]) * 100)
        return Gift(name, donation.pk, donation.stripe_checkout_session_id, cents)

    def _pay(self, gift: Gift, delayed: bool, email: str):
        answer = self.server.pay(gift.session_id, delayed=delayed, email=email)
        assert answer["status"] == "complete", answer
        gift.email = email
        if delayed:
            gift.state = "processing"
        else:
            self._paid(gift)
        self._new_events()

    def _paid(self, gift: Gift):
        gift.state = "paid"
        session = self.api.checkout.sessions.retrieve(gift.session_id)
        if gift.name == "monthly":
            gift.subscription_id = session.subscription
            self._invoice_paid(gift, session.invoice, Kind.INITIAL)
        else:
            self._charged(gift, Kind.ONE_TIME, session.payment_intent)

    def _invoice_paid(self, gift: Gift, invoice_id: str, kind: str):
        listed = self.api.invoice_payments.list(params={"invoice": invoice_id})
        paid = [p for p in listed.data if p.status == "paid"]
        assert len(paid) == 1, listed
        self._charged(gift, kind, paid[0].payment.payment_intent)

    def _charged(self, gift: Gift, kind: str, payment_intent_id: str):
        charge_id = self.api.payment_intents.retrieve(payment_intent_id).latest_charge
        self.charges.append(Charge(gift.name, kind, charge_id, payment_intent_id, gift.cents))

    def _new_events(self):
        self.events = self.server.deliveries()

    def _pending(self) -> list[dict]:
        return [d for d in self.events if d["event_id"] not in self.delivered]

    def _charge(self, data, usable) -> Charge:
        return data.draw(
            st.sampled_from([c for c in self.charges if usable(c)]),
            label="charge",
        )

    def _post(self, delivery: dict, *, again: bool = False):
        with self.capture(execute=True):
            response = post_delivery(self.client, delivery)
        assert response.status_code == 200, response.content
        assert (response.content == b"duplicate") == again, (delivery["type"], again)
        self.delivered.setdefault(delivery["event_id"], delivery)

    @initialize(delayed=st.booleans())
    @step
    def pay_monthly(self, delayed):
        self._pay(self.gifts["monthly"], delayed, "monthly.donor@example.org")

    @initialize(delayed=st.booleans(), same_donor=st.booleans())
    @step
    def pay_once(self, delayed, same_donor):
        email = "monthly.donor@example.org" if same_donor else "once.donor@example.org"
        self._pay(self.gifts["once"], delayed, email)

    @initialize(order=st.sampled_from(["oldest first", "newest first"]))
    @step
    def events_left_at_the_end_arrive(self, order):
        self.final_order = order

    @precondition(lambda self: any(g.state == "processing" for g in self.gifts.values()))
    @rule(data=st.data(), succeeded=st.booleans())
    @step
    def settle(self, data, succeeded):
        names = [name for name, g in self.gifts.items() if g.state == "processing"]
        gift = self.gifts[data.draw(st.sampled_from(names), label="gift")]
        self.server.settle(gift.session_id, "succeeded" if succeeded else "failed")
        if succeeded:
            self._paid(gift)
        else:
            gift.state = "failed"
        self._new_events()

    @precondition(lambda self: self.gifts["monthly"].state == "paid")
    @rule(paid=st.booleans())
    @step
    def renew(self, paid):
        gift = self.gifts["monthly"]
        answer = self.server.renew(gift.subscription_id, "paid" if paid else "failed")
        if not gift.paused:  # a paused subscription's invoice is voided, nothing is charged
            gift.past_due = not paid
            if paid:
                self._invoice_paid(gift, answer["invoice"]["id"], Kind.RENEWAL)
        self._new_events()

    @precondition(lambda self: any(c.room and not c.dispute for c in self.charges))
    @rule(data=st.data(), full=st.booleans())
    @step
    def refund(self, data, full):
        charge = self._charge(data, lambda c: c.room and not c.dispute)
        cents = charge.room if full else data.draw(st.integers(1, charge.room), label="cents")
        refund = self.api.refunds.create(params={"charge": charge.charge_id, "amount": cents})
        charge.refunds[refund.id] = cents
        self._new_events()

    @precondition(lambda self: any(c.refunds for c in self.charges))
    @rule(data=st.data())
    @step
    def fail_refund(self, data):
        charge = self._charge(data, lambda c: c.refunds)
        refund_id = data.draw(st.sampled_from(list(charge.refunds)), label="refund")
        self.server.fail_refund(refund_id)
        del charge.refunds[refund_id]
        self._new_events()

    @precondition(lambda self: self.gifts["monthly"].state == "paid")
    @rule()
    @step
    def pause_or_resume(self):
        gift = self.gifts["monthly"]
        pause = "" if gift.paused else {"behavior": "void"}
        self.api.subscriptions.update(gift.subscription_id, params={"pause_collection": pause})
        gift.paused = not gift.paused
        self._new_events()

    @precondition(lambda self: any(c.room and not c.dispute for c in self.charges))
    @rule(data=st.data(), inquiry=st.booleans())
    @step
    def open_dispute(self, data, inquiry):
        charge = self._charge(data, lambda c: c.room and not c.dispute)
        cents = data.draw(st.integers(1, charge.room), label="cents")
        dispute = self.server.dispute(charge.charge_id, amount=cents, inquiry=inquiry)
        charge.dispute_id, charge.dispute_amount = dispute["id"], cents
        charge.dispute = "inquiry" if inquiry else "open"
        self._new_events()

    @precondition(lambda self: any(c.dispute == "inquiry" for c in self.charges))
    @rule(data=st.data(), escalated=st.booleans())
    @step
    def end_inquiry(self, data, escalated):
        charge = self._charge(data, lambda c: c.dispute == "inquiry")
        if escalated:
            self.server.escalate(charge.dispute_id)
            charge.dispute = "open"
        else:
            self.server.close_dispute(charge.dispute_id, "warning_closed")
            charge.dispute = "closed"
        self._new_events()

    @precondition(lambda self: any(c.dispute in ("open", "appeal") for c in self.charges))
    @rule(data=st.data(), won=st.booleans())
    @step
    def close_dispute(self, data, won):
        charge = self._charge(data, lambda c: c.dispute in ("open", "appeal"))
        charge.dispute = "won" if won else "lost"
        self.server.close_dispute(charge.dispute_id, charge.dispute)
        self._new_events()

    @precondition(lambda self: any(c.dispute == "lost" and not c.appealed for c in self.charges))
    @rule(data=st.data())
    @step
    def appeal(self, data):
        charge = self._charge(data, lambda c: c.dispute == "lost" and not c.appealed)
        self.server.appeal(charge.dispute_id)
        charge.dispute, charge.appealed = "appeal", True
        self._new_events()

    # The webhook: events in order, out of order, late, and again.

    @precondition(lambda self: self._pending())
    @rule()
    @step
    def deliver_next(self):
        self._post(self._pending()[0])

    @precondition(lambda self: len(self._pending()) > 1)
    @rule()
    @step
    def deliver_newest(self):
        self._post(self._pending()[-1])

    @precondition(lambda self: len(self._pending()) > 2)
    @rule(data=st.data())
    @step
    def deliver_out_of_order(self, data):
        pending = self._pending()
        index = data.draw(st.integers(1, len(pending) - 1), label="pending index")
        self._post(pending[index])

    @precondition(lambda self: self.delivered)
    @rule(data=st.data())
    @step
    def deliver_again(self, data):
        delivered = list(self.delivered.values())
        index = data.draw(st.integers(0, len(delivered) - 1), label="delivered index")
        self._post(delivered[index], again=True)

    # What holds whatever has arrived so far.

    @invariant()
    def ledger_is_consistent(self):
        by_intent = {c.payment_intent_id: c for c in self.charges}
        for payment in Payment.objects.all():
            back = payment.refunded_amount + payment.charged_back_amount
            assert payment.refunded_amount >= 0 and payment.charged_back_amount >= 0
            assert back <= payment.amount, payment
            charge = by_intent.get(payment.stripe_payment_intent_id)
            assert charge is not None, f"a payment Stripe never took: {payment!r}"
            assert (payment.kind, payment.amount) == (charge.kind, dollars(charge.amount))
        receipts = Email.objects.filter(kind=RECEIPT)
        paid = [r.context["payment"] for r in receipts]
        assert None not in paid and len(paid) == len(set(paid)), "two receipts for a payment"
        for receipt in receipts:
            gift = self._gift_of(receipt.context["donation"])
            assert receipt.to and receipt.to == gift.email, (receipt.to, gift)
        sent = [m for m in mail.outbox if m.subject.startswith(RECEIPT_SUBJECT)]
        assert len(sent) == receipts.filter(status=Email.Status.SENT).count()
        assert goal_progress_from_rows() == meter(goal_progress())
        self.unfinished = False

    def _gift_of(self, donation_id: int) -> Gift:
        return next(g for g in self.gifts.values() if g.donation_id == donation_id)

    # Once everything has arrived: the ledger is the model.

    def teardown(self):
        try:
            if not self.unfinished:  # a failed step is reported as it is
                left = self._pending()
                for delivery in reversed(left) if self.final_order == "newest first" else left:
                    self._post(delivery)
                self.ledger_is_consistent()
                self.ledger_equals_model()
        finally:
            self._roll_back()

    def _roll_back(self):
        transaction.set_rollback(True)
        self.savepoint.__exit__(None, None, None)

    def ledger_equals_model(self):
        expected = {
            c.payment_intent_id: (
                c.gift, c.kind, c.charge_id, dollars(c.amount), dollars(c.refunded),
                dollars(c.charged_back), c.dispute,
            )
            for c in self.charges
        }  # fmt: skip
        actual = {
            p.stripe_payment_intent_id: (
                "monthly" if p.donation_id == self.gifts["monthly"].donation_id else "once",
                p.kind, p.stripe_charge_id, p.amount, p.refunded_amount,
                p.charged_back_amount, p.dispute_status,
            )
            for p in Payment.objects.all()
        }  # fmt: skip
        assert actual == expected
        for gift in self.gifts.values():
            donation = Donation.objects.get(pk=gift.donation_id)
            assert donation.status == self._status(gift), gift
        receipts = Email.objects.filter(kind=RECEIPT, status=Email.Status.SENT)
        intents = dict(Payment.objects.values_list("pk", "stripe_payment_intent_id"))
        assert sorted((intents[r.context["payment"]], r.to) for r in receipts) == sorted(
            (c.payment_intent_id, self.gifts[c.gift].email) for c in self.charges
        )
        sent = [m for m in mail.outbox if m.subject.startswith(RECEIPT_SUBJECT)]
        assert sorted(m.to[0] for m in sent) == sorted(
            self.gifts[c.gift].email for c in self.charges
        )
        assert meter(goal_progress()) == self._meter()
        net = {row["placement"]: row["net_paid"] for row in attribution_report()}
        assert net == {
            GIFTS[name]["placement"]: dollars(sum(c.net for c in self.charges if c.gift == name))
            for name, gift in self.gifts.items()
            if gift.state == "paid"
        }

    def _status(self, gift: Gift) -> str:
        if gift.state != "paid":
            return {"unpaid": Status.PENDING, "processing": Status.PROCESSING}.get(
                gift.state, Status.FAILED
            )
        if gift.name == "monthly":
            if gift.paused:
                return Status.PAUSED
            return Status.PAST_DUE if gift.past_due else Status.ACTIVE
        (charge,) = [c for c in self.charges if c.gift == "once"]
        return Status.REFUNDED if charge.refunded == charge.amount else Status.PAID

    def _meter(self) -> tuple:
        monthly = self.gifts["monthly"]
        recurring = 0
        if monthly.state == "paid" and not monthly.paused:
            back = sum(c.amount - c.net for c in self.charges if c.gift == "monthly")
            recurring = max(0, monthly.cents - back)
        one_time = sum(c.net for c in self.charges if c.gift == "once")
        return dollars(recurring), dollars(one_time), dollars(recurring + one_time)


def meter(progress: dict) -> tuple:
    return progress["recurring"], progress["one_time"], progress["raised"]


def goal_progress_from_rows() -> tuple:
    """The goal meter worked out from the ledger's rows, as the services document it."""
    month_start = timezone.now().astimezone(UTC).replace(day=1, hour=0, minute=0, second=0)
    month_start = month_start.replace(microsecond=0)
    live = Donation.objects.filter(status__in=Donation.RECURRING_LIVE)
    this_month = list(Payment.objects.filter(paid_at__gte=month_start).select_related("donation"))
    recurring = Decimal(0)
    for frequency, months in ((Frequency.MONTHLY, 1), (Frequency.ANNUAL, 12)):
        promised = sum(d.amount for d in live.filter(frequency=frequency))
        back = sum(
            p.refunded_amount + p.charged_back_amount
            for p in this_month
            if p.donation.frequency == frequency and p.donation.status in Donation.RECURRING_LIVE
        )
        recurring += (max(Decimal(0), promised - back) / months).quantize(Decimal("0.01"))
    one_time = sum(
        (p.amount - p.refunded_amount - p.charged_back_amount
         for p in this_month if p.kind == Kind.ONE_TIME),
        Decimal(0),
    )  # fmt: skip
    return recurring, one_time, (recurring + one_time).quantize(Decimal("0.01"))


def test_the_ledger_follows_stripe_through_late_duplicated_and_reordered_events(
    client, stripe_server, django_capture_on_commit_callbacks
):
    run_state_machine_as_test(
        lambda: LedgerMachine(client, stripe_server, django_capture_on_commit_callbacks),
        settings=settings(max_examples=examples(15), stateful_step_count=12, deadline=None),
    )
