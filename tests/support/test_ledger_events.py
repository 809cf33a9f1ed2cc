"""The ledger follows Stripe's real events at the pinned version, in any order."""

from decimal import Decimal
from urllib.parse import urlsplit

import pytest
import requests
from django.core import mail
from django.db import transaction
from django.urls import reverse

from outbox.models import Email
from support import services, stripe_gateway, webhooks
from support.care import card_update_link
from support.models import Donation, Payment, StripeEvent
from support.stripe_gateway import facts

pytestmark = pytest.mark.django_db
CARD = "4242424242424242"
THANKS = reverse("support:thanks")


def paid(give, stripe_server, deliver, *, email="", pay_email="donor@example.org", **form):
    _, donation = give(email=email, **form)
    stripe_server.pay(donation.stripe_checkout_session_id, CARD, email=pay_email)
    deliver()
    donation.refresh_from_db()
    return donation


def since(stripe_server):
    return len(stripe_server.deliveries())


def refund(payment, amount=None):
    params = {"payment_intent": payment.stripe_payment_intent_id}
    if amount is not None:
        params["amount"] = amount
    return stripe_gateway.client().v1.refunds.create(params=params)


def test_a_monthly_payment_is_stored_with_its_payment_intent_and_charge(
    give, stripe_server, deliver
):
    donation = paid(give, stripe_server, deliver)

    payment = donation.payments.get()
    assert payment.stripe_invoice_id.startswith("in_")
    assert payment.stripe_payment_intent_id.startswith("pi_")
    assert payment.stripe_charge_id.startswith("ch_")


def test_a_refunded_monthly_payment_reaches_the_ledger_attribution_and_goal_meter(
    give, stripe_server, deliver
):
    donation = paid(give, stripe_server, deliver, placement="top_banner")
    before = services.goal_progress()["raised"]
    seen = since(stripe_server)

    refund(donation.payments.get())
    deliver(since=seen)

    payment = donation.payments.get()
    assert payment.refunded_amount == payment.amount == Decimal("2.00")
    (row,) = [r for r in services.attribution_report() if r["placement"] == "top_banner"]
    assert row["net_paid"] == 0
    # The gift still recurs, but this month's $2 went back.
    assert services.goal_progress()["raised"] == before - Decimal("2.00")


def test_a_receipt_is_sent_when_the_address_arrives_after_the_payment(give, stripe_server, deliver):
    _, donation = give(email="")  # the form's email is optional
    stripe_server.pay(donation.stripe_checkout_session_id, CARD, email="late@example.org")
    events = stripe_server.deliveries()
    invoice_first = sorted(events, key=lambda d: d["type"] != "invoice.paid")

    deliver(invoice_first)

    receipts = Email.objects.filter(kind="support.receipt")
    assert [r.to for r in receipts] == ["late@example.org"]
    assert [m.to for m in mail.outbox] == [["late@example.org"]]


def test_each_of_two_monthly_gifts_from_one_address_is_managed_in_its_own_portal(
    client, give, stripe_server, deliver
):
    two = {"email": "two@example.org", "pay_email": "two@example.org"}
    first = paid(give, stripe_server, deliver, **two)
    second = paid(give, stripe_server, deliver, **two, amount="5")

    assert first.donor_id == second.donor_id
    assert first.stripe_customer_id != second.stripe_customer_id
    response = client.get(urlsplit(card_update_link(second)).path)

    assert response.status_code == 303
    portal = requests.get(response["Location"], timeout=10).text
    assert second.stripe_subscription_id in portal
    assert first.stripe_subscription_id not in portal


def test_a_portal_that_stripe_refuses_gives_the_donor_a_clear_page(
    client, give, stripe_server, deliver
):
    donation = paid(give, stripe_server, deliver, email="portal@example.org")
    stripe_server.configure(portal_configured=False)

    response = client.get(urlsplit(card_update_link(donation)).path)

    assert response.status_code == 503
    assert "cannot open the page to manage your gift" in response.content.decode()


