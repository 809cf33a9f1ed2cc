"""The Stripe client and the two errors the rest of the app sees."""

import logging
from functools import lru_cache

import stripe
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)


class PaymentServiceUnavailable(Exception):
    """Stripe could not be reached or refused the request; nothing was charged."""


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
