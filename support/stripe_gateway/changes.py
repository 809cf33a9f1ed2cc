"""A donor's own changes to a recurring gift at Stripe: its price or interval, a pause, the
card (the portal's `payment_method_update` flow) and cancelling with the donor's reason.

Stripe's refusal of a change (a 4xx: the subscription has ended, an amount it will not
charge) is ChangeRefused with Stripe's message; anything else PaymentServiceUnavailable.
Nothing here touches the ledger: the caller applies what Stripe says afterwards.
"""

import logging
from datetime import datetime
from decimal import Decimal

import stripe

from support.money import to_minor
from support.stripe_gateway.client import PaymentServiceUnavailable, client

logger = logging.getLogger(__name__)

INTERVALS = {"monthly": "month", "annual": "year"}
# Stripe's cancellation feedback, by the reasons the donor account offers.
FEEDBACK = {
    "too_expensive": "too_expensive",
    "not_reading": "unused",
    "other_cause": "switched_service",
    "service": "customer_service",
    "quality": "low_quality",
    "other": "other",
}


class ChangeRefused(PaymentServiceUnavailable):
    """Stripe refused the change; nothing changed. `str()` is Stripe's reason."""


def _change(description: str, func, *args, **kwargs) -> dict:
    try:
        return func(*args, **kwargs).to_dict()
    except (stripe.InvalidRequestError, stripe.CardError) as exc:
        logger.warning("Stripe refused the %s: %s", description, exc.user_message or exc)
        raise ChangeRefused(exc.user_message or str(exc)) from exc
    except stripe.StripeError as exc:
        logger.error("Stripe %s failed: %s", description, exc, exc_info=True)
        raise PaymentServiceUnavailable(str(exc)) from exc


def subscription_price_change(
    subscription_id: str,
    *,
    amount: Decimal,
    currency: str,
    frequency: str,
    next_charge: datetime | None = None,
) -> dict:
    """Charge `amount` every month or year from the next charge on, without prorating.

    A new interval starts at `next_charge` (the end of the period already paid for): Stripe
    gives the time until then as a trial, so nothing is charged twice and nothing at once.
    """
    subscription = _change(
        "subscription retrieve", client().v1.subscriptions.retrieve, subscription_id
    )
    item = subscription["items"]["data"][0]
    price = item["price"]
    product = price["product"]["id"] if isinstance(price["product"], dict) else price["product"]
    interval = INTERVALS[frequency]
    params = {
        "items": [
            {
                "id": item["id"],
                "price_data": {
                    "currency": currency,
                    "product": product,
                    "unit_amount": to_minor(amount, currency),
                    "recurring": {"interval": interval},
                },
            }
        ],
        "proration_behavior": "none",
    }
    if (price.get("recurring") or {}).get("interval") != interval and next_charge:
        params["trial_end"] = int(next_charge.timestamp())
    return _change(
        "subscription update", client().v1.subscriptions.update, subscription_id, params=params
    )


def subscription_pause(subscription_id: str, *, until: datetime) -> dict:
    """Charge nothing until `until` (each invoice meanwhile is voided); Stripe resumes then."""
    params = {"pause_collection": {"behavior": "void", "resumes_at": int(until.timestamp())}}
    return _change(
        "subscription pause", client().v1.subscriptions.update, subscription_id, params=params
    )


def subscription_resume(subscription_id: str) -> dict:
    return _change(
        "subscription resume",
        client().v1.subscriptions.update,
        subscription_id,
        params={"pause_collection": ""},
    )


def subscription_cancel(subscription_id: str, *, reason: str = "", comment: str = "") -> dict:
    details = {}
    if reason in FEEDBACK:
        details["feedback"] = FEEDBACK[reason]
    if comment:
        details["comment"] = comment[:5000]
    params = {"cancellation_details": details} if details else {}
    return _change(
        "subscription cancel", client().v1.subscriptions.cancel, subscription_id, params=params
    )


def card_update_url(customer_id: str, *, return_url: str) -> str:
    """A portal session that opens straight on updating the card, then comes back."""
    params = {
        "customer": customer_id,
        "return_url": return_url,
        "flow_data": {
            "type": "payment_method_update",
            "after_completion": {"type": "redirect", "redirect": {"return_url": return_url}},
        },
    }
    session = _change(
        "card update portal", client().v1.billing_portal.sessions.create, params=params
    )
    return session["url"]