def test_a_delayed_payment_stays_processing_until_it_settles_then_is_paid_and_receipted(
    client, give, stripe_server, deliver
):
    _, donation = give(frequency="once", amount="25")
    stripe_server.pay(donation.stripe_checkout_session_id, CARD, delayed=True, email="d@ex.org")
    deliver()
    donation.refresh_from_db()

    assert donation.status == Donation.Status.PROCESSING
    assert not donation.payments.exists()
    page = client.get(THANKS, {"session_id": donation.stripe_checkout_session_id})
    assert "Thank you for your support" not in page.content.decode()
    assert "has not confirmed your gift" in page.content.decode()

    seen = since(stripe_server)
    stripe_server.settle(donation.stripe_checkout_session_id, "succeeded")
    deliver(since=seen)

    donation.refresh_from_db()
    assert donation.status == Donation.Status.PAID
    assert donation.payments.get().amount == 25
    assert len(mail.outbox) == 1


def test_a_delayed_payment_that_fails_is_never_counted(give, stripe_server, deliver):
    _, donation = give(frequency="once", amount="25")
    stripe_server.pay(donation.stripe_checkout_session_id, CARD, delayed=True, email="f@ex.org")
    stripe_server.settle(donation.stripe_checkout_session_id, "failed")

    deliver()

    donation.refresh_from_db()
    assert donation.status == Donation.Status.FAILED
    assert not Payment.objects.exists()
    assert not Email.objects.filter(kind="support.receipt").exists()


def test_a_checkout_never_paid_becomes_abandoned_when_stripe_expires_it(
    give, stripe_server, deliver
):
    _, donation = give()

    stripe_server.expire(donation.stripe_checkout_session_id)
    deliver()

    donation.refresh_from_db()
    assert donation.status == Donation.Status.ABANDONED


def one_time(give, stripe_server, deliver, amount="25"):
    donation = paid(give, stripe_server, deliver, frequency="once", amount=amount)
    return donation, donation.payments.get()


def test_a_failed_refund_gives_the_money_back_to_the_ledger(give, stripe_server, deliver):
    donation, payment = one_time(give, stripe_server, deliver)
    seen = since(stripe_server)
    made = refund(payment)
    deliver(since=seen)
    payment.refresh_from_db()
    assert payment.refunded_amount == 25

    seen = since(stripe_server)
    stripe_server.fail_refund(made.id)
    deliver(since=seen)

    payment.refresh_from_db()
    donation.refresh_from_db()
    assert payment.refunded_amount == 0
    assert donation.status == Donation.Status.PAID


def test_a_partial_refund_is_followed_to_the_cent(give, stripe_server, deliver):
    donation, payment = one_time(give, stripe_server, deliver)
    seen = since(stripe_server)

    refund(payment, amount=750)
    deliver(since=seen)

    payment.refresh_from_db()
    donation.refresh_from_db()
    assert payment.refunded_amount == Decimal("7.50")
    assert donation.status == Donation.Status.PAID


@pytest.mark.parametrize(("outcome", "kept"), [("won", Decimal("25")), ("lost", Decimal("0"))])
def test_a_dispute_lost_leaves_the_goal_meter_and_attribution_one_won_does_not(
    give, stripe_server, deliver, outcome, kept
):
    donation, payment = one_time(give, stripe_server, deliver)
    before = services.goal_progress()["raised"]
    seen = since(stripe_server)

    dispute = stripe_server.dispute(payment.stripe_charge_id)
    deliver(since=seen)
    payment.refresh_from_db()
    assert payment.dispute_status == Payment.Dispute.OPEN

    seen = since(stripe_server)
    stripe_server.close_dispute(dispute["id"], outcome)
    deliver(since=seen)

    payment.refresh_from_db()
    assert payment.dispute_status == outcome
    assert payment.net_amount == kept
    assert services.goal_progress()["raised"] == before - 25 + kept
    assert Payment.objects.net_total() == kept


