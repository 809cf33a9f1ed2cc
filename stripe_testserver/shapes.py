"""Build API objects from Stripe's own example objects.

`stripe_examples.json` holds the example objects of Stripe's OpenAPI fixtures (MIT, see
STRIPE_EXAMPLES_LICENSE). Each object starts as a copy of its example, so it has exactly
Stripe's fields, and every field whose example value is made up is set to what the API
returns for an object created the way this server creates it. A field the example still
carries but the pinned API version no longer has (stripe-python's class for the object does
not declare it, e.g. `invoice.subscription`) is dropped.
"""

import copy
import importlib
import json
from functools import cache
from pathlib import Path

from stripe._object_classes import OBJECT_CLASSES

from .store import new_id, now

EXAMPLES = Path(__file__).with_name("stripe_examples.json")
NULL_ADDRESS = dict.fromkeys(("city", "country", "line1", "line2", "postal_code", "state"))


# Fields that the API returns only when expanded (`expand[]=refunds`), never in events.
ONLY_EXPANDED = {"charge": {"refunds"}, "invoice": {"payments"}, "checkout.session": {"line_items"}}


@cache
def examples() -> dict:
    resources = json.loads(EXAMPLES.read_text())["resources"]
    return {
        kind: {
            k: v
            for k, v in example.items()
            if k in sdk_fields(kind) and k not in ONLY_EXPANDED.get(kind, ())
        }
        for kind, example in resources.items()
    }


@cache
def sdk_fields(kind: str) -> frozenset[str]:
    """The fields stripe-python's resource class for object `kind` declares."""
    module, name = OBJECT_CLASSES[kind]
    cls = getattr(importlib.import_module(module), name)
    return frozenset(f for f in cls.__annotations__ if f.islower() and not f.startswith("_"))


def shaped(kind: str, **fields) -> dict:
    """Return a copy of Stripe's example `kind` object with `fields` set (known fields only)."""
    obj = copy.deepcopy(examples()[kind])
    unknown = set(fields) - set(obj)
    if unknown:
        raise KeyError(f"{kind} has no fields {sorted(unknown)}")
    obj.update(fields)
    return obj


def list_object(data: list, url: str) -> dict:
    return {"object": "list", "data": data, "has_more": False, "url": url}


def product(name: str, description: str | None = None, metadata=None) -> dict:
    created = now()
    return shaped(
        "product",
        created=created,
        default_price=None,
        description=description,
        id=new_id("prod_", 14),
        metadata=metadata or {},
        name=name,
        package_dimensions=None,
        type="service",
        updated=created,
    )


def price(*, currency: str, unit_amount: int, product_id: str, recurring: dict | None) -> dict:
    if recurring:
        recurring = {
            "interval": recurring["interval"],
            "interval_count": recurring.get("interval_count", 1),
            "meter": None,
            "trial_period_days": None,
            "usage_type": "licensed",
        }
    return shaped(
        "price",
        active=False,  # prices made from price_data are archived straight away
        created=now(),
        currency=currency,
        custom_unit_amount=None,
        id=new_id("price_1"),
        product=product_id,
        recurring=recurring,
        transform_quantity=None,
        type="recurring" if recurring else "one_time",
        unit_amount=unit_amount,
        unit_amount_decimal=str(unit_amount),
    )


def plan(price_obj: dict) -> dict:
    recurring = price_obj["recurring"]
    return shaped(
        "plan",
        active=price_obj["active"],
        amount=price_obj["unit_amount"],
        amount_decimal=price_obj["unit_amount_decimal"],
        created=price_obj["created"],
        currency=price_obj["currency"],
        id=price_obj["id"],
        interval=recurring["interval"],
        interval_count=recurring["interval_count"],
        product=price_obj["product"],
        transform_usage=None,
    )


def checkout_item(price_obj: dict, quantity: int, description: str) -> dict:
    amount = price_obj["unit_amount"] * quantity
    return shaped(
        "item",
        adjustable_quantity=None,
        amount_subtotal=amount,
        amount_total=amount,
        currency=price_obj["currency"],
        description=description,
        id=new_id("li_1"),
        metadata={},
        price=price_obj,
        quantity=quantity,
    )


