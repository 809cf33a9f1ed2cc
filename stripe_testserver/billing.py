"""State changes of payments, subscriptions and invoices: renewals, cancellations, card updates.

Every change emits the events Stripe sends for it, in the order the package docstring lists.
Callers hold `store.lock`. Paying a Checkout Session is in checkout_flow.py, refunds and
disputes in disputes.py, other changes to a subscription in subscriptions.py.
"""

import calendar
import copy
import datetime
from types import SimpleNamespace

from . import shapes, shapes_billing
from .cards import LATER
from .errors import CardError, InvalidRequest
from .money import describe_price
from .store import Store, now
from .subscriptions import cancel_subscription, change

DAY = 24 * 3600


def add_interval(timestamp: int, interval: str, count: int = 1) -> int:
    if interval in ("day", "week"):
        return timestamp + count * DAY * (7 if interval == "week" else 1)
    months = count * (12 if interval == "year" else 1)
    moment = datetime.datetime.fromtimestamp(timestamp, datetime.UTC)
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return int(moment.replace(year=year, month=month, day=day).timestamp())


def expire_if_due(store: Store, session: dict) -> None:
    if session["status"] == "open" and now() >= session["expires_at"]:
        expire_session(store, session)


def expire_session(store: Store, session: dict) -> dict:
    if session["status"] != "open":
        raise InvalidRequest(
            "Only Checkout Sessions with a status of `open` can be expired.", param="session"
        )
    session.update(status="expired", url=None)
    store.emit("checkout.session.expired", session)
    return session


def new_invoice(store: Store, sub: dict, reason: str, period) -> dict:
    customer = store.get("customer", sub["customer"])

    def describe(item):
        price = item["price"]
        name = store.get("product", price["product"])["name"]
        amount = describe_price(price["unit_amount"], price["currency"], price["recurring"])
        return f"{item['quantity']} × {name} (at {amount.replace(' per ', ' / ')})"

    invoice = store.add(shapes_billing.invoice(sub, customer, reason, period, describe))
    sub["latest_invoice"] = invoice["id"]
    return invoice


def new_charge(store, pi, card, pm, decline, *, pending: bool = False) -> dict:
    """Charge `pi` (no events); a `pending` charge (a delayed payment method) settles later."""
    charge = store.add(shapes_billing.charge(pi, card, pm["id"], decline))
    pi["latest_charge"] = charge["id"]
    later = LATER.get(getattr(card, "number", ""))
    if later:
        store.card_behaviours[charge["id"]] = later
    store.add(pi)
    if pending:
        charge.update(status="pending", paid=False)
        pi["status"] = "processing"
        store.delayed_charges.add(charge["id"])
    else:
        _settle(store, pi, charge, decline)
    return charge


def _settle(store: Store, pi: dict, charge: dict, decline) -> None:
    if decline:
        charge.update(
            status="failed",
            paid=False,
            captured=False,
            amount_captured=0,
            balance_transaction=None,
            failure_code=decline.code,
            failure_message=decline.message,
            outcome=shapes_billing.outcome(decline),
        )
        pi["status"] = "requires_payment_method"
        pi["last_payment_error"] = {
            "charge": charge["id"],
            "code": decline.code,
            "decline_code": decline.decline_code,
            "message": decline.message,
            "payment_method": copy.deepcopy(store.get("payment_method", pi["payment_method"])),
            "type": "card_error",
        }
    else:
        charge.update(status="succeeded", paid=True)
        pi.update(status="succeeded", amount_received=pi["amount"])


def emit_payment(store: Store, pi: dict, decline) -> None:
    charge = store.get("charge", pi["latest_charge"])
    store.emit("charge.failed" if decline else "charge.succeeded", charge)
    store.emit("payment_intent.payment_failed" if decline else "payment_intent.succeeded", pi)


def settle_payment(store: Store, pi: dict, decline) -> None:
    """Finish a processing payment (delayed method), emitting the charge and intent events."""
    _settle(store, pi, store.get("charge", pi["latest_charge"]), decline)
    emit_payment(store, pi, decline)


def pay_invoice(store: Store, invoice: dict, card, pm, decline, *, pending=False) -> dict:
    """Attempt payment of `invoice`, emitting the charge, intent and invoice events.

    With `pending` the payment stays processing (payment_intent.processing only) until
    settle_payment and finish_invoice are called.
    """
    reason = invoice["billing_reason"]
    pi = shapes_billing.payment_intent(
        amount=invoice["amount_due"],
        currency=invoice["currency"],
        customer_id=invoice["customer"],
        pm_id=pm["id"],
        metadata={},
        description="Subscription creation"
        if reason == "subscription_create"
        else "Subscription update",
        email=None,
    )
    new_charge(store, pi, card, pm, decline, pending=pending)
    invoice.update(attempt_count=invoice["attempt_count"] + 1, attempted=True)
    payments = store.invoice_payments.setdefault(invoice["id"], [])
    for earlier in payments:
        earlier["is_default"] = False
    payments.append(store.add(shapes.invoice_payment(invoice, pi)))
    if pending:
        store.emit("payment_intent.processing", pi)
    else:
        emit_payment(store, pi, decline)
        finish_invoice(store, invoice, pi, decline)
    return pi


