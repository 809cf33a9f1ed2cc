import json
import random
import time

import pytest
from django.core import mail

from outbox.models import Email
from support import stripe_gateway
from support.models import Donation, Payment, StripeEvent
from tests.support.stripe_events import WEBHOOK_URL, post_signed

pytestmark = pytest.mark.django_db


def event_body(event_id="evt_test_1", type_="customer.created", obj=None):
    return json.dumps(
        {
            "id": event_id,
            "object": "event",
            "type": type_,
            "api_version": "2026-10-28.endive",
            "created": int(time.time()),
            "livemode": False,
            "data": {"object": obj or {"id": "cus_test_1", "object": "customer"}},
        }
    )


@pytest.fixture
def secret(settings):
    settings.STRIPE_WEBHOOK_SECRET = "whsec_test_secret"
    return settings.STRIPE_WEBHOOK_SECRET


def test_a_webhook_without_a_signature_is_refused_and_nothing_recorded(client, secret):
    response = client.post(WEBHOOK_URL, data=event_body(), content_type="application/json")

    assert response.status_code == 400
    assert not StripeEvent.objects.exists()


def test_a_webhook_signed_with_another_secret_is_refused(client, secret):
    response = post_signed(client, event_body(), "whsec_someone_else")

    assert response.status_code == 400
    assert not StripeEvent.objects.exists()


def test_a_stale_signature_is_refused(client, secret):
    response = post_signed(client, event_body(), secret, timestamp=int(time.time()) - 3600)

    assert response.status_code == 400
    assert "Invalid signature" in response.content.decode()


def test_a_correctly_signed_body_that_is_not_json_is_refused(client, secret):
    response = post_signed(client, "{not json", secret)

    assert response.status_code == 400
    assert "not valid JSON" in response.content.decode()


def test_a_signed_json_body_that_is_not_an_event_is_refused(client, secret):
    response = post_signed(client, json.dumps([1, 2, 3]), secret)

    assert response.status_code == 400


def test_a_duplicate_webhook_event_is_recorded_once(client, secret):
    body = event_body(event_id="evt_dup")

    first = post_signed(client, body, secret)
    second = post_signed(client, body, secret)

    assert (first.status_code, second.status_code) == (200, 200)
    assert second.content == b"duplicate"
    assert StripeEvent.objects.filter(event_id="evt_dup").count() == 1


def test_an_unknown_event_type_is_acknowledged_and_ignored(client, secret):
    response = post_signed(client, event_body(type_="customer.created"), secret)

    assert response.status_code == 200
    event = StripeEvent.objects.get()
    assert event.processed_at is not None
    assert not Donation.objects.exists()


def test_a_webhook_get_is_not_allowed(client):
    assert client.get(WEBHOOK_URL).status_code == 405


def paid_monthly_gift(give, stripe_server, deliver, email="donor@example.org"):
    _, donation = give(email=email)
    stripe_server.pay(donation.stripe_checkout_session_id, "4242424242424242")
    deliver()
    donation.refresh_from_db()
    return donation


def test_a_paid_monthly_checkout_makes_an_active_gift_with_a_donor_payment_and_receipt(
    give, stripe_server, deliver
):
    donation = paid_monthly_gift(give, stripe_server, deliver)

    assert donation.status == Donation.Status.ACTIVE
    assert donation.donor.email == "donor@example.org"
    assert donation.donor.stripe_customer_id.startswith("cus_")
    assert donation.stripe_subscription_id.startswith("sub_")
    assert donation.current_period_end is not None
    payment = donation.payments.get()
    assert (payment.kind, payment.amount) == (Payment.Kind.INITIAL, 2)
    assert len(mail.outbox) == 1
    receipt = mail.outbox[0]
    assert receipt.to == ["donor@example.org"]
    assert "$2 every month" in receipt.body
    assert "Your next charge is on" in receipt.body
    assert "/support/manage/" in receipt.body


def test_events_delivered_twice_and_shuffled_end_in_the_same_ledger(give, stripe_server, deliver):
    _, donation = give(email="twice@example.org")
    stripe_server.pay(donation.stripe_checkout_session_id, "4242424242424242")
    deliveries = stripe_server.deliveries()
    replay = deliveries * 2
    random.Random(7).shuffle(replay)

    deliver(replay)

    donation.refresh_from_db()
    assert donation.status == Donation.Status.ACTIVE
    assert donation.payments.count() == 1
    assert StripeEvent.objects.count() == len(deliveries)
    assert len(mail.outbox) == 1


def test_a_subscription_deleted_before_its_checkout_completed_ends_cancelled(
    give, stripe_server, deliver
):
    _, donation = give(email="early@example.org")
    stripe_server.pay(donation.stripe_checkout_session_id, "4242424242424242")
    session = stripe_gateway.retrieve_checkout_session(donation.stripe_checkout_session_id)
    stripe_gateway.client().v1.subscriptions.cancel(session["subscription"])
    deliveries = stripe_server.deliveries()
    deleted = [d for d in deliveries if d["type"] == "customer.subscription.deleted"]
    others = [d for d in deliveries if d["type"] != "customer.subscription.deleted"]

    deliver(deleted + others)

    donation.refresh_from_db()
    assert donation.status == Donation.Status.CANCELLED
    assert donation.cancelled_at is not None


def test_a_renewal_is_recorded_and_receipted(give, stripe_server, deliver):
    donation = paid_monthly_gift(give, stripe_server, deliver)
    seen = len(stripe_server.deliveries())

    stripe_server.renew(donation.stripe_subscription_id, "paid")
    deliver(since=seen)

    assert list(donation.payments.values_list("kind", flat=True).order_by("pk")) == [
        Payment.Kind.INITIAL,
        Payment.Kind.RENEWAL,
    ]
    assert len(mail.outbox) == 2


def test_a_failed_renewal_marks_the_gift_past_due_and_emails_the_portal_link(
    give, stripe_server, deliver
):
    donation = paid_monthly_gift(give, stripe_server, deliver)
    seen = len(stripe_server.deliveries())

    stripe_server.renew(donation.stripe_subscription_id, "failed")
    deliver(since=seen)

    donation.refresh_from_db()
    assert donation.status == Donation.Status.PAST_DUE
    assert donation.payments.count() == 1
    failed = Email.objects.get(kind="support.payment_failed")
    assert failed.status == Email.Status.SENT
    assert "could not charge your card" in mail.outbox[-1].body
    assert "/support/manage/" in mail.outbox[-1].body


def test_a_refunded_one_time_gift_is_reversed_in_the_ledger(give, stripe_server, deliver):
    _, donation = give(frequency="once", amount="25", email="refund@example.org")
    stripe_server.pay(donation.stripe_checkout_session_id, "4242424242424242")
    deliver()
    payment = Payment.objects.get(donation=donation)
    seen = len(stripe_server.deliveries())

    stripe_gateway.client().v1.refunds.create(
        params={"payment_intent": payment.stripe_payment_intent_id}
    )
    deliver(since=seen)

    payment.refresh_from_db()
    donation.refresh_from_db()
    assert payment.refunded_amount == payment.amount == 25
    assert donation.status == Donation.Status.REFUNDED


def test_a_declined_card_records_nothing_as_paid(give, stripe_server, deliver):
    _, donation = give()

    result = stripe_server.pay(donation.stripe_checkout_session_id, "4000000000000002")
    deliver()

    donation.refresh_from_db()
    assert result["error"]["code"] == "card_declined"
    assert donation.status == Donation.Status.PENDING
    assert not Payment.objects.exists()
