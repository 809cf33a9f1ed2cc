"""Bounces and complaints from Mailgun's signed webhooks suppress the address; forged,
stale or replayed events are refused. Export and erasure cover subscriptions."""

import hashlib
import hmac
import json
import time

import pytest

from newsletters.models import Delivery, Edition, Subscription
from readers.models import Suppression
from readers.services import mailbox_erase, mailbox_export, suppression_reasons
from tests.newsletters.conftest import confirmed_subscriber

pytestmark = pytest.mark.django_db
KEY = "key-mailgun-test-signing-key"
URL = "/newsletters/webhooks/mailgun/"


@pytest.fixture(autouse=True)
def signing_key(settings):
    settings.MAILGUN_WEBHOOK_SIGNING_KEY = KEY


def signed(event: dict, *, key=KEY, timestamp=None, token=None) -> str:
    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    token = token or hashlib.sha256(f"{time.time_ns()}".encode()).hexdigest()[:50]
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    return json.dumps(
        {
            "signature": {"timestamp": timestamp, "token": token, "signature": signature},
            "event-data": event,
        }
    )


def post(client, body):
    return client.post(URL, body, content_type="application/json")


@pytest.fixture
def delivered(morning):
    subscription = confirmed_subscriber("reader@example.org", morning)
    edition = Edition.objects.create(newsletter=morning, subject="Brief", status="sent")
    delivery = Delivery.objects.create(edition=edition, subscription=subscription, status="sent")
    message_id = f"edition-{edition.pk}.reader-{subscription.pk}@themoscowtimes.example"
    return delivery, message_id


def test_a_hard_bounce_suppresses_the_address_and_counts_in_its_edition(client, delivered):
    delivery, message_id = delivered
    event = {
        "event": "failed",
        "severity": "permanent",
        "recipient": "Reader@example.org",
        "message": {"headers": {"message-id": message_id}},
    }

    response = post(client, signed(event))

    assert response.status_code == 200
    assert suppression_reasons("reader@example.org") == {Suppression.Reason.BOUNCE}
    delivery.refresh_from_db()
    assert delivery.bounced is True


def test_a_complaint_suppresses_the_address(client, delivered):
    delivery, message_id = delivered
    event = {
        "event": "complained",
        "recipient": "reader@example.org",
        "message": {"headers": {"message-id": message_id}},
    }

    assert post(client, signed(event)).status_code == 200

    assert suppression_reasons("reader@example.org") == {Suppression.Reason.COMPLAINT}
    delivery.refresh_from_db()
    assert delivery.complained is True


def test_a_temporary_failure_suppresses_nothing(client, delivered):
    event = {"event": "failed", "severity": "temporary", "recipient": "reader@example.org"}

    assert post(client, signed(event)).status_code == 200

    assert suppression_reasons("reader@example.org") == set()


@pytest.mark.parametrize(
    "body",
    [
        signed({"event": "complained", "recipient": "victim@example.org"}, key="not-the-key"),
        signed({"event": "complained", "recipient": "victim@example.org"}, timestamp=1),
        json.dumps({"event-data": {"event": "complained", "recipient": "victim@example.org"}}),
        json.dumps({"signature": "x", "event-data": {}}),
        json.dumps([1, 2]),
    ],
    ids=["wrong key", "stale", "unsigned", "odd signature", "not an object"],
)
def test_a_forged_event_is_refused_and_suppresses_nobody(client, body):
    assert post(client, body).status_code == 403
    assert suppression_reasons("victim@example.org") == set()


def test_a_replayed_event_is_refused(client, delivered):
    body = signed({"event": "complained", "recipient": "reader@example.org"}, token="once" * 10)

    assert post(client, body).status_code == 200
    assert post(client, body).status_code == 403


def test_not_json_is_a_400_and_without_a_key_everything_is_refused(client, settings):
    assert post(client, "{not json").status_code == 400
    settings.MAILGUN_WEBHOOK_SIGNING_KEY = ""
    body = signed({"event": "complained", "recipient": "victim@example.org"})
    assert post(client, body).status_code == 403


def test_export_and_erasure_cover_subscriptions(morning, weekly):
    confirmed_subscriber("reader@example.org", morning)
    pending = confirmed_subscriber("reader@example.org", weekly)
    pending.state = Subscription.State.PENDING
    pending.save()

    exported = mailbox_export("Reader@Example.org")["newsletters"]["subscriptions"]
    assert sorted((s["newsletter"], s["state"]) for s in exported) == [
        ("Caucasus Weekly", "pending"),
        ("The Morning Brief", "confirmed"),
    ]

    erased = mailbox_erase("reader@example.org")
    assert erased["newsletters"]["subscriptions"] == 2
    assert not Subscription.objects.exists()
    assert mailbox_export("reader@example.org")["newsletters"] == {"subscriptions": []}


def test_the_privacy_page_says_what_newsletters_keep(client):
    page = client.get("/privacy/").content.decode()

    assert "<h2>Newsletters</h2>" in page
    assert "We do not know whether you open an edition or what you click" in " ".join(page.split())


def test_the_migration_adds_it_once_to_a_privacy_page_made_before_newsletters():
    from importlib import import_module

    from django.apps import apps

    from publication.models import Page

    migration = import_module("newsletters.migrations.0004_newsletters_privacy_page")
    page = Page.objects.get(slug="privacy")
    page.body = "<p>Ours.</p><h2>Your data</h2><p>Write to us.</p>"
    page.save()

    migration.add_to_privacy_page(apps, None)
    migration.add_to_privacy_page(apps, None)

    body = Page.objects.get(slug="privacy").body
    assert body.count("<h2>Newsletters</h2>") == 1
    assert body.index("Ours.") < body.index("Newsletters") < body.index("Your data")


# The generic form, for providers other than Mailgun.
SECRET = "generic-bounce-secret"


def generic_post(client, event: dict, *, secret=SECRET, timestamp=None):
    body = json.dumps(event).encode()
    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return client.post(
        "/newsletters/webhooks/bounces/",
        body,
        content_type="application/json",
        headers={"X-Newsroom-Timestamp": timestamp, "X-Newsroom-Signature": signature.hexdigest()},
    )


def test_the_generic_form_suppresses_a_bounced_address_and_refuses_forgeries(
    client, settings, delivered
):
    settings.BOUNCE_WEBHOOK_SECRET = SECRET
    delivery, message_id = delivered
    event = {"event": "bounce", "recipient": "reader@example.org", "message_id": f"<{message_id}>"}

    assert (
        generic_post(
            client, {**event, "recipient": "victim@example.org"}, secret="guess"
        ).status_code
        == 403
    )
    assert generic_post(client, event, timestamp=1).status_code == 403
    assert suppression_reasons("victim@example.org") == set()
    assert suppression_reasons("reader@example.org") == set()

    assert generic_post(client, event).status_code == 200
    assert suppression_reasons("reader@example.org") == {Suppression.Reason.BOUNCE}
    delivery.refresh_from_db()
    assert delivery.bounced is True


def test_a_signature_beyond_ascii_is_refused_not_a_500(client, settings):
    settings.BOUNCE_WEBHOOK_SECRET = SECRET
    body = json.dumps({"signature": {"timestamp": "1", "token": "t", "signature": "¡"}})

    assert post(client, body).status_code == 403
    generic = client.post(
        "/newsletters/webhooks/bounces/", b"{}", content_type="application/json",
        headers={"X-Newsroom-Timestamp": "1", "X-Newsroom-Signature": "¡"},
    )  # fmt: skip
    assert generic.status_code == 403
