"""The only package that talks to Stripe or knows the shapes of its objects.

The rest of the app gets small domain values (see `facts`) in the project's terms.
"""

from support.stripe_gateway.checkout import (
    cancel_subscription,
    create_checkout_session,
    create_portal_session,
    retrieve_checkout_session,
)
from support.stripe_gateway.client import PaymentServiceUnavailable, client
from support.stripe_gateway.events import EventObject, InvalidWebhook, event_object, verified_event
from support.stripe_gateway.facts import (
    ChargeFacts,
    CheckoutFacts,
    DisputeFacts,
    InvoiceFacts,
    SubscriptionFacts,
    charge_facts,
    checkout_facts,
    dispute_facts,
    invoice_facts,
    payment_intent_charge_id,
    subscription_facts,
)

__all__ = [
    "ChargeFacts",
    "CheckoutFacts",
    "DisputeFacts",
    "EventObject",
    "InvalidWebhook",
    "InvoiceFacts",
    "PaymentServiceUnavailable",
    "SubscriptionFacts",
    "cancel_subscription",
    "charge_facts",
    "checkout_facts",
    "client",
    "create_checkout_session",
    "create_portal_session",
    "dispute_facts",
    "event_object",
    "invoice_facts",
    "payment_intent_charge_id",
    "retrieve_checkout_session",
    "subscription_facts",
    "verified_event",
]