def checkout_session(params: dict, *, items: list, public_url: str, customer=None) -> dict:
    mode = params["mode"]
    total = sum(item["amount_total"] for item in items)
    session_id = new_id("cs_test_a1", 56)
    created = now()
    payment = mode == "payment"
    return shaped(
        "checkout.session",
        adaptive_pricing={"enabled": False},
        after_expiration=None,
        amount_subtotal=total,
        amount_total=total,
        automatic_tax={"enabled": False, "liability": None, "provider": None, "status": None},
        cancel_url=params.get("cancel_url"),
        client_reference_id=params.get("client_reference_id"),
        collected_information=None,
        consent=None,
        consent_collection=None,
        created=created,
        currency=items[0]["currency"],
        currency_conversion=None,
        custom_text=dict.fromkeys(
            ("after_submit", "shipping_address", "submit", "terms_of_service_acceptance")
        ),
        customer=customer,
        customer_creation=None
        if customer
        else (params.get("customer_creation", "if_required") if payment else "always"),
        customer_details=_details(params.get("customer_email")),
        customer_email=params.get("customer_email"),
        discounts=[],
        expires_at=created + 24 * 3600,
        id=session_id,
        invoice_creation=_invoice_creation() if payment else None,
        locale=params.get("locale"),
        managed_payments={"enabled": False},
        metadata=params.get("metadata", {}),
        mode=mode,
        payment_intent=None,
        payment_method_collection="if_required" if payment else "always",
        payment_method_configuration_details=None,
        payment_method_options={"card": {"request_three_d_secure": "automatic"}},
        payment_method_types=["card"],
        permissions=None,
        saved_payment_method_options=None,
        shipping_address_collection=None,
        shipping_cost=None,
        submit_type=params.get("submit_type"),
        success_url=params["success_url"],
        total_details={"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0},
        ui_mode=params.get("ui_mode", "hosted_page"),
        url=f"{public_url}/checkout/{session_id}",
        wallet_options=None,
    )


def _details(email: str | None, name: str | None = None) -> dict | None:
    if email is None:
        return None
    return {
        "address": dict(NULL_ADDRESS),
        "business_name": None,
        "email": email,
        "individual_name": None,
        "name": name,
        "phone": None,
        "tax_exempt": "none",
        "tax_ids": [],
    }


customer_details = _details


def _invoice_creation() -> dict:
    return {
        "enabled": False,
        "invoice_data": {
            "account_tax_ids": None,
            "custom_fields": None,
            "description": None,
            "footer": None,
            "issuer": None,
            "metadata": {},
            "rendering_options": None,
        },
    }


def customer(*, email: str | None, name: str | None) -> dict:
    return shaped(
        "customer",
        address=None,
        created=now(),
        currency=None,
        discount=None,
        email=email,
        id=new_id("cus_", 14),
        invoice_prefix=new_id("", 8).upper(),
        invoice_settings={
            "custom_fields": None,
            "default_payment_method": None,
            "footer": None,
            "rendering_options": None,
        },
        name=name,
        shipping=None,
    )


def payment_method(card, *, customer_id: str | None) -> dict:
    return shaped(
        "payment_method",
        billing_details={
            "address": dict(NULL_ADDRESS),
            "email": card.email,
            "name": card.name,
            "phone": None,
            "tax_id": None,
        },
        card={
            "brand": card.brand,
            "checks": {
                "address_line1_check": None,
                "address_postal_code_check": None,
                "cvc_check": "pass",
            },
            "country": "US",
            "display_brand": card.brand,
            "exp_month": card.exp_month,
            "exp_year": card.exp_year,
            "fingerprint": card.fingerprint,
            "funding": "credit",
            "generated_from": None,
            "last4": card.last4,
            "networks": {"available": [card.brand], "preferred": None},
            "three_d_secure_usage": {"supported": True},
            "wallet": None,
            "regulated_status": "unregulated",
        },
        created=now(),
        customer=customer_id,
        id=new_id("pm_1"),
        metadata={},
    )


def portal_session(*, customer_id: str, return_url, configuration: str, public_url: str):
    session_id = new_id("bps_1")
    return shaped(
        "billing_portal.session",
        configuration=configuration,
        created=now(),
        customer=customer_id,
        flow=None,
        id=session_id,
        livemode=False,
        return_url=return_url,
        url=f"{public_url}/portal/{session_id}",
    )


def invoice_payment(invoice: dict, pi: dict) -> dict:
    """An open invoice payment; billing.finish_invoice marks it paid."""
    paid = pi["status"] == "succeeded"
    return shaped(
        "invoice_payment",
        amount_paid=pi["amount"] if paid else None,
        amount_requested=pi["amount"],
        created=now(),
        currency=pi["currency"],
        id=new_id("inpay_1"),
        invoice=invoice["id"],
        is_default=True,
        livemode=False,
        payment={"payment_intent": pi["id"], "type": "payment_intent"},
        status="paid" if paid else "open",
        status_transitions={"canceled_at": None, "paid_at": now() if paid else None},
    )