def finish_invoice(store: Store, invoice: dict, pi: dict, decline) -> None:
    """Record the outcome of `pi` on `invoice` and its invoice payment; emit invoice events."""
    if decline:
        invoice.update(auto_advance=True, next_payment_attempt=now() + 3 * DAY)
        store.emit("invoice.payment_failed", invoice)
        return
    for payment in store.invoice_payments[invoice["id"]]:
        if payment["payment"]["payment_intent"] == pi["id"]:
            payment.update(amount_paid=pi["amount"], status="paid")
            payment["status_transitions"]["paid_at"] = now()
    paid = invoice["amount_due"]
    invoice.update(amount_paid=paid, amount_remaining=0, status="paid", auto_advance=False)
    invoice.update(next_payment_attempt=None)
    invoice["status_transitions"]["paid_at"] = now()
    store.emit("invoice.paid", invoice)
    store.emit("invoice.payment_succeeded", invoice)


def _saved_card(store: Store, pm_id: str):
    pm = store.get("payment_method", pm_id)
    card, details = pm["card"], pm["billing_details"]
    return pm, SimpleNamespace(
        **{k: card[k] for k in ("brand", "last4", "exp_month", "exp_year", "fingerprint")},
        name=details["name"],
        email=details["email"],
    )


def renew(store: Store, sub: dict, outcome: str) -> dict:
    """Simulate the end of the current period: charge the next one (or retry a failed one)."""
    if sub["status"] in ("canceled", "incomplete_expired"):
        raise InvalidRequest("This subscription is canceled and cannot renew.", param="id")
    if sub["cancel_at_period_end"]:
        return cancel_subscription(store, sub, reason="cancellation_requested")
    pause = sub["pause_collection"]
    if pause and pause["resumes_at"] is not None:
        item = sub["items"]["data"][0]
        if pause["resumes_at"] <= item["current_period_end"]:
            change(store, sub, pause_collection=None)  # collection resumes on its date
    decline = CardError("Your card was declined.", decline_code="generic_decline")
    decline = decline if outcome == "failed" else None
    pm, card = _saved_card(store, sub["default_payment_method"])
    latest = store.find(sub["latest_invoice"] or "")
    retry = sub["status"] == "past_due" and latest and latest["status"] == "open"
    if retry and not sub["pause_collection"]:  # a paused subscription is not retried
        pay_invoice(store, latest, card, pm, decline)
        if not decline:
            change(store, sub, status="active")
        return sub
    item = sub["items"]["data"][0]
    old_period = (item["current_period_start"], item["current_period_end"])
    recurring = item["price"]["recurring"]
    end = add_interval(old_period[1], recurring["interval"], recurring["interval_count"])
    previous = {"items": copy.deepcopy(sub["items"]), "latest_invoice": sub["latest_invoice"]}
    for sub_item in sub["items"]["data"]:
        sub_item.update(current_period_start=old_period[1], current_period_end=end)
    invoice = new_invoice(store, sub, "subscription_cycle", old_period)
    if sub["pause_collection"]:
        _uncollected(store, invoice, sub["pause_collection"]["behavior"])
        store.emit("customer.subscription.updated", sub, previous)
        return sub
    pay_invoice(store, invoice, card, pm, decline)
    status = "past_due" if decline else "active"
    if status != sub["status"]:
        previous["status"] = sub["status"]
        sub["status"] = status
    store.emit("customer.subscription.updated", sub, previous)
    return sub


def _uncollected(store: Store, invoice: dict, behavior: str) -> None:
    """A paused subscription's invoice: kept as a draft, voided or marked uncollectible."""
    store.emit("invoice.created", invoice)
    if behavior == "keep_as_draft":
        invoice.update(status="draft", auto_advance=False)
        invoice["status_transitions"]["finalized_at"] = None
    elif behavior == "void":
        invoice.update(status="void", amount_remaining=0, auto_advance=False)
        invoice["status_transitions"]["voided_at"] = now()
        store.emit("invoice.voided", invoice)
    else:
        invoice.update(status="uncollectible", auto_advance=False)
        invoice["status_transitions"]["marked_uncollectible_at"] = now()
        store.emit("invoice.marked_uncollectible", invoice)
