"""Receipts exactly once, whatever order a gift's Stripe events arrive in (issue 12).

The reader leaves the form's email empty and types it only on Stripe's checkout page, the
common case. Each gift is paid once at the local Stripe server; then every ordering of the
events the app handles for that flow is posted to the webhook, each ordering on a ledger
rolled back to the unpaid gift, and each must end in one receipt per payment, sent once,
to the address given at checkout (and none for a delayed payment that failed), also when
the same address gave before.
"""

from decimal import Decimal
from itertools import permutations
from math import factorial

import pytest
from django.core import mail

from outbox.models import Email
from support import webhooks
from support.emails import SUBJECTS
from support.models import Donation, Payment
from tests.properties.conftest import rolled_back

pytestmark = pytest.mark.django_db
RECEIPT_SUBJECT = SUBJECTS["receipt"].split("{")[0]  # the publication's name follows

CHECKOUT_EMAIL = "typed.at.checkout@example.org"
RECEIPT = "support.receipt"
Status = Donation.Status
Kind = Payment.Kind


def paid_at_stripe(give, stripe_server, *, frequency, amount, delayed=False, outcome="succeeded"):
    """A gift given with no email on the form, paid with one typed at checkout."""
    _, donation = give(frequency=frequency, custom_amount=amount)
    assert donation.email == "" and donation.status == Status.PENDING
    assert donation.amount == Decimal(amount)
    seen = len(stripe_server.deliveries())
    session_id = donation.stripe_checkout_session_id
    stripe_server.pay(session_id, delayed=delayed, email=CHECKOUT_EMAIL)
    if delayed:
        stripe_server.settle(session_id, outcome)
    return donation, stripe_server.deliveries()[seen:]


def assert_receipts_at_most_once_each_to_the_checkout_address(donation):
    receipts = Email.objects.filter(kind=RECEIPT, context__donation=donation.pk)
    payments = [receipt.context["payment"] for receipt in receipts]
    assert None not in payments
    assert len(payments) == len(set(payments)), "two receipts for one payment"
    assert set(receipts.values_list("to", flat=True)) <= {CHECKOUT_EMAIL}
    sent = [m for m in mail.outbox if m.subject.startswith(RECEIPT_SUBJECT)]
    assert len(sent) <= len(payments)
    assert all(m.to == [CHECKOUT_EMAIL] for m in sent)


def assert_one_receipt_per_payment(donation, *, status, kinds, order):
    donation.refresh_from_db()
    assert donation.status == status, order
    payments = list(donation.payments.order_by("paid_at", "pk"))
    assert sorted(p.kind for p in payments) == sorted(kinds)
    assert all(p.amount == donation.amount for p in payments)
    for payment in payments:
        receipt = Email.objects.filter(kind=RECEIPT, context__payment=payment.pk).first()
        assert receipt is not None, f"no receipt for a {payment.kind} payment after {order}"
        assert (receipt.to, receipt.status) == (CHECKOUT_EMAIL, Email.Status.SENT)
    assert Email.objects.filter(kind=RECEIPT, context__donation=donation.pk).count() == len(
        payments
    )
    receipts = [m for m in mail.outbox if m.subject.startswith(RECEIPT_SUBJECT)]
    assert [m.to for m in receipts] == [[CHECKOUT_EMAIL]] * len(payments), order
    assert donation.address == CHECKOUT_EMAIL, order


FLOWS = {
    "monthly, card": dict(frequency="monthly", amount="2", kinds=[Kind.INITIAL]),
    "monthly, delayed then settled": dict(
        frequency="monthly", amount="3", delayed=True, kinds=[Kind.INITIAL]
    ),
    "monthly, delayed then failed": dict(
        frequency="monthly", amount="3", delayed=True, outcome="failed", kinds=[]
    ),
    "monthly, from a donor who gave once before": dict(
        frequency="monthly", amount="2", returning=True, kinds=[Kind.INITIAL]
    ),
    "one-time, card": dict(frequency="once", amount="25", kinds=[Kind.ONE_TIME]),
    "one-time, delayed then settled": dict(
        frequency="once", amount="7.50", delayed=True, kinds=[Kind.ONE_TIME]
    ),
    "one-time, delayed then failed": dict(
        frequency="once", amount="7.50", delayed=True, outcome="failed", kinds=[]
    ),
}


def expected_status(flow: dict) -> str:
    if flow.get("outcome") == "failed":
        return Status.FAILED
    return Status.PAID if flow["frequency"] == "once" else Status.ACTIVE


@pytest.mark.parametrize("flow", FLOWS, ids=list(FLOWS))
def test_every_order_of_a_gifts_events_sends_one_receipt_per_payment_to_the_checkout_email(
    give, stripe_server, deliver, flow
):
    flow = dict(FLOWS[flow])
    kinds, status = flow.pop("kinds"), expected_status(flow)
    if flow.pop("returning", False):  # a one-time gift from the same address, all recorded
        deliver(paid_at_stripe(give, stripe_server, frequency="once", amount="5")[1])
    donation, deliveries = paid_at_stripe(give, stripe_server, **flow)
    handled = [d for d in deliveries if d["type"] in webhooks.HANDLERS]
    ignored = [d for d in deliveries if d["type"] not in webhooks.HANDLERS]
    assert len({d["event_id"] for d in handled}) == len(handled)
    assert any(d["type"] == "checkout.session.completed" for d in handled)

    orders = list(permutations(handled))
    assert len(orders) == factorial(len(handled))
    for order in orders:
        with rolled_back():
            mail.outbox.clear()
            for delivery in order:
                deliver([delivery])
                assert_receipts_at_most_once_each_to_the_checkout_address(donation)
            deliver(ignored)  # types the app does not handle change nothing

            types = [d["type"] for d in order]
            assert_one_receipt_per_payment(donation, status=status, kinds=kinds, order=types)
