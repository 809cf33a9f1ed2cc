"""Webhook bodies: trusted only after their Stripe-Signature is checked, then read for the
ids their object names."""

import json
from dataclasses import dataclass
from datetime import UTC, datetime

import stripe
from django.conf import settings

from support.stripe_gateway.facts import PAID


class InvalidWebhook(Exception):
    """A webhook whose signature or body cannot be trusted."""


def verified_event(payload: bytes, signature_header: str | None) -> dict:
    """Return the event in a webhook body after checking its Stripe-Signature."""
    try:
        stripe.WebhookSignature.verify_header(
            payload.decode("utf-8"),
            signature_header or "",
            settings.STRIPE_WEBHOOK_SECRET,
            tolerance=stripe.Webhook.DEFAULT_TOLERANCE,
        )
    except (stripe.SignatureVerificationError, UnicodeDecodeError) as exc:
        raise InvalidWebhook(f"Invalid signature: {exc}") from exc

    try:
        event = json.loads(payload)
    except ValueError as exc:
        raise InvalidWebhook("Body is not valid JSON.") from exc
    if not _is_event(event):
        raise InvalidWebhook("Body is not a Stripe event.")
    try:
        # PostgreSQL's jsonb refuses NUL characters and lone surrogates.
        text = json.dumps(event, ensure_ascii=False)
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InvalidWebhook("Body holds text that is not valid Unicode.") from exc
    if "\\u0000" in text:
        raise InvalidWebhook("Body holds a NUL character.")
    return event


def _is_event(event) -> bool:
    """Return whether a body has what every Stripe event has, within our column sizes."""

    def short_text(value, limit: int) -> bool:
        return isinstance(value, str) and 0 < len(value) <= limit

    if not isinstance(event, dict) or not isinstance(event.get("data"), dict):
        return False
    obj = event["data"].get("object")
    return (
        short_text(event.get("id"), 255)
        and short_text(event.get("type"), 100)
        and isinstance(obj, dict)
        and short_text(obj.get("id"), 255)
    )


@dataclass(frozen=True)
class EventObject:
    """What a verified event's object names, in the project's terms (no other field is read:
    the object may be stale by the time the event is processed)."""

    event_type: str
    object_id: str
    checkout_session_id: str = ""
    subscription_id: str = ""
    charge_id: str = ""
    payment_intent_id: str = ""
    hint: str = ""  # the donation id this site put in the object's metadata, if any
    payment_announced_at: datetime | None = None

    def gift_ids(self) -> dict[str, str]:
        """The ids a gift may be known by locally (ledger.gifts_named's arguments)."""
        names = ("checkout_session_id", "subscription_id", "charge_id", "payment_intent_id")
        return {name: getattr(self, name) for name in (*names, "hint")}


def event_object(event: dict) -> EventObject:
    obj = event["data"]["object"]
    kind = obj.get("object")
    fields = {"event_type": event["type"], "object_id": obj["id"]}
    if kind == "checkout.session":
        fields |= {
            "checkout_session_id": obj["id"],
            "hint": _text(obj.get("client_reference_id")),
            "payment_announced_at": _announced(event, obj),
        }
    elif kind == "subscription":
        fields |= {"subscription_id": obj["id"], "hint": _hint(obj)}
    elif kind == "invoice":
        details = (obj.get("parent") or {}).get("subscription_details") or {}
        fields |= {"subscription_id": _text(details.get("subscription")), "hint": _hint(details)}
    elif kind in ("charge", "refund", "dispute"):
        charge = obj["id"] if kind == "charge" else obj.get("charge")
        fields |= {
            "charge_id": _text(charge),
            "payment_intent_id": _text(obj.get("payment_intent")),
            "hint": _hint(obj),
        }
    return EventObject(**fields)


def _announced(event: dict, session: dict) -> datetime | None:
    """When the event announced a one-time payment (the money came), else None.

    A card payment is announced by checkout.session.completed with payment_status "paid" as
    the event carries it; a delayed method's, days later, by async_payment_succeeded.
    """
    paid_then = session.get("payment_status") in PAID
    if event["type"] == "checkout.session.async_payment_succeeded" or (
        event["type"] == "checkout.session.completed" and paid_then
    ):
        return datetime.fromtimestamp(event["created"], tz=UTC)
    return None


def _hint(obj: dict) -> str:
    return _text((obj.get("metadata") or {}).get("donation_id"))


def _text(value) -> str:
    return value if isinstance(value, str) else ""
