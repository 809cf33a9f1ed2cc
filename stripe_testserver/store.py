"""In-memory state: objects by id, events in order, webhook delivery records."""

import contextvars
import copy
import json
import secrets
import string
import threading
import time

from .errors import no_such

ALPHABET = string.ascii_letters + string.digits

# The API request being handled, so events can name it in `request`.
current_request: contextvars.ContextVar = contextvars.ContextVar("current_request", default=None)


def new_id(prefix: str, length: int = 24) -> str:
    return prefix + "".join(secrets.choice(ALPHABET) for _ in range(length))


# Seconds the server's clock runs ahead of the machine's (the `clock` control moves it on, as
# a Stripe test clock would, so a payment can settle in another month than it was opened).
_clock = {"offset": 0}


def now() -> int:
    return int(time.time()) + _clock["offset"]


def advance_clock(seconds: int) -> int:
    _clock["offset"] += seconds
    return now()


class Store:
    def __init__(
        self,
        *,
        public_url: str,
        webhook_url,
        webhook_secret: str,
        api_version: str,
        delivery_concurrency: int = 1,
    ):
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)
        self.public_url = public_url.rstrip("/")
        self.webhook_url = webhook_url
        self.webhook_secret = webhook_secret
        self.api_version = api_version
        self.default_concurrency = delivery_concurrency  # webhook deliveries in flight at once
        self.generation = 0
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.objects: dict[str, dict] = {}
            self.events: list[str] = []
            self.deliveries: list[dict] = []
            self.idempotency: dict[tuple[str, str], dict] = {}
            self.line_items: dict[str, list[dict]] = {}  # checkout session id -> items
            self.invoice_payments: dict[str, list[dict]] = {}  # invoice id -> payments
            self.charge_refunds: dict[str, list[dict]] = {}  # charge id -> refunds, newest first
            self.delayed_charges: set[str] = set()  # paid by a delayed method: refunds pend
            self.card_behaviours: dict[str, str] = {}  # charge id -> cards.LATER behaviour
            self.checkout_options: dict[str, dict] = {}  # session id -> *_data params
            self.appealed: set[str] = set()  # disputes appealed once (an appeal is final)
            self.portal_configuration = new_id("bpc_1")
            self.portal_configured = True  # real test mode: once the portal settings are saved
            self.delivery_concurrency = self.default_concurrency
            _clock["offset"] = 0
            self.generation += 1
            self.changed.notify_all()

    def add(self, obj: dict) -> dict:
        self.objects[obj["id"]] = obj
        return obj

    def get(self, kind: str, object_id, *, param: str = "id", status: int = 404) -> dict:
        obj = self.objects.get(object_id) if isinstance(object_id, str) else None
        if obj is None or obj.get("object") != kind:
            raise no_such(kind, object_id, param=param, status=status)
        return obj

    def find(self, object_id: str) -> dict | None:
        return self.objects.get(object_id)

    def where(self, kind: str, **fields) -> list[dict]:
        return [
            obj
            for obj in self.objects.values()
            if obj.get("object") == kind and all(obj.get(k) == v for k, v in fields.items())
        ]

    def emit(self, event_type: str, obj: dict, previous: dict | None = None) -> dict:
        """Record an event holding a snapshot of `obj`, and queue its webhook delivery."""
        data = {"object": copy.deepcopy(obj)}
        if previous is not None:
            data["previous_attributes"] = copy.deepcopy(previous)
        event = {
            "api_version": self.api_version,
            "created": now(),
            "data": data,
            "id": new_id("evt_1"),
            "livemode": False,
            "object": "event",
            "pending_webhooks": 1 if self.webhook_url else 0,
            "request": current_request.get() or {"id": None, "idempotency_key": None},
            "type": event_type,
        }
        self.add(event)
        self.events.append(event["id"])
        self.deliveries.append(
            {
                "event_id": event["id"],
                "type": event_type,
                "payload": json.dumps(event, indent=2),
                "signature_header": None,
                "status": "pending" if self.webhook_url else "not_sent",
                "attempts": 0,
                "generation": self.generation,
            }
        )
        self.changed.notify_all()
        return event
