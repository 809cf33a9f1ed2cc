"""Changes to a subscription: its fields (and `customer.subscription.updated`), its status
(a test control), `subscriptions.update` (pause_collection, new item prices, cancelling at
the period's end), cancellation and a new default card. Callers hold `store.lock`."""

import copy

from . import shapes
from .errors import InvalidRequest, no_such
from .money import check_amount
from .params import CLEARED
from .store import Store, now


def change(store: Store, obj: dict, **fields) -> dict:
    """Set `fields` on a subscription and emit customer.subscription.updated if any changed."""
    previous = {k: copy.deepcopy(obj[k]) for k, v in fields.items() if obj[k] != v}
    if previous:
        obj.update(fields)
        store.emit("customer.subscription.updated", obj, previous)
    return obj


SETTABLE_STATUSES = (
    "active", "incomplete", "incomplete_expired", "past_due", "paused", "trialing", "unpaid",
)  # fmt: skip


def set_status(store: Store, sub: dict, status: str) -> dict:
    """Move a subscription to `status` as Stripe's own state changes would (a test control)."""
    if sub["status"] in ("canceled", "incomplete_expired"):
        raise InvalidRequest(f"Subscription {sub['id']} has ended ({sub['status']}).", param="id")
    was = sub["status"]
    change(store, sub, status=status)
    if status == "paused" and was != "paused":
        store.emit("customer.subscription.paused", sub)
    elif was == "paused" and status != "paused":
        store.emit("customer.subscription.resumed", sub)
    return sub


def update_subscription(store: Store, sub: dict, params: dict) -> dict:
    if sub["status"] == "canceled" and set(params) - {"metadata", "cancellation_details", "expand"}:
        raise InvalidRequest(
            "A canceled subscription can only update its cancellation_details and metadata."
        )
    fields = {}
    if "pause_collection" in params:
        pause = params["pause_collection"]
        fields["pause_collection"] = None if pause is CLEARED else _pause(pause)
    if "items" in params:
        fields["items"] = _new_items(store, sub, params["items"], params.get("proration_behavior"))
        if _interval(fields["items"]) != _interval(sub["items"]) and "trial_end" not in params:
            # Stripe resets the billing cycle and invoices at once; this server does not.
            raise InvalidRequest(
                "stripe_testserver changes a subscription's interval only with trial_end "
                "(its next charge, from which the new interval counts).",
                param="trial_end",
            )
    if "trial_end" in params:
        fields.update(_trial(sub, params["trial_end"], fields.get("items", sub["items"])))
    if "metadata" in params:
        merged = {**sub["metadata"], **params["metadata"]}
        fields["metadata"] = {k: v for k, v in merged.items() if v != ""}
    if "description" in params:
        fields["description"] = params["description"]
    if "cancel_at_period_end" in params:
        at_end = params["cancel_at_period_end"]
        period_end = sub["items"]["data"][0]["current_period_end"]
        fields.update(cancel_at_period_end=at_end, cancel_at=period_end if at_end else None)
        details = dict(sub["cancellation_details"])
        details["reason"] = "cancellation_requested" if at_end else None
        fields["cancellation_details"] = details
    if "cancellation_details" in params:
        details = {**fields.get("cancellation_details", sub["cancellation_details"])}
        details.update(params["cancellation_details"])
        fields["cancellation_details"] = details
    return change(store, sub, **fields)


TWO_YEARS = 731 * 86400


def _interval(items: dict) -> tuple:
    recurring = items["data"][0]["price"]["recurring"]
    return recurring["interval"], recurring["interval_count"]


def _trial(sub: dict, trial_end: int, items: dict) -> dict:
    """`trial_end`: nothing is charged until then, and the billing cycle starts again there
    (Stripe's `billing_cycle_anchor` moves to it)."""
    if sub["status"] not in ("active", "trialing"):
        raise InvalidRequest(
            f"A {sub['status']} subscription cannot be given a trial period.", param="trial_end"
        )
    moment = now()
    if trial_end <= moment:
        raise InvalidRequest("trial_end must be in the future.", param="trial_end")
    if trial_end > moment + TWO_YEARS:
        raise InvalidRequest(
            "trial_end can be at most two years from the billing cycle anchor.", param="trial_end"
        )
    items = copy.deepcopy(items)
    for item in items["data"]:
        item.update(current_period_start=moment, current_period_end=trial_end)
    return {
        "items": items,
        "status": "trialing",
        "trial_start": moment,
        "trial_end": trial_end,
        "billing_cycle_anchor": trial_end,
    }


