"""Customers, subscriptions, invoices, payments, refunds and events under `/v1/`."""

from .disputes import CHARGEBACK, close_dispute, refund_charge, submit_evidence
from .errors import InvalidRequest
from .listing import LIST_PARAMS, paginate, render
from .params import (
    EXPAND,
    RETRIEVE,
    Bool,
    Clearable,
    Email,
    Int,
    List,
    Metadata,
    Obj,
    Str,
    validate,
)
from .routes import route
from .store import Store
from .subscriptions import cancel_subscription, update_subscription

# collection -> (object kind, stripe-python's class prefix for its request types)
RETRIEVABLE = {
    "customers": ("customer", "Customer"),
    "subscriptions": ("subscription", "Subscription"),
    "invoices": ("invoice", "Invoice"),
    "payment_intents": ("payment_intent", "PaymentIntent"),
    "charges": ("charge", "Charge"),
    "refunds": ("refund", "Refund"),
    "disputes": ("dispute", "Dispute"),
    "events": ("event", "Event"),
    "payment_methods": ("payment_method", "PaymentMethod"),
    "prices": ("price", "Price"),
    "products": ("product", "Product"),
    "invoice_payments": ("invoice_payment", "InvoicePayment"),
}
ID = "(?P<object_id>[^/]+)"


def _retrieve(collection: str):
    kind = RETRIEVABLE[collection][0]

    def retrieve(store: Store, params: dict, object_id: str) -> dict:
        params = validate(RETRIEVE, params)
        return render(store, store.get(kind, object_id), params.get("expand"))

    return retrieve


for _collection, (_, _prefix) in RETRIEVABLE.items():
    route("GET", f"/v1/{_collection}/{ID}", f"{_prefix}RetrieveParams")(_retrieve(_collection))


def _lister(kind: str, url: str, filters: dict, select):
    schema = Obj({**LIST_PARAMS, **filters})

    def list_objects(store: Store, params: dict) -> dict:
        params = validate(schema, params)
        wanted = {k: params[k] for k in filters if k in params}
        objects = select(store, kind, wanted)
        return paginate(store, objects, params, url)

    return list_objects


def _plain(store: Store, kind: str, wanted: dict) -> list[dict]:
    return store.where(kind, **wanted)


def _subscriptions(store: Store, kind: str, wanted: dict) -> list[dict]:
    status = wanted.pop("status", None)
    subs = store.where(kind, **wanted)
    if status == "all":
        return subs
    if status:
        return [s for s in subs if s["status"] == status]
    return [s for s in subs if s["status"] not in ("canceled", "incomplete_expired")]


def _events(store: Store, kind: str, wanted: dict) -> list[dict]:
    events = [store.objects[event_id] for event_id in store.events]
    types = set(wanted.get("types", [])) | ({wanted["type"]} if "type" in wanted else set())
    if types:
        events = [e for e in events if _type_matches(e["type"], types)]
    return events


def _type_matches(event_type: str, patterns: set[str]) -> bool:
    return any(
        event_type == p or (p.endswith(".*") and event_type.startswith(p[:-1])) for p in patterns
    )


SUB_STATUSES = (
    "active",
    "all",
    "canceled",
    "ended",
    "incomplete",
    "past_due",
    "trialing",
    "unpaid",
)
LISTS = {
    "customers": ("customer", {"email": Email()}, _plain),
    "subscriptions": (
        "subscription",
        {"customer": Str(), "status": Str(choices=SUB_STATUSES)},
        _subscriptions,
    ),
    "invoices": ("invoice", {"customer": Str(), "status": Str()}, _plain),
    "charges": ("charge", {"customer": Str(), "payment_intent": Str()}, _plain),
    "payment_intents": ("payment_intent", {"customer": Str()}, _plain),
    "invoice_payments": ("invoice_payment", {"invoice": Str()}, _plain),
    "refunds": ("refund", {"charge": Str(), "payment_intent": Str()}, _plain),
    "disputes": ("dispute", {"charge": Str(), "payment_intent": Str()}, _plain),
    "events": (
        "event",
        {"type": Str(), "types": List(Str(), 20), "delivery_success": Bool()},
        _events,
    ),
}
for _collection, (_kind, _filters, _select) in LISTS.items():
    _list_params = RETRIEVABLE[_collection][1] + "ListParams"
    route("GET", f"/v1/{_collection}", _list_params)(
        _lister(_kind, f"/v1/{_collection}", _filters, _select)
    )

PAUSE_BEHAVIORS = ("keep_as_draft", "mark_uncollectible", "void")
SUBSCRIPTION_ITEM = Obj(
    {
        "id": Str(),
        "price": Str(),
        "price_data": Obj(
            {
                "currency": Str(3),
                "product": Str(),
                "recurring": Obj(
                    {
                        "interval": Str(choices=("day", "month", "week", "year")),
                        "interval_count": Int(1, 365),
                    },
                    required=("interval",),
                ),
                "unit_amount": Int(0, 99999999),
            },
            required=("currency", "product", "recurring", "unit_amount"),
        ),
        "quantity": Int(1, 999999),
    },
    required=("id",),
)
UPDATE_SUBSCRIPTION = Obj(
    {
        "pause_collection": Clearable(
            Obj(
                {"behavior": Str(choices=PAUSE_BEHAVIORS), "resumes_at": Int()},
                required=("behavior",),
            )
        ),
        "items": List(SUBSCRIPTION_ITEM, 20),
        "proration_behavior": Str(choices=("always_invoice", "create_prorations", "none")),
        "cancel_at_period_end": Bool(),
        # A timestamp only ("now" is Stripe's too, not implemented here).
        "trial_end": Int(),
        "metadata": Metadata(),
        "description": Str(500),
        "cancellation_details": Obj(
            {
                "comment": Str(5000),
                "feedback": Str(
                    choices=(
                        "customer_service",
                        "low_quality",
                        "missing_features",
                        "other",
                        "switched_service",
                        "too_complex",
                        "too_expensive",
                        "unused",
                    )
                ),
            }
        ),
        "expand": EXPAND,
    }
)


