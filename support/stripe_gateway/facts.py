"""What Stripe says now about a checkout, subscription, invoice, charge or dispute.

Each reader re-fetches the object (an event is only a trigger) at the API version that
stripe-python pins, and returns a small value in the project's terms, amounts converted from
the currency's minor units (support.money). Shapes at this version: an invoice has no
`charge`, `payment_intent` or `subscription`; its subscription is under
`parent.subscription_details` and its payments under `payments` (expanded). Nothing here says
which gift an object belongs to: only the Checkout Session ids this site kept do (ledger).
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from support.money import from_minor
from support.stripe_gateway.client import _call, client

PAID = {"paid", "no_payment_required"}
# Stripe's dispute statuses at this API version, in the project's terms. An inquiry takes no
# money; a lost dispute under appeal has lost the money until the appeal is won.
DISPUTE_OUTCOMES = {
    "warning_needs_response": "inquiry",
    "warning_under_review": "inquiry",
    "warning_closed": "closed",
    "prevented": "closed",
    "needs_response": "open",
    "under_review": "open",
    "won": "won",
    "lost": "lost",
    "appeal_needs_response": "appeal",
    "appeal_under_review": "appeal",
}
MONEY_GONE = {"lost", "appeal"}


@dataclass(frozen=True)
class CheckoutFacts:
    session_id: str
    recurring: bool
    state: str  # "open", "complete" or "expired"
    paid: bool
    email: str
    customer_id: str
    subscription_id: str
    payment_intent_id: str
    amount: Decimal
    currency: str


@dataclass(frozen=True)
class SubscriptionFacts:
    subscription_id: str
    customer_id: str
    status: str  # Stripe's: active, past_due, unpaid, paused, canceled, incomplete, ...
    amount: Decimal | None
    currency: str
    interval: str | None  # "month" or "year"
    current_period_end: datetime | None
    canceled_at: datetime | None
    collection_paused: bool = False  # `pause_collection` is set: no invoice is charged
    resumes_at: datetime | None = None  # when a paused collection resumes, if Stripe says
    checkout_session_id: str = ""  # the Checkout Session that made it, when looked up


@dataclass(frozen=True)
class InvoiceFacts:
    invoice_id: str
    subscription_id: str
    status: str  # Stripe's: draft, open, paid, uncollectible or void
    first: bool  # the subscription's first invoice, paid at checkout
    amount: Decimal
    currency: str
    paid_at: datetime | None
    payment_intent_id: str
    charge_id: str

    @property
    def paid(self) -> bool:
        return self.status == "paid"


@dataclass(frozen=True)
class DisputeFacts:
    dispute_id: str
    charge_id: str
    amount: Decimal
    outcome: str  # inquiry, open, won, lost, appeal (lost, under appeal) or closed
    money_gone: bool  # withdrawn from the balance and not reinstated (or lost)


@dataclass(frozen=True)
class ChargeFacts:
    charge_id: str
    payment_intent_id: str
    refunded: Decimal  # what Stripe counts as refunded now; a failed refund comes back off
    disputes: tuple[DisputeFacts, ...]
    card_brand: str = ""  # "visa", as Stripe names it; empty for other payment methods
    card_last4: str = ""
    card_exp_month: int | None = None
    card_exp_year: int | None = None


def checkout_facts(session_id: str) -> CheckoutFacts:
    session = _call("checkout session retrieve", client().v1.checkout.sessions.retrieve, session_id)
    details = session.get("customer_details") or {}
    currency = session.get("currency") or "usd"
    return CheckoutFacts(
        session_id=session["id"],
        recurring=session.get("mode") == "subscription",
        state=session.get("status") or "open",
        paid=session.get("payment_status") in PAID,
        email=(details.get("email") or session.get("customer_email") or "").strip().lower(),
        customer_id=_id(session.get("customer")),
        subscription_id=_id(session.get("subscription")),
        payment_intent_id=_id(session.get("payment_intent")),
        amount=from_minor(session.get("amount_total") or 0, currency),
        currency=currency,
    )


def subscription_facts(subscription_id: str, *, find_checkout: bool = False) -> SubscriptionFacts:
    """What a subscription is now; with `find_checkout`, also the session that created it."""
    subscription = _call(
        "subscription retrieve", client().v1.subscriptions.retrieve, subscription_id
    )
    items = (subscription.get("items") or {}).get("data") or []
    price = items[0].get("price") or {} if items else {}
    unit_amount = price.get("unit_amount")
    currency = price.get("currency") or subscription.get("currency") or "usd"
    pause = subscription.get("pause_collection") or {}
    return SubscriptionFacts(
        subscription_id=subscription["id"],
        customer_id=_id(subscription.get("customer")),
        status=subscription.get("status") or "",
        amount=from_minor(unit_amount, currency) if unit_amount is not None else None,
        currency=currency,
        interval=(price.get("recurring") or {}).get("interval"),
        # At this version the billing period lives on each item.
        current_period_end=_time(items[0].get("current_period_end") if items else None),
        canceled_at=_time(subscription.get("canceled_at")),
        collection_paused=bool(pause),
        resumes_at=_time(pause.get("resumes_at")),
        checkout_session_id=_checkout_of(subscription["id"]) if find_checkout else "",
    )


def _checkout_of(subscription_id: str) -> str:
    listed = _call(
        "checkout session list",
        client().v1.checkout.sessions.list,
        params={"subscription": subscription_id, "limit": 1},
    )
    sessions = listed.get("data") or []
    return sessions[0]["id"] if sessions else ""


def invoice_facts(invoice_id: str) -> InvoiceFacts:
    invoice = _call(
        "invoice retrieve",
        client().v1.invoices.retrieve,
        invoice_id,
        params={"expand": ["payments"]},
    )
    details = (invoice.get("parent") or {}).get("subscription_details") or {}
    payment_intent_id = charge_id = ""
    for entry in (invoice.get("payments") or {}).get("data") or []:
        if entry.get("status") == "paid" or not payment_intent_id:
            payment = entry.get("payment") or {}
            payment_intent_id = _id(payment.get("payment_intent"))
            charge_id = _id(payment.get("charge"))
    currency = invoice.get("currency") or "usd"
    return InvoiceFacts(
        invoice_id=invoice["id"],
        subscription_id=_id(details.get("subscription")),
        status=invoice.get("status") or "",
        first=invoice.get("billing_reason") == "subscription_create",
        amount=from_minor(invoice.get("amount_paid") or 0, currency),
        currency=currency,
        paid_at=_time((invoice.get("status_transitions") or {}).get("paid_at")),
        payment_intent_id=payment_intent_id,
        charge_id=charge_id,
    )


def payment_intent_charge_id(payment_intent_id: str) -> str:
    """Return the charge that settled a payment intent, or "" while there is none."""
    intent = _call(
        "payment intent retrieve", client().v1.payment_intents.retrieve, payment_intent_id
    )
    return _id(intent.get("latest_charge"))


def charge_facts(charge_id: str) -> ChargeFacts:
    charge = _call("charge retrieve", client().v1.charges.retrieve, charge_id)
    disputes = ()
    if charge.get("disputed"):
        listed = _call("dispute list", client().v1.disputes.list, params={"charge": charge_id})
        disputes = tuple(_dispute(d) for d in listed.get("data") or [])
    card = (charge.get("payment_method_details") or {}).get("card") or {}
    return ChargeFacts(
        charge_id=charge["id"],
        payment_intent_id=_id(charge.get("payment_intent")),
        refunded=from_minor(charge.get("amount_refunded") or 0, charge.get("currency") or "usd"),
        disputes=disputes,
        card_brand=(card.get("brand") or "")[:20],
        card_last4=(card.get("last4") or "")[:4],
        card_exp_month=card.get("exp_month"),
        card_exp_year=card.get("exp_year"),
    )


def dispute_facts(dispute_id: str) -> DisputeFacts:
    return _dispute(_call("dispute retrieve", client().v1.disputes.retrieve, dispute_id))


def _dispute(dispute: dict) -> DisputeFacts:
    outcome = DISPUTE_OUTCOMES.get(dispute.get("status") or "", "open")
    # Withdrawn and reinstated funds are the dispute's balance transactions (in the balance's
    # currency, so only their sign is read here).
    moved = sum(t.get("amount") or 0 for t in dispute.get("balance_transactions") or [])
    return DisputeFacts(
        dispute_id=dispute["id"],
        charge_id=_id(dispute.get("charge")),
        amount=from_minor(dispute.get("amount") or 0, dispute.get("currency") or "usd"),
        outcome=outcome,
        money_gone=moved < 0 or outcome in MONEY_GONE,
    )


def _id(value) -> str:
    """Return the id of a field that may be an id, an expanded object or null."""
    if isinstance(value, dict):
        return value.get("id") or ""
    return value or ""


def _time(value) -> datetime | None:
    return datetime.fromtimestamp(value, tz=UTC) if value else None
