"""The only module that talks to Stripe."""

import json
import logging
from functools import lru_cache

import stripe
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from support.money import to_cents

logger = logging.getLogger(__name__)

INTERVALS = {"monthly": "month", "annual": "year"}


class PaymentServiceUnavailable(Exception):
    """Stripe could not be reached or refused the request; nothing was charged."""


class InvalidWebhook(Exception):
    """A webhook whose signature or body cannot be trusted."""


def _check_key(api_key: str) -> None:
    if not api_key:
        raise ImproperlyConfigured("STRIPE_SECRET_KEY is not set.")
    if api_key.startswith(("sk_live_", "rk_live_")) and not settings.STRIPE_ALLOW_LIVE:
        raise ImproperlyConfigured(
            "A live Stripe key was given but STRIPE_ALLOW_LIVE is off; refusing live mode."
        )


@lru_cache(maxsize=4)
def _client(api_key: str, api_base: str, timeout: float) -> stripe.StripeClient:
    _check_key(api_key)
    base = {"api": api_base, "connect": api_base, "files": api_base} if api_base else None
    return stripe.StripeClient(
        api_key,
        base_addresses=base,
        max_network_retries=1,
        http_client=stripe.RequestsClient(timeout=timeout),
    )


def client() -> stripe.StripeClient:
    return _client(settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE, settings.STRIPE_TIMEOUT)


def _call(description: str, func, *args, **kwargs) -> dict:
    """Call Stripe; return the answer as plain dicts, or raise PaymentServiceUnavailable."""
    try:
        return func(*args, **kwargs).to_dict()
    except stripe.StripeError as exc:
        logger.error("Stripe %s failed: %s", description, exc, exc_info=True)
        raise PaymentServiceUnavailable(str(exc)) from exc


def create_checkout_session(donation, *, success_url: str, cancel_url: str):
    """Create a Checkout Session for a pending donation; return the Stripe object."""
    price_data = {
        "currency": donation.currency,
        "unit_amount": to_cents(donation.amount),
        "product_data": {
            "name": f"Support independent journalism ({donation.get_frequency_display()})"
        },
    }
    metadata = {"donation_id": str(donation.pk)}
    params = {
        "line_items": [{"price_data": price_data, "quantity": 1}],
        "success_url": success_url,
        "cancel_url": cancel_url,
        "client_reference_id": str(donation.pk),
        "metadata": metadata,
    }
    if donation.email:
        params["customer_email"] = donation.email
    if donation.is_recurring:
        price_data["recurring"] = {"interval": INTERVALS[donation.frequency]}
        params["mode"] = "subscription"
        params["subscription_data"] = {"metadata": metadata}
    else:
        params["mode"] = "payment"
        params["payment_intent_data"] = {"metadata": metadata}
        params["submit_type"] = "donate"
    options = {"idempotency_key": str(donation.idempotency_key)}
    return _call(
        "checkout session create",
        client().v1.checkout.sessions.create,
        params=params,
        options=options,
    )


def retrieve_checkout_session(session_id: str):
    return _call("checkout session retrieve", client().v1.checkout.sessions.retrieve, session_id)


def retrieve_subscription(subscription_id: str):
    return _call("subscription retrieve", client().v1.subscriptions.retrieve, subscription_id)


def retrieve_invoice(invoice_id: str):
    return _call("invoice retrieve", client().v1.invoices.retrieve, invoice_id)


def cancel_subscription(subscription_id: str):
    return _call("subscription cancel", client().v1.subscriptions.cancel, subscription_id)


def create_portal_session(customer_id: str, *, return_url: str) -> str:
    session = _call(
        "billing portal session create",
        client().v1.billing_portal.sessions.create,
        params={"customer": customer_id, "return_url": return_url},
    )
    return session["url"]


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


def retrieve_payment_intent(payment_intent_id: str):
    return _call("payment intent retrieve", client().v1.payment_intents.retrieve, payment_intent_id)


def retrieve_charge(charge_id: str):
    return _call("charge retrieve", client().v1.charges.retrieve, charge_id)
