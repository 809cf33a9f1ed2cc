"""Fixtures that run the local Stripe test-mode server (`python -m stripe_testserver`)."""

import os
import re
import sys
import time

import pytest
import requests

from tests.processes import ARTIFACTS, running

WEBHOOK_SECRET = "whsec_stripe_testserver_for_tests"
LOG = ARTIFACTS / "stripe-testserver.log"
LISTENING = re.compile(rb"stripe test server listening on (http://\S+)")


class StripeTestServer:
    """A running stripe_testserver and its test controls (`/_testserver/...`)."""

    def __init__(self, url: str, webhook_secret: str, process):
        self.url = url
        self.webhook_secret = webhook_secret
        self.process = process
        self.http = requests.Session()

    def _control(self, method: str, path: str, json=None, ok=(200,)) -> dict:
        response = self.http.request(
            method, f"{self.url}/_testserver/{path}", json=json, timeout=30
        )
        if response.status_code not in ok:
            raise AssertionError(
                f"{method} /_testserver/{path} answered {response.status_code}: {response.text}"
            )
        return response.json()

    def deliveries(self, *, wait: bool = False) -> list[dict]:
        """Every event so far, oldest first, each with its exact payload and a signature.

        With `wait=True`, first wait until the webhook URL has been sent every pending event.
        """
        path = "deliveries?wait=1" if wait else "deliveries"
        return self._control("GET", path)["data"]

    def pay(
        self, session_id: str, card: str = "4242424242424242", *, delayed=False, **details
    ) -> dict:
        """Pay a Checkout Session as the hosted page does; return the session or a card error.

        `delayed=True` pays with a delayed payment method: the session completes with
        payment_status "unpaid" until `settle()`.
        """
        body = {"card": card, "delayed": delayed, **details}
        return self._control("POST", f"checkout/{session_id}/pay", body, ok=(200, 402))

    def settle(self, session_id: str, outcome: str = "succeeded") -> dict:
        """Succeed or fail ("failed") a delayed payment; emits checkout.session.async_payment_*."""
        return self._control("POST", f"checkout/{session_id}/settle", {"outcome": outcome})

    def expire(self, session_id: str) -> dict:
        """Let an open Checkout Session reach its expiry; emits checkout.session.expired."""
        return self._control("POST", f"checkout/{session_id}/expire", {})

    def renew(self, subscription_id: str, outcome: str = "paid") -> dict:
        """End the subscription's current period; `outcome` is "paid" or "failed"."""
        return self._control("POST", f"subscriptions/{subscription_id}/renew", {"outcome": outcome})

    def set_subscription_status(self, subscription_id: str, status: str) -> dict:
        """Move a subscription to `status` (past_due, paused, incomplete, active, ...)."""
        return self._control("POST", f"subscriptions/{subscription_id}/status", {"status": status})

    def fail_refund(self, refund_id: str, failure_reason: str = "expired_or_canceled_card") -> dict:
        """Make a refund fail as the card network can: the charge's amount_refunded drops back."""
        body = {"failure_reason": failure_reason}
        return self._control("POST", f"refunds/{refund_id}/fail", body)

    def succeed_refund(self, refund_id: str) -> dict:
        """A pending refund (of a delayed payment) succeeds; emits refund.updated."""
        return self._control("POST", f"refunds/{refund_id}/succeed", {})

    def dispute(
        self,
        charge_id: str,
        reason: str = "fraudulent",
        amount: int | None = None,
        *,
        inquiry: bool = False,
    ):
        """Open a dispute on a charge; returns the dispute.

        A chargeback (`needs_response`) withdraws the funds at once; an `inquiry`
        (`warning_needs_response`) moves no money unless it is escalated.
        """
        body = {"reason": reason, "inquiry": inquiry}
        body |= {"amount": amount} if amount is not None else {}
        return self._control("POST", f"charges/{charge_id}/dispute", body)

    def close_dispute(self, dispute_id: str, outcome: str) -> dict:
        """Close a dispute as "won", "lost" or (an inquiry) "warning_closed"."""
        return self._control("POST", f"disputes/{dispute_id}/close", {"outcome": outcome})

    def escalate(self, dispute_id: str) -> dict:
        """Turn an inquiry into a chargeback: the funds are withdrawn."""
        return self._control("POST", f"disputes/{dispute_id}/escalate", {})

    def appeal(self, dispute_id: str) -> dict:
        """Appeal a lost chargeback (`appeal_needs_response`); close it later as won or lost."""
        return self._control("POST", f"disputes/{dispute_id}/appeal", {})

    def configure(self, **config) -> dict:
        """Set `webhook_url` (None: record events only), `webhook_secret`,
        `portal_configured` (False: billing-portal sessions are refused as in a test mode
        whose portal settings were never saved) and/or `delivery_concurrency` (webhooks in
        flight at once); `reset()` sets the last two back."""
        return self._control("POST", "config", config)

    def advance_clock(self, seconds: int) -> int:
        """Move the server's clock on (as a Stripe test clock would); `reset()` puts it back."""
        return self._control("POST", "clock", {"advance": seconds})["now"]

    def reset(self) -> None:
        self._control("POST", "reset")


def _wait_until_listening(process, timeout: float = 20) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"stripe_testserver exited: {LOG.read_text(errors='replace')}")
        match = LISTENING.search(LOG.read_bytes()) if LOG.exists() else None
        if match:
            url = match[1].decode()
            try:
                if requests.get(f"{url}/_testserver/health", timeout=2).ok:
                    return url
            except requests.ConnectionError:
                pass
        time.sleep(0.05)
    raise RuntimeError(f"stripe_testserver did not start: {LOG.read_text(errors='replace')}")


@pytest.fixture(scope="session")
def stripe_server_process():
    """The local Stripe test-mode server on a free port, for the whole test session."""
    args = [sys.executable, "-m", "stripe_testserver", "--host", "127.0.0.1", "--port", "0"]
    args += ["--webhook-secret", WEBHOOK_SECRET]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with running(args, LOG, env) as process:
        server = StripeTestServer(_wait_until_listening(process), WEBHOOK_SECRET, process)
        yield server
        server.http.close()


@pytest.fixture
def stripe_server(stripe_server_process, settings):
    """An emptied server that the app's Stripe settings point at; events are recorded only."""
    server = stripe_server_process
    server.reset()
    server.configure(webhook_url=None, webhook_secret=WEBHOOK_SECRET)
    settings.STRIPE_SECRET_KEY = "sk_test_local"
    settings.STRIPE_API_BASE = server.url
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    yield server
    server.configure(webhook_url=None)
