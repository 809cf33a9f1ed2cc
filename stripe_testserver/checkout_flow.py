"""Paying a Checkout Session: by card at once, or by a delayed payment method settled later.

Customers are created where Stripe creates them: always in subscription mode, and in payment
mode only with `customer_creation=always` (a guest payment otherwise: the session, payment
intent and charge have `customer: null`, the email is in `customer_details`). Callers hold
`store.lock`.
"""

from . import billing, disputes, shapes, shapes_billing, subscriptions
from .billing import add_interval, expire_if_due
from .errors import CardError, InvalidRequest
from .store import Store, now


def complete_checkout(
    store: Store, session: dict, card, email=None, name=None, *, delayed: bool = False
) -> dict:
    """Pay an open session with `card`; raise CardError (nothing changed) when declined.

    With `delayed`, the payment is processing: the session completes with
    payment_status "unpaid" until settle() succeeds or fails it.
    """
    expire_if_due(store, session)
    if session["status"] == "complete":
        raise InvalidRequest("This Checkout Session has already been paid.", param="session")
    if session["status"] != "open":
        raise InvalidRequest("This Checkout Session is no longer active.", param="session")
    decline = card.decline()
    if decline:
        raise decline
    card.email = email or session["customer_email"]
    card.name = name
    customer = _customer_for(store, session, card)
    pm = store.add(shapes.payment_method(card, customer_id=customer and customer["id"]))
    if customer:
        store.emit("payment_method.attached", pm)
    details = shapes.customer_details(card.email or (customer or {}).get("email"), name)
    session.update(customer=customer and customer["id"], customer_details=details, url=None)
    session.update(status="complete", payment_status="unpaid" if delayed else "paid")
    if session["mode"] == "payment":
        _complete_payment(store, session, customer, pm, card, delayed)
    else:
        _complete_subscription(store, session, customer, pm, card, delayed)
    return session


def _customer_for(store: Store, session: dict, card) -> dict | None:
    if session["customer"]:
        return store.get("customer", session["customer"])
    if session["mode"] == "payment" and session["customer_creation"] != "always":
        return None
    customer = store.add(shapes.customer(email=card.email, name=card.name))
    store.emit("customer.created", customer)
    return customer


def _complete_payment(store, session, customer, pm, card, delayed) -> None:
    data = store.checkout_options[session["id"]].get("payment_intent_data", {})
    pi = shapes_billing.payment_intent(
        amount=session["amount_total"],
        currency=session["currency"],
        customer_id=customer and customer["id"],
        pm_id=pm["id"],
        metadata=data.get("metadata", {}),
        description=data.get("description"),
        email=card.email,
    )
    charge = billing.new_charge(store, pi, card, pm, None, pending=delayed)
    session["payment_intent"] = pi["id"]
    store.emit("checkout.session.completed", session)
    if delayed:
        store.emit("payment_intent.processing", pi)
        return
    store.emit("payment_intent.succeeded", pi)
    store.emit("charge.succeeded", charge)
    if store.card_behaviours.get(charge["id"]) == "dispute":
        disputes.open_dispute(store, charge, "fraudulent", None)


def _complete_subscription(store, session, customer, pm, card, delayed) -> None:
    data = store.checkout_options[session["id"]].get("subscription_data", {})
    items = store.line_items[session["id"]]
    recurring = items[0]["price"]["recurring"]
    start = now()
    period = (start, add_interval(start, recurring["interval"], recurring["interval_count"]))
    sub = store.add(
        shapes_billing.subscription(
            customer_id=customer["id"],
            pm_id=pm["id"],
            items=items,
            period=period,
            metadata=data.get("metadata", {}),
            description=data.get("description"),
        )
    )
    if delayed:
        sub["status"] = "incomplete"  # "incomplete" while the first payment is pending
    customer["currency"] = sub["currency"]
    invoice = billing.new_invoice(store, sub, "subscription_create", (start, start))
    session.update(subscription=sub["id"], invoice=invoice["id"])
    store.emit("customer.subscription.created", sub)
    pi = billing.pay_invoice(store, invoice, card, pm, None, pending=delayed)
    store.emit("checkout.session.completed", session)
    if not delayed and store.card_behaviours.get(pi["latest_charge"]) == "dispute":
        disputes.open_dispute(store, store.get("charge", pi["latest_charge"]), "fraudulent", None)


def settle(store: Store, session: dict, outcome: str) -> dict:
    """Succeed or fail the delayed payment of a completed, unpaid session."""
    pi = _pending_payment(store, session)
    decline = None
    if outcome == "failed":
        decline = CardError("Your payment was declined.", decline_code="generic_decline")
    billing.settle_payment(store, pi, decline)
    if session["mode"] == "subscription":
        invoice = store.get("invoice", session["invoice"])
        billing.finish_invoice(store, invoice, pi, decline)
        if not decline:
            sub = store.get("subscription", session["subscription"])
            subscriptions.change(store, sub, status="active")
    if decline:
        store.emit("checkout.session.async_payment_failed", session)
    else:
        session["payment_status"] = "paid"
        store.emit("checkout.session.async_payment_succeeded", session)
    return session


def _pending_payment(store: Store, session: dict) -> dict:
    if session["status"] != "complete" or session["payment_status"] != "unpaid":
        raise InvalidRequest(
            "Only a completed Checkout Session paid with a delayed payment method (pay it "
            'with {"delayed": true}) can be settled.',
            param="session",
        )
    if session["mode"] == "payment":
        pi = store.get("payment_intent", session["payment_intent"])
    else:
        pi = store.get("payment_intent", _invoice_intent(store, session["invoice"]))
    if pi["status"] != "processing":
        raise InvalidRequest("This delayed payment has already failed.", param="session")
    return pi


def _invoice_intent(store: Store, invoice_id: str) -> str:
    return store.invoice_payments[invoice_id][-1]["payment"]["payment_intent"]
