"""Deliver events to the webhook URL, signed as Stripe signs them.

One at a time and in order by default; with `delivery_concurrency` above 1 (the config
control or `--delivery-concurrency`) that many deliveries are in flight at once, so events
arrive overlapping and out of order, as Stripe makes no promise of order either.
"""

import logging
import threading
import urllib.error
import urllib.request

import stripe

from .store import Store

log = logging.getLogger(__name__)
BACKOFF = (0.1, 0.25, 0.5)  # seconds before the 2nd, 3rd and 4th attempt
MAX_CONCURRENCY = 16


def sign(payload: str, secret: str) -> str:
    """Return a `Stripe-Signature` header: `t=<unix time>,v1=<HMAC-SHA256 of "t.payload">`."""
    return stripe.WebhookSignature.generate_signature_header(payload, secret)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # Stripe counts a redirect as a failed delivery


_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirects())


def post(url: str, payload: str, header: str) -> tuple[int | None, str]:
    request = urllib.request.Request(  # noqa: S310 (the URL is checked to be http(s))
        url,
        data=payload.encode(),
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "Stripe-Signature": header,
            "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
        },
    )
    try:
        with _opener.open(request, timeout=10) as response:
            return response.status, ""
    except urllib.error.HTTPError as error:
        return error.code, error.reason
    except (OSError, ValueError) as error:
        return None, str(error)


class Deliverer:
    """Threads that post pending deliveries, oldest first; `store.delivery_concurrency` of
    them at a time (each thread past that number waits)."""

    def __init__(self, store: Store):
        self.store = store
        self.stopping = threading.Event()
        self.in_flight: set[int] = set()  # ids of the delivery records being posted
        self.threads = [
            threading.Thread(target=self._run, args=(n,), name=f"webhook-{n}", daemon=True)
            for n in range(MAX_CONCURRENCY)
        ]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def stop(self) -> None:
        self.stopping.set()
        with self.store.lock:
            self.store.changed.notify_all()
        for thread in self.threads:
            thread.join(timeout=5)

    def _next(self, n: int) -> dict | None:
        with self.store.lock:
            while not self.stopping.is_set():
                if n < self.store.delivery_concurrency:
                    for record in self.store.deliveries:
                        if record["status"] == "pending" and id(record) not in self.in_flight:
                            self.in_flight.add(id(record))
                            return record
                self.store.changed.wait(timeout=1)
        return None

    def _run(self, n: int) -> None:
        while (record := self._next(n)) is not None:
            try:
                self._deliver(record)
            finally:
                with self.store.lock:
                    self.in_flight.discard(id(record))

    def _deliver(self, record: dict) -> None:
        for attempt in range(len(BACKOFF) + 1):
            if attempt and self.stopping.wait(BACKOFF[attempt - 1]):
                return
            if self._attempt(record):
                return
        self._finish(record, "failed")

    def _attempt(self, record: dict) -> bool:
        with self.store.lock:
            url, secret = self.store.webhook_url, self.store.webhook_secret
            if not url or record["generation"] != self.store.generation:
                self._finish(record, "not_sent")
                return True
        header = sign(record["payload"], secret)
        status, reason = post(url, record["payload"], header)
        with self.store.lock:
            record.update(signature_header=header, attempts=record["attempts"] + 1)
            record.update(response_status=status, error=reason or None)
            delivered = status is not None and 200 <= status < 300
            if delivered:
                self._finish(record, "delivered")
            else:
                log.warning("webhook %s to %s failed: %s %s", record["type"], url, status, reason)
        return delivered

    def _finish(self, record: dict, status: str) -> None:
        with self.store.lock:
            record["status"] = status
            event = self.store.find(record["event_id"])
            if event and record["generation"] == self.store.generation:
                event["pending_webhooks"] = 0
            self.store.changed.notify_all()


def wait_until_delivered(store: Store, timeout: float) -> bool:
    with store.lock:
        return store.changed.wait_for(
            lambda: all(d["status"] != "pending" for d in store.deliveries), timeout
        )
