"""Post webhook bodies to the app signed exactly as Stripe signs them."""

import json
import time

import stripe
from django.urls import reverse

WEBHOOK_URL = reverse("support:stripe-webhook")


def signature(payload: str, secret: str, timestamp: int | None = None) -> str:
    return stripe.WebhookSignature.generate_signature_header(
        payload, secret, timestamp=timestamp or int(time.time())
    )


def post_signed(client, payload, secret: str, *, timestamp: int | None = None):
    body = payload if isinstance(payload, str) else json.dumps(payload)
    return client.post(
        WEBHOOK_URL,
        data=body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signature(body, secret, timestamp),
    )


def post_delivery(client, delivery: dict):
    """Post one event exactly as the local Stripe server signed it."""
    return client.post(
        WEBHOOK_URL,
        data=delivery["payload"],
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=delivery["signature_header"],
    )