def _pause(pause: dict) -> dict:
    """`pause_collection`: invoices are still made but not charged ("" resumes)."""
    resumes_at = pause.get("resumes_at")
    if resumes_at is not None and resumes_at <= now():
        raise InvalidRequest(
            "pause_collection[resumes_at] must be in the future.",
            param="pause_collection[resumes_at]",
        )
    return {"behavior": pause["behavior"], "resumes_at": resumes_at}


def _new_items(store: Store, sub: dict, changes: list[dict], proration_behavior) -> dict:
    """A changed price or quantity for existing items (a new amount from the next period)."""
    if proration_behavior != "none":
        raise InvalidRequest(
            "stripe_testserver changes a subscription's prices without prorations only: pass "
            "proration_behavior=none.",
            param="proration_behavior",
        )
    items = copy.deepcopy(sub["items"])
    by_id = {item["id"]: item for item in items["data"]}
    for n, change_ in enumerate(changes):
        item = by_id.get(change_["id"])
        if item is None:
            raise no_such("subscription_item", change_["id"], f"items[{n}][id]", 400)
        if "price" in change_ and "price_data" in change_:
            raise InvalidRequest(
                f"You may only specify one of these parameters: items[{n}][price], "
                f"items[{n}][price_data].",
                param=f"items[{n}][price_data]",
            )
        if "price_data" in change_:
            price = _price_for(store, sub, change_["price_data"], f"items[{n}][price_data]")
        elif "price" in change_:
            price = store.get("price", change_["price"], param=f"items[{n}][price]", status=400)
        else:
            price = item["price"]
        item.update(price=price, plan=shapes.plan(price))
        item["quantity"] = change_.get("quantity", item["quantity"])
    return items


def _price_for(store: Store, sub: dict, data: dict, path: str) -> dict:
    if data["currency"] != sub["currency"]:
        raise InvalidRequest(
            f"The price's currency ({data['currency']}) must be the subscription's "
            f"({sub['currency']}).",
            param=f"{path}[currency]",
        )
    store.get("product", data["product"], param=f"{path}[product]", status=400)
    check_amount(data["unit_amount"], data["currency"], f"{path}[unit_amount]")
    price = shapes.price(
        currency=data["currency"],
        unit_amount=data["unit_amount"],
        product_id=data["product"],
        recurring=data["recurring"],
    )
    return store.add(price)


def cancel_subscription(store: Store, sub: dict, *, reason: str, details=None) -> dict:
    if sub["status"] == "canceled":
        raise InvalidRequest(
            f"This subscription has already been canceled: {sub['id']}", param="id"
        )
    moment = now()
    cancellation = {**sub["cancellation_details"], **(details or {}), "reason": reason}
    sub.update(status="canceled", canceled_at=moment, ended_at=moment)
    sub.update(cancellation_details=cancellation)
    store.emit("customer.subscription.deleted", sub)
    return sub


def set_default_card(store: Store, customer: dict, card) -> dict:
    """Save `card` as the customer's default, as the billing portal's "Update card" does."""
    decline = card.decline()
    if decline:
        raise decline
    card.email, card.name = customer["email"], customer["name"]
    pm = store.add(shapes.payment_method(card, customer_id=customer["id"]))
    store.emit("payment_method.attached", pm)
    settings = customer["invoice_settings"]
    previous = {"invoice_settings": {"default_payment_method": settings["default_payment_method"]}}
    settings["default_payment_method"] = pm["id"]
    store.emit("customer.updated", customer, previous)
    for sub in store.where("subscription", customer=customer["id"]):
        if sub["status"] != "canceled":
            change(store, sub, default_payment_method=pm["id"])
    return pm