def test_a_refund_whose_event_came_before_its_payment_was_recorded_is_still_applied(
    give, stripe_server, deliver
):
    _, donation = give(frequency="once", amount="25")
    stripe_server.pay(donation.stripe_checkout_session_id, CARD, email="early@example.org")
    intent = stripe_gateway.retrieve_checkout_session(donation.stripe_checkout_session_id)[
        "payment_intent"
    ]
    stripe_gateway.client().v1.refunds.create(params={"payment_intent": intent})
    events = stripe_server.deliveries()
    refunds_first = sorted(events, key=lambda d: not d["type"].startswith(("charge.", "refund.")))

    deliver(refunds_first)

    payment = Payment.objects.get()
    assert payment.refunded_amount == 25
    donation.refresh_from_db()
    assert donation.status == Donation.Status.REFUNDED


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("paused", Donation.Status.PAUSED),
        ("past_due", Donation.Status.PAST_DUE),
        ("unpaid", Donation.Status.UNPAID),
        ("active", Donation.Status.ACTIVE),
    ],
)
def test_subscription_states_map_to_the_gift(give, stripe_server, deliver, status, expected):
    donation = paid(give, stripe_server, deliver, email="state@example.org")
    seen = since(stripe_server)

    stripe_server.set_subscription_status(donation.stripe_subscription_id, status)
    deliver(since=seen)

    donation.refresh_from_db()
    assert donation.status == expected


def test_a_paused_gift_leaves_the_goal_meter(give, stripe_server, deliver):
    donation = paid(give, stripe_server, deliver, email="pause@example.org")
    before = services.goal_progress()["recurring"]
    seen = since(stripe_server)

    stripe_server.set_subscription_status(donation.stripe_subscription_id, "paused")
    deliver(since=seen)

    assert services.goal_progress()["recurring"] == before - 2


def test_the_goal_meter_is_right_as_soon_as_an_event_is_applied(give, stripe_server, deliver):
    assert services.goal_progress()["raised"] == 0  # cached now

    paid(give, stripe_server, deliver, frequency="once", amount="25")

    assert services.goal_progress()["raised"] == 25


def test_a_banner_gift_is_credited_to_the_story_and_thanks_lead_back_to_it(
    client, give, stripe_server, deliver
):
    from tests.articles.factories import ArticleFactory

    story = ArticleFactory(live=True)
    article_page = client.get(story.get_absolute_url()).content.decode()
    assert f"placement=top_banner&amp;article={story.pk}" in article_page

    donation = paid(give, stripe_server, deliver, placement="top_banner", article=str(story.pk))
    thanks = client.get(THANKS, {"session_id": donation.stripe_checkout_session_id})

    assert donation.article == story
    assert f'href="{story.get_absolute_url()}"' in thanks.content.decode()


def test_the_thank_you_page_asks_stripe_only_about_its_own_checkouts_and_not_too_often(
    client, give, stripe_server, settings, monkeypatch
):
    asked = []
    original = facts.checkout_facts
    monkeypatch.setattr(
        stripe_gateway, "checkout_facts", lambda sid: asked.append(sid) or original(sid)
    )
    settings.THANKS_LOOKUP_RATE_LIMIT = "3/m"

    for n in range(20):
        assert client.get(THANKS, {"session_id": f"cs_test_someone_{n}"}).status_code == 404
    assert asked == []

    _, donation = give()
    for _ in range(6):
        page = client.get(THANKS, {"session_id": donation.stripe_checkout_session_id})
        assert page.status_code == 200
    assert len(asked) == 3


