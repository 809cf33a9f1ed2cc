import datetime
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum
from django.utils import timezone

from support import reminders, stripe_gateway
from support.models import Donation, Payment, Reminder, StripeEvent
from support.services import attribution_report

pytestmark = pytest.mark.django_db

ERASED = "Erased.Reader@Example.org"
KEPT = "kept@example.org"


def paid_gift(give, stripe_server, deliver, email, **form):
    seen = len(stripe_server.deliveries())
    _, donation = give(email=email, **form)
    stripe_server.pay(donation.stripe_checkout_session_id, "4242424242424242")
    deliver(since=seen)
    donation.refresh_from_db()
    return donation


@pytest.fixture
def two_donors(give, stripe_server, deliver):
    monthly = paid_gift(give, stripe_server, deliver, ERASED, placement="end_of_article")
    once = paid_gift(give, stripe_server, deliver, ERASED, frequency="once", amount="25")
    kept = paid_gift(give, stripe_server, deliver, KEPT)
    reminders.reminder_request(
        email=ERASED, due_on=timezone.localdate() + datetime.timedelta(days=7)
    )
    return monthly, once, kept


def export(email) -> dict:
    out = io.StringIO()
    call_command("donor_export", email, stdout=out)
    return json.loads(out.getvalue())


def dump_support_tables() -> str:
    out = io.StringIO()
    call_command("dumpdata", "support", stdout=out)
    return out.getvalue().lower()


def totals():
    net = Payment.objects.aggregate(amount=Sum("amount"), refunded=Sum("refunded_amount"))
    report = {(r["article_id"], r["placement"]): r["net_paid"] for r in attribution_report()}
    return net, report, Payment.objects.count(), Donation.objects.count()


def test_the_export_holds_everything_about_the_address_and_nothing_about_others(two_donors):
    monthly, once, kept = two_donors

    data = export(ERASED.upper())

    assert data["email"] == ERASED.lower()
    support = data["support"]
    assert len(support["donors"]) == 1
    assert {d["id"] for d in support["donations"]} == {monthly.pk, once.pk}
    assert len(support["payments"]) == 2
    assert {e["kind"] for e in support["emails"]} == {"support.receipt", "support.reminder_confirm"}
    assert [r["email"] for r in support["reminders"]] == [ERASED.lower()]
    assert support["stripe_events"], "the events naming the donor's Stripe objects"
    text = json.dumps(data)
    assert KEPT not in text
    assert kept.donor.stripe_customer_id not in text


def test_erasing_refuses_while_a_recurring_gift_is_live(two_donors):
    with pytest.raises(CommandError, match="--cancel-recurring"):
        call_command("donor_erase", ERASED, "--no-input")

    assert ERASED.lower() in dump_support_tables()


def test_erasing_removes_the_address_and_stripe_ids_but_keeps_the_totals(two_donors):
    monthly, once, kept = two_donors
    before = totals()
    customer = monthly.donor.stripe_customer_id
    assert ERASED.lower() in dump_support_tables()

    out = io.StringIO()
    call_command("donor_erase", ERASED, "--cancel-recurring", "--no-input", stdout=out)

    assert "Erased erased.reader@example.org" in out.getvalue()
    tables = dump_support_tables()
    for secret in (ERASED.lower(), customer, monthly.stripe_subscription_id,
                   once.stripe_payment_intent_id):  # fmt: skip
        assert secret.lower() not in tables
    assert totals() == before
    assert not Payment.objects.filter(donation__in=[monthly, once]).exclude(card_last4="").exists()
    assert export(ERASED)["support"]["donations"] == []
    assert not Reminder.objects.filter(email__iexact=ERASED).exists()
    subscription = stripe_gateway.subscription_facts(monthly.stripe_subscription_id)
    assert subscription.status == "canceled"
    kept.refresh_from_db()
    assert kept.donor.email == KEPT and kept.payments.count() == 1
    assert KEPT in tables
    assert not StripeEvent.objects.filter(processed_at__isnull=True).exists()


def test_erasing_an_unknown_address_changes_nothing(two_donors):
    before = dump_support_tables()

    call_command("donor_erase", "nobody@example.org", "--no-input", stdout=io.StringIO())

    assert dump_support_tables() == before
