"""Money going back: refunds (and their failure) and disputes: inquiries, chargebacks (won or
lost) and appeals of lost chargebacks.

Callers hold `store.lock`. Each change emits the events Stripe sends for it at this API
version (refund.created/updated/failed apply to every refund since 2024-10-28.acacia;
charge.dispute.funds_withdrawn and funds_reinstated follow the dispute's balance
transactions).
"""

import copy

from . import shapes, shapes_billing
from .errors import InvalidRequest
from .money import check_amount, format_amount
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
    check_amount(amount, charge["currency"], "amount")
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


def open_dispute(
    store: Store, charge: dict, reason: str, amount: int | None, *, inquiry: bool = False
) -> dict:
    """Open a chargeback (the funds are withdrawn at once) or, with `inquiry`, an inquiry
    (`warning_needs_response`: the issuer asks, no money moves unless it is escalated)."""
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
    dispute = store.add(_dispute(charge, amount, reason, inquiry=inquiry))
    charge["disputed"] = True
    store.emit("charge.dispute.created", dispute)
    if not inquiry:
        store.emit("charge.dispute.funds_withdrawn", dispute)
    return dispute


# Stripe's dispute statuses at the pinned API version (stripe-python's Dispute.status), as
# they follow each other. An appeal is open to a lost chargeback; its money stays withdrawn
# until the appeal is won.
NEEDS_RESPONSE = ("warning_needs_response", "needs_response", "appeal_needs_response")
UNDER_REVIEW = {
    "warning_needs_response": "warning_under_review",
    "needs_response": "under_review",
    "appeal_needs_response": "appeal_under_review",
}
INQUIRY = ("warning_needs_response", "warning_under_review")
CHARGEBACK = ("needs_response", "under_review")
APPEAL = ("appeal_needs_response", "appeal_under_review")
CLOSED = ("won", "lost", "warning_closed", "prevented")
OUTCOMES = ("won", "lost", "warning_closed")


def submit_evidence(store: Store, dispute: dict, evidence: dict, submit: bool) -> dict:
    """`POST /v1/disputes/{id}`: keep evidence; with `submit`, the issuer reviews it."""
    if dispute["status"] in CLOSED:
        raise InvalidRequest(
            f"This dispute is already closed ({dispute['status']}) and cannot be updated.",
            param="dispute",
        )
    previous = {}
    if evidence:
        previous["evidence"] = copy.deepcopy(dispute["evidence"])
        dispute["evidence"].update(evidence)
        dispute["evidence_details"]["has_evidence"] = True
    if submit and dispute["status"] in UNDER_REVIEW:
        previous["status"] = dispute["status"]
        dispute["status"] = UNDER_REVIEW[dispute["status"]]
        dispute["evidence_details"]["submission_count"] += 1
    if previous:
        store.emit("charge.dispute.updated", dispute, previous)
    return dispute


def escalate_inquiry(store: Store, dispute: dict) -> dict:
    """The issuer turns an inquiry into a chargeback: the funds are withdrawn now."""
    if dispute["status"] not in INQUIRY:
        raise InvalidRequest(
            f"Only an inquiry can be escalated; dispute {dispute['id']} is {dispute['status']}.",
            param="dispute",
        )
    previous = {"status": dispute["status"]}
    dispute.update(status="needs_response")
    dispute["evidence_details"]["due_by"] = now() + 21 * 24 * 3600
    dispute["balance_transactions"].append(_dispute_txn(dispute, -dispute["amount"]))
    store.emit("charge.dispute.updated", dispute, previous)
    store.emit("charge.dispute.funds_withdrawn", dispute)
    return dispute


def appeal(store: Store, dispute: dict) -> dict:
    """A lost chargeback goes to appeal (`appeal_needs_response`); the money stays out."""
    if dispute["status"] != "lost" or not _withdrawn(dispute) or dispute["id"] in store.appealed:
        raise InvalidRequest(
            f"Only a lost chargeback can be appealed, once; dispute {dispute['id']} is "
            f"{dispute['status']}.",
            param="dispute",
        )
    previous = {"status": "lost"}
    store.appealed.add(dispute["id"])
    dispute.update(status="appeal_needs_response")
    dispute["evidence_details"]["due_by"] = now() + 10 * 24 * 3600
    store.emit("charge.dispute.updated", dispute, previous)
    return dispute


def close_dispute(store: Store, dispute: dict, outcome: str) -> dict:
    """Close a dispute: an inquiry as `warning_closed` (no chargeback), a chargeback or an
    appeal as won (the funds come back: charge.dispute.funds_reinstated) or lost."""
    if outcome not in OUTCOMES:
        raise InvalidRequest(f"outcome must be one of {', '.join(OUTCOMES)}.", param="outcome")
    if dispute["status"] in CLOSED:
        raise InvalidRequest(f"Dispute {dispute['id']} is already closed.", param="dispute")
    inquiry = dispute["status"] in INQUIRY
    if inquiry != (outcome == "warning_closed"):
        raise InvalidRequest(
            "An inquiry closes as warning_closed (or is escalated first); a chargeback or an "
            f"appeal as won or lost. Dispute {dispute['id']} is {dispute['status']}.",
            param="outcome",
        )
    previous = {"status": dispute["status"]}
    dispute.update(status=outcome, is_charge_refundable=False)
    if outcome == "won":
        dispute["balance_transactions"].append(_dispute_txn(dispute, dispute["amount"]))
    store.emit("charge.dispute.closed", dispute, previous)
    if outcome == "won":
        store.emit("charge.dispute.funds_reinstated", dispute)
    return dispute


def _withdrawn(dispute: dict) -> bool:
    return sum(t["amount"] for t in dispute["balance_transactions"]) < 0


def _dispute(charge: dict, amount: int, reason: str, *, inquiry: bool) -> dict:
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
        status="warning_needs_response" if inquiry else "needs_response",
    )
    dispute["evidence_details"].update(
        due_by=now() + 21 * 24 * 3600, has_evidence=False, past_due=False, submission_count=0
    )
    if not inquiry:
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