def test_an_event_that_keeps_failing_records_its_error_then_gives_up_without_starving_others(
    monkeypatch,
):
    record = webhooks.stripe_event_record(
        event={
            "id": "evt_bad",
            "type": "charge.refunded",
            "data": {"object": {"id": "ch_x", "object": "charge"}},
        }
    )
    newer = webhooks.stripe_event_record(
        event={"id": "evt_ok", "type": "customer.created", "data": {"object": {"id": "cus"}}}
    )
    StripeEvent.objects.update(next_attempt_at=None)

    def unreachable(charge_id):
        raise stripe_gateway.PaymentServiceUnavailable("Stripe is down")

    monkeypatch.setattr(stripe_gateway, "charge_facts", unreachable)
    for attempt in range(1, webhooks.MAX_ATTEMPTS + 1):
        with pytest.raises(stripe_gateway.PaymentServiceUnavailable):
            webhooks.stripe_event_process(event_pk=record.pk)
        gave_up = webhooks.stripe_event_record_failure(
            event_pk=record.pk, error=stripe_gateway.PaymentServiceUnavailable("Stripe is down")
        )
        record.refresh_from_db()
        assert record.attempts == attempt
        assert "Stripe is down" in record.error
        if attempt == 1:
            # Backed off: the newer event is handed out first.
            assert webhooks.due_event_ids() == [newer.pk]

    assert gave_up and record.failed_at is not None
    assert record.pk not in webhooks.due_event_ids()
    assert webhooks.stripe_events_retry(event_pks=[record.pk]) == 1


def test_failed_email_sends_are_each_counted(give, stripe_server, deliver, settings):
    settings.EMAIL_BACKEND = "tests.support.failing_email.FailingBackend"
    paid(give, stripe_server, deliver, frequency="once", amount="25")
    receipt = Email.objects.get()
    from outbox.services import email_send

    for _ in range(2):
        assert email_send(email_id=receipt.pk) is False

    receipt.refresh_from_db()
    assert receipt.attempts == 3  # the send after commit, then two more
    assert receipt.status == Email.Status.PENDING
    assert "refused the connection" in receipt.last_error


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_no_stripe_call_is_made_inside_a_database_transaction(
    give, stripe_server, deliver, monkeypatch
):
    calls = []
    original = facts._call

    def watched(*args, **kwargs):
        calls.append(transaction.get_connection().in_atomic_block)
        return original(*args, **kwargs)

    monkeypatch.setattr(facts, "_call", watched)
    donation = paid(give, stripe_server, deliver, email="locks@example.org")
    seen = since(stripe_server)
    refund(donation.payments.get())
    deliver(since=seen)

    assert calls and not any(calls)


def test_payments_recorded_without_ids_are_backfilled_with_their_refunds(
    give, stripe_server, deliver
):
    import io

    from django.core.management import call_command

    donation = paid(give, stripe_server, deliver, email="old@example.org")
    payment = donation.payments.get()
    refund(payment)  # its events are never delivered: the old code matched nothing
    Payment.objects.update(stripe_payment_intent_id=None, stripe_charge_id=None)

    out = io.StringIO()
    call_command("backfill_payment_ids", stdout=out)

    payment.refresh_from_db()
    assert "Looked up 1 of 1 payment(s); 0 failed" in out.getvalue()
    assert payment.stripe_payment_intent_id.startswith("pi_")
    assert payment.stripe_charge_id.startswith("ch_")
    assert payment.refunded_amount == payment.amount


def test_a_failed_delayed_monthly_gift_tells_the_donor_once(give, stripe_server, deliver):
    _, donation = give()
    stripe_server.pay(donation.stripe_checkout_session_id, CARD, delayed=True, email="o@ex.org")
    stripe_server.settle(donation.stripe_checkout_session_id, "failed")

    deliver()

    donation.refresh_from_db()
    assert donation.status == Donation.Status.FAILED
    told = Email.objects.filter(kind="support.payment_failed")
    assert told.count() == 1


def test_the_receipt_names_the_card_the_gift_was_paid_with(give, stripe_server, deliver):
    paid(give, stripe_server, deliver, frequency="once", amount="25")

    (receipt,) = mail.outbox
    assert "Paid with:      Visa ending in 4242" in receipt.body
    assert "Visa ending in 4242" in receipt.alternatives[0][0]
