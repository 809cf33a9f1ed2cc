"""Drill: Stripe fails while a donor's checkout session is being created."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from support.models import Donation, Payment

pytestmark = pytest.mark.django_db


class BrokenStripe(BaseHTTPRequestHandler):
    """Answers every API call the way a failing Stripe might; records what it was sent."""

    mode = "500"
    seen: list[dict]

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.seen.append({"path": self.path, "idempotency": self.headers.get("Idempotency-Key")})
        if self.mode == "hang":
            time.sleep(3)
        if self.mode == "close":
            self.close_connection = True
            self.connection.shutdown(2)
            return
        status, body = {
            "500": (500, b'{"error": {"type": "api_error", "message": "Internal error"}}'),
            "garbage": (200, b"<html>this is not JSON</html>"),
            "hang": (200, b"{}"),
        }[self.mode]
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST

    def log_message(self, *args):
        pass


@pytest.fixture
def broken_stripe(settings):
    """Point the app at a local server that fails; yield a function that picks how."""
    handler = type("Handler", (BrokenStripe,), {"seen": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.STRIPE_TIMEOUT = 1.0

    def fail_with(mode):
        handler.mode = mode
        settings.STRIPE_SECRET_KEY = "sk_test_broken"
        settings.STRIPE_API_BASE = f"http://127.0.0.1:{server.server_port}"
        return handler.seen

    yield fail_with
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("mode", ["500", "garbage", "hang", "close"])
def test_a_failing_stripe_gives_the_clear_error_page_keeps_the_intent_and_a_retry_works(
    give, broken_stripe, stripe_server, deliver, settings, mode
):
    seen = broken_stripe(mode)

    started = time.monotonic()
    response, donation = give(email="drill@example.org", frequency="once", amount="25")

    assert time.monotonic() - started < 10
    assert response.status_code == 503
    page = response.content.decode()
    assert "Nothing was charged" in page
    assert donation.status == Donation.Status.PENDING
    assert donation.stripe_checkout_session_id is None
    assert 1 <= len(seen) <= 2, "bounded retries"
    assert {s["idempotency"] for s in seen} == {str(donation.idempotency_key)}

    settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE = "sk_test_local", stripe_server.url
    retry, second = give(email="drill@example.org", frequency="once", amount="25")
    stripe_server.pay(second.stripe_checkout_session_id)
    deliver()

    assert retry.status_code == 303
    second.refresh_from_db()
    assert second.status == Donation.Status.PAID
    assert Payment.objects.get().donation == second
    assert Donation.objects.filter(pk=donation.pk, status=Donation.Status.PENDING).exists()
