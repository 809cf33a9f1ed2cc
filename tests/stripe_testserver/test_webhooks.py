import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import stripe

# A one-time payment is a guest payment: Stripe creates no customer unless asked to.
ONE_TIME = [
    "checkout.session.completed",
    "payment_intent.succeeded",
    "charge.succeeded",
]
SUBSCRIPTION = [
    "customer.created",
    "payment_method.attached",
    "customer.subscription.created",
    "charge.succeeded",
    "payment_intent.succeeded",
    "invoice.paid",
    "invoice.payment_succeeded",
    "checkout.session.completed",
]


class Receiver(ThreadingHTTPServer):
    """A webhook endpoint that records each request and answers with the next queued status."""

    def __init__(self, statuses=()):
        super().__init__(("127.0.0.1", 0), ReceiverHandler)
        self.received: list[dict] = []
        self.statuses = list(statuses)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/webhook"


class ReceiverHandler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        self.server.received.append({"body": body, "headers": dict(self.headers)})
        status = self.server.statuses.pop(0) if self.server.statuses else 200
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    def start(statuses=()):
        server = Receiver(statuses)
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        servers.append(server)
        return server

    servers: list[Receiver] = []
    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def event_types(stripe_server) -> list[str]:
    return [delivery["type"] for delivery in stripe_server.deliveries()]


def test_a_one_time_checkout_emits_its_events_in_order(paid_session, stripe_server):
    paid_session("payment")

    assert event_types(stripe_server) == ONE_TIME


def test_a_one_time_checkout_with_customer_creation_always_creates_a_customer_first(
    paid_session, stripe_server
):
    session = paid_session("payment", customer_creation="always")

    assert event_types(stripe_server) == ["customer.created", "payment_method.attached", *ONE_TIME]
    assert session.customer.email == session.payment_intent.receipt_email == "donor@example.org"
    assert session.payment_intent.customer == session.customer.id


def test_a_one_time_guest_checkout_has_no_customer_but_the_email_in_customer_details(
    paid_session, stripe_client
):
    session = paid_session("payment")

    assert session.customer is None and session.customer_creation == "if_required"
    assert session.customer_details.email == "donor@example.org"
    assert session.payment_intent.customer is None
    assert stripe_client.v1.charges.retrieve(session.payment_intent.latest_charge).customer is None
    assert stripe_client.v1.customers.list().data == []


def test_a_subscription_checkout_emits_its_events_in_order(paid_session, stripe_server):
    paid_session("subscription")

    assert event_types(stripe_server) == SUBSCRIPTION


def test_every_delivery_verifies_with_stripe_python_and_holds_the_full_object(
    paid_session, stripe_server
):
    session = paid_session("subscription")

    for delivery in stripe_server.deliveries():
        event = stripe.Webhook.construct_event(
            delivery["payload"], delivery["signature_header"], stripe_server.webhook_secret
        )
        assert event.id == delivery["event_id"] and event.type == delivery["type"]
        assert event.livemode is False and event.api_version == stripe.api_version
        assert delivery["status"] == "not_sent"
    completed = json.loads(stripe_server.deliveries()[-1]["payload"])
    assert completed["data"]["object"]["id"] == session.id
    assert completed["data"]["object"]["status"] == "complete"


def test_events_can_be_retrieved_and_listed_newest_first(
    paid_session, stripe_server, stripe_client
):
    paid_session("payment")
    first = stripe_server.deliveries()[0]

    event = stripe_client.v1.events.retrieve(first["event_id"])
    listed = stripe_client.v1.events.list(params={"limit": 2})
    charges = stripe_client.v1.events.list(params={"type": "charge.succeeded"})

    assert event.type == "checkout.session.completed"
    assert [e.type for e in listed.data] == ["charge.succeeded", "payment_intent.succeeded"]
    assert listed.has_more is True
    assert len(charges.data) == 1


def test_events_are_posted_in_order_to_the_webhook_url_signed_as_stripe_signs(
    receiver, paid_session, stripe_server
):
    endpoint = receiver()
    stripe_server.configure(webhook_url=endpoint.url)

    paid_session("subscription")
    deliveries = stripe_server.deliveries(wait=True)

    assert [d["status"] for d in deliveries] == ["delivered"] * len(SUBSCRIPTION)
    assert [json.loads(r["body"])["type"] for r in endpoint.received] == SUBSCRIPTION
    for request, delivery in zip(endpoint.received, deliveries, strict=True):
        assert request["headers"]["Content-Type"].startswith("application/json")
        assert request["body"] == delivery["payload"]
        header = request["headers"]["Stripe-Signature"]
        assert header.startswith("t=") and ",v1=" in header
        stripe.WebhookSignature.verify_header(request["body"], header, stripe_server.webhook_secret)


def test_a_failed_delivery_is_retried_and_recorded(receiver, paid_session, stripe_server):
    endpoint = receiver(statuses=[500, 503])
    stripe_server.configure(webhook_url=endpoint.url)

    paid_session("payment")
    first = stripe_server.deliveries(wait=True)[0]

    assert (first["status"], first["attempts"]) == ("delivered", 3)
    assert len(endpoint.received) == len(ONE_TIME) + 2


def test_an_unreachable_webhook_url_is_recorded_as_failed(paid_session, stripe_server):
    stripe_server.configure(webhook_url="http://127.0.0.1:9/unreachable")
    paid_session("payment")

    deadline = time.monotonic() + 10
    while stripe_server.deliveries()[0]["status"] == "pending" and time.monotonic() < deadline:
        time.sleep(0.05)
    stripe_server.configure(webhook_url=None)
    deliveries = stripe_server.deliveries(wait=True)

    assert (deliveries[0]["status"], deliveries[0]["attempts"]) == ("failed", 4)
    assert {d["status"] for d in deliveries[1:]} <= {"failed", "not_sent"}


class SlowHandler(ReceiverHandler):
    def do_POST(self):
        with self.server.guard:
            self.server.now += 1
            self.server.most = max(self.server.most, self.server.now)
        time.sleep(0.2)
        with self.server.guard:
            self.server.now -= 1
        super().do_POST()


def test_deliveries_can_be_made_several_at_a_time(paid_session, stripe_server):
    slow = Receiver()
    slow.RequestHandlerClass = SlowHandler
    slow.guard, slow.now, slow.most = threading.Lock(), 0, 0
    threading.Thread(target=slow.serve_forever, args=(0.05,), daemon=True).start()
    try:
        stripe_server.configure(webhook_url=slow.url, delivery_concurrency=4)
        paid_session("subscription")
        deliveries = stripe_server.deliveries(wait=True)
    finally:
        slow.shutdown()
        slow.server_close()

    assert {d["status"] for d in deliveries} == {"delivered"}
    assert len(slow.received) == len(SUBSCRIPTION)
    assert slow.most == 4  # eight events, four in flight at a time
    config = stripe_server.configure(webhook_url=None)
    assert config["delivery_concurrency"] == 4
    stripe_server.reset()
    assert stripe_server.configure()["delivery_concurrency"] == 1


@pytest.mark.parametrize("value", [0, 17, "4", 2.5, True])
def test_a_delivery_concurrency_out_of_range_is_refused(stripe_server, value):
    with pytest.raises(AssertionError, match="delivery_concurrency must be a whole number"):
        stripe_server.configure(delivery_concurrency=value)