@route("POST", f"/v1/subscriptions/{ID}", params="SubscriptionUpdateParams")
def update(store: Store, params: dict, object_id: str) -> dict:
    params = validate(UPDATE_SUBSCRIPTION, params)
    sub = store.get("subscription", object_id)
    return render(store, update_subscription(store, sub, params), params.get("expand"))


CANCEL_SUBSCRIPTION = Obj(
    {
        "invoice_now": Bool(),
        "prorate": Bool(),
        "cancellation_details": UPDATE_SUBSCRIPTION.fields["cancellation_details"],
        "expand": EXPAND,
    }
)


@route("DELETE", f"/v1/subscriptions/{ID}", params="SubscriptionCancelParams")
def cancel(store: Store, params: dict, object_id: str) -> dict:
    params = validate(CANCEL_SUBSCRIPTION, params)
    sub = store.get("subscription", object_id)
    details = params.get("cancellation_details")
    cancel_subscription(store, sub, reason="cancellation_requested", details=details)
    return render(store, sub, params.get("expand"))


REFUND = Obj(
    {
        "charge": Str(),
        "payment_intent": Str(),
        "amount": Int(1),
        "reason": Str(choices=("duplicate", "fraudulent", "requested_by_customer")),
        "metadata": Metadata(),
        "expand": EXPAND,
    }
)


@route("POST", "/v1/refunds", params="RefundCreateParams")
def create_refund(store: Store, params: dict) -> dict:
    params = validate(REFUND, params)
    charge = _charge_to_refund(store, params)
    metadata = {k: v for k, v in params.get("metadata", {}).items() if v}
    refund = refund_charge(store, charge, params.get("amount"), params.get("reason"), metadata)
    return render(store, refund, params.get("expand"))


def _charge_to_refund(store: Store, params: dict) -> dict:
    if "charge" in params and "payment_intent" in params:
        raise InvalidRequest(
            "You may only specify one of these parameters: charge, payment_intent.",
            param="payment_intent",
        )
    if "charge" in params:
        charge = store.get("charge", params["charge"], param="charge", status=400)
    elif "payment_intent" in params:
        pi = store.get(
            "payment_intent", params["payment_intent"], param="payment_intent", status=400
        )
        if pi["status"] != "succeeded":
            raise InvalidRequest(
                f"This PaymentIntent ({pi['id']}) does not have a successful charge to refund.",
                code="charge_not_refundable",
                param="payment_intent",
            )
        charge = store.get("charge", pi["latest_charge"])
    else:
        raise InvalidRequest(
            "One of the following params should be provided for this request: "
            "payment_intent or charge.",
            code="parameter_missing",
        )
    return charge


TEXT_EVIDENCE = (
    "access_activity_log billing_address cancellation_policy_disclosure cancellation_rebuttal "
    "customer_email_address customer_name customer_purchase_ip duplicate_charge_explanation "
    "duplicate_charge_id product_description refund_policy_disclosure "
    "refund_refusal_explanation service_date shipping_address shipping_carrier shipping_date "
    "shipping_tracking_number uncategorized_text"
).split()
UPDATE_DISPUTE = Obj(
    {
        "evidence": Obj(
            {
                **{name: Str(20000) for name in TEXT_EVIDENCE},
                "appeal": Obj({"card": Obj({"reason_for_filing": Str(20000)})}),
            }
        ),
        "submit": Bool(),
        "metadata": Metadata(),
        "expand": EXPAND,
    }
)


@route("POST", f"/v1/disputes/{ID}", params="DisputeUpdateParams")
def update_dispute(store: Store, params: dict, object_id: str) -> dict:
    """Stage evidence, and submit it (Stripe's default): `*_needs_response` becomes
    `*_under_review`."""
    params = validate(UPDATE_DISPUTE, params)
    dispute = store.get("dispute", object_id)
    if "metadata" in params:
        merged = {**dispute["metadata"], **params["metadata"]}
        dispute["metadata"] = {k: v for k, v in merged.items() if v != ""}
    submit_evidence(store, dispute, params.get("evidence", {}), params.get("submit", True))
    return render(store, dispute, params.get("expand"))


@route("POST", f"/v1/disputes/{ID}/close", params="DisputeCloseParams")
def close(store: Store, params: dict, object_id: str) -> dict:
    """Accept a chargeback: it is lost, and its money stays withdrawn."""
    params = validate(RETRIEVE, params)
    dispute = store.get("dispute", object_id)
    if dispute["status"] not in CHARGEBACK:
        raise InvalidRequest(
            f"This dispute is {dispute['status']}; only an open chargeback can be closed.",
            param="dispute",
        )
    return render(store, close_dispute(store, dispute, "lost"), params.get("expand"))
