"""Money going back: refunds (and their failure) and disputes (opened, then won or lost).

Callers hold `store.lock`. Each change emits the events Stripe sends for it at this API
version (refund.created/updated/failed apply to every refund since 2024-10-28.acacia).
"""

import copy

from . import shapes, shapes_billing
from .errors import InvalidRequest
from .money import format_amount
from .store import Store, new_id, now

REFUND_FAILURES = (
    "lost_or_stolen_card",
    "expired_or_canceled_card",
    "charge_for_pending_refund_disputed",
    "insufficient_funds",
    "declined",
    "merchant_request",
    "unknown",
)
DISPUTE_REASONS = (
    "bank_cannot_process", "check_returned", "credit_not_processed", "customer_initiated",
    "debit_not_authorized", "duplicate", "fraudulent", "general", "incorrect_account_details",
    "insufficient_funds", "noncompliant", "product_not_received", "product_unacceptable",
    "subscription_canceled", "unrecognized",
)  # fmt: skip


def refund_charge(store: Store, charge: dict, amount: int | None, reason, metadata) -> dict:
    """Refund `amount` (default: what is left) of a succeeded charge."""
    if charge["status"] != "succeeded":
        raise InvalidRequest(
            f"Charge {charge['id']} has not succeeded and cannot be refunded.",
            code="charge_not_refundable",
            param="charge",
        )
    remaining = charge["amount"] - charge["amount_refunded"]
    if charge["refunded"] or remaining == 0:
        raise InvalidRequest(
            f"Charge {charge['id']} has already been refunded.",
            code="charge_already_refunded",
            param="charge",
        )
    if charge["disputed"]:
        raise InvalidRequest(
            f"Charge {charge['id']} has been charged back; cannot issue a refund.",
            code="charge_disputed",
            param="charge",
        )
    amount = remaining if amount is None else amount
    if amount > remaining:
        raise InvalidRequest(
            f"Refund amount ({format_amount(amount, charge['currency'])}) is greater than "
            f"unrefunded amount on charge ({format_amount(remaining, charge['currency'])})",
            code="amount_too_large",
            param="amount",
        )
    refund = store.add(shapes_billing.refund(charge, amount, reason, metadata))
    if charge["id"] in store.delayed_charges:  # bank debits refund slowly: pending first
        refund["status"] = "pending"
    previous = {"amount_refunded": charge["amount_refunded"]}
    charge["amount_refunded"] += amount
    store.charge_refunds.setdefault(charge["id"], []).insert(0, refund)
    if charge["amount_refunded"] == charge["amount"]:
        previous["refunded"] = False
        charge["refunded"] = True
    store.emit("charge.refunded", charge, previous)
    store.emit("refund.created", refund)
    answer = copy.deepcopy(refund)
    if store.card_behaviours.get(charge["id"]) == "refund_fails":
        fail_refund(store, refund, "declined")  # "asynchronously": just after the answer's copy
    return answer


def fail_refund(store: Store, refund: dict, failure_reason: str) -> dict:
    """A refund that the card network returns: the money is back in the balance."""
    if failure_reason not in REFUND_FAILURES:
        raise InvalidRequest(
            f"failure_reason must be one of {', '.join(REFUND_FAILURES)}.",
            param="failure_reason",
        )
    if refund["status"] != "succeeded" and refund["status"] != "pending":
        raise InvalidRequest(
            f"Refund {refund['id']} is {refund['status']} and cannot fail.", param="refund"
        )
    previous = {"status": refund["status"]}
    refund.update(
        status="failed",
        failure_reason=failure_reason,
        failure_balance_transaction=new_id("txn_3"),
    )
    charge = store.get("charge", refund["charge"])
    charge["amount_refunded"] -= refund["amount"]
    charge["refunded"] = False
    store.emit("refund.updated", refund, previous)
    store.emit("charge.refund.updated", refund, previous)
    store.emit("refund.failed", refund)
    return refund


def succeed_refund(store: Store, refund: dict) -> dict:
    """A pending refund (of a delayed payment method) reaches the customer."""
    if refund["status"] != "pending":
        raise InvalidRequest(
            f"Refund {refund['id']} is {refund['status']}, not pending.", param="refund"
        )
    refund["status"] = "succeeded"
    store.emit("refund.updated", refund, {"status": "pending"})
    store.emit("charge.refund.updated", refund, {"status": "pending"})
    return refund


def open_dispute(store: Store, charge: dict, reason: str, amount: int | None) -> dict:
    if reason not in DISPUTE_REASONS:
        raise InvalidRequest(f"reason must be one of {', '.join(DISPUTE_REASONS)}.", param="reason")
    if charge["status"] != "succeeded" or charge["disputed"]:
        raise InvalidRequest(
            f"Charge {charge['id']} cannot be disputed (it is {charge['status']}"
            f"{', already disputed' if charge['disputed'] else ''}).",
            param="charge",
        )
    disputable = charge["amount"] - charge["amount_refunded"]
    amount = disputable if amount is None else amount
    if not isinstance(amount, int) or not 0 < amount <= disputable:
        raise InvalidRequest(
            f"amount must be a whole number from 1 to {disputable}.", param="amount"
        )
    dispute = store.add(_dispute(charge, amount, reason))
    charge["disputed"] = True
    store.emit("charge.dispute.created", dispute)
    store.emit("charge.dispute.funds_withdrawn", dispute)
    return dispute


def close_dispute(store: Store, dispute: dict, outcome: str) -> dict:
    if outcome not in ("won", "lost"):
        raise InvalidRequest('outcome must be "won" or "lost".', param="outcome")
    if dispute["status"] in ("won", "lost"):
        raise InvalidRequest(f"Dispute {dispute['id']} is already closed.", param="dispute")
    previous = {"status": dispute["status"]}
    dispute.update(status=outcome, is_charge_refundable=False)
    if outcome == "won":
        dispute["balance_transactions"].append(_dispute_txn(dispute, dispute["amount"]))
    store.emit("charge.dispute.closed", dispute, previous)
    if outcome == "won":
        store.emit("charge.dispute.funds_reinstated", dispute)
    return dispute


def _dispute(charge: dict, amount: int, reason: str) -> dict:
    card = charge["payment_method_details"]["card"]
    dispute = shapes.shaped(
        "dispute",
        amount=amount,
        balance_transactions=[],
        charge=charge["id"],
        created=now(),
        currency=charge["currency"],
        enhanced_eligibility_types=[],
        id=new_id("dp_1"),
        is_charge_refundable=False,
        livemode=False,
        metadata={},
        payment_intent=charge["payment_intent"],
        payment_method_details={
            "card": {
                "brand": card["brand"],
                "case_type": "chargeback",
                "network_reason_code": "10.4" if reason == "fraudulent" else "13.1",
                "network": card["brand"],
            },
            "type": "card",
        },
        reason=reason,
        status="needs_response",
    )
    dispute["evidence_details"].update(due_by=now() + 21 * 24 * 3600)
    dispute["balance_transactions"].append(_dispute_txn(dispute, -amount))
    return dispute


def _dispute_txn(dispute: dict, amount: int) -> dict:
    return {
        "id": new_id("txn_1"),
        "object": "balance_transaction",
        "amount": amount,
        "currency": dispute["currency"],
        "created": now(),
        "description": f"Chargeback {'reversal ' if amount > 0 else ''}for {dispute['charge']}",
        "fee": 0 if amount > 0 else 1500,
        "net": amount if amount > 0 else amount - 1500,
        "reporting_category": "dispute_reversal" if amount > 0 else "dispute",
        "source": dispute["id"],
        "status": "available",
        "type": "adjustment",
    }
