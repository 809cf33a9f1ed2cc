"""Opening Stripe's pages: Checkout for a gift, the billing portal to manage one."""

from django.conf import settings

from support.money import to_minor
from support.stripe_gateway.client import _call, client

INTERVALS = {"monthly": "month", "annual": "year"}


def create_checkout_session(donation, *, success_url: str, cancel_url: str):
    """Create a Checkout Session for a pending donation; return the Stripe object."""
    product = {"name": f"Support independent journalism ({donation.get_frequency_display()})"}
    if donation.fee_covered:
        # One price, so a subscription has one item: the fees are kept apart in the ledger.
        product["description"] = f"Includes {donation.fee_label} you added to cover fees."
    price_data = {
        "currency": donation.currency,
        "unit_amount": to_minor(donation.charged, donation.currency),
        "product_data": product,
    }
    metadata = {"donation_id": str(donation.pk)}
    if donation.appeal_id:  # the appeal variant followed: its gifts stay its own in the ledger
        metadata["appeal_variant"] = str(donation.appeal_id)
    params = {
        "line_items": [{"price_data": price_data, "quantity": 1}],
        "success_url": success_url,
        "cancel_url": cancel_url,
        "client_reference_id": str(donation.pk),
        "metadata": metadata,
    }
    # Dynamic payment methods: no method list. Checkout offers what the account's payment
    # method configuration turns on for the currency (wallets, Link, SEPA Direct Debit,
    # iDEAL...), or the configuration STRIPE_PAYMENT_METHOD_CONFIGURATION names.
    if settings.STRIPE_PAYMENT_METHOD_CONFIGURATION:
        params["payment_method_configuration"] = settings.STRIPE_PAYMENT_METHOD_CONFIGURATION
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


def cancel_subscription(subscription_id: str):
    return _call("subscription cancel", client().v1.subscriptions.cancel, subscription_id)


def create_portal_session(customer_id: str, *, return_url: str) -> str:
    session = _call(
        "billing portal session create",
        client().v1.billing_portal.sessions.create,
        params={"customer": customer_id, "return_url": return_url},
    )
    return session["url"]
