"""Webhook bodies: trusted only after their Stripe-Signature is checked."""

import json

import stripe
from django.conf import settings


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
