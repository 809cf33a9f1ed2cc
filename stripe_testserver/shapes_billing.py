"""Build payment and billing objects (charges, subscriptions, invoices) in Stripe's shape."""

from .shapes import NULL_ADDRESS, list_object, plan, shaped
from .store import new_id, now


def payment_intent(*, amount, currency, customer_id, pm_id, metadata, description, email):
    pi_id = new_id("pi_3")
    return shaped(
        "payment_intent",
        amount=amount,
        amount_capturable=0,
        amount_details={"tip": {}},
        amount_received=0,
        automatic_payment_methods=None,
        canceled_at=None,
        client_secret=f"{pi_id}_secret_{new_id('', 25)}",
        created=now(),
        currency=currency,
        customer=customer_id,
        description=description,
        id=pi_id,
        last_payment_error=None,
        managed_payments={"enabled": False},
        metadata=metadata,
        next_action=None,
        payment_method=pm_id,
        payment_method_configuration_details=None,
        payment_method_options={
            "card": {
                "installments": None,
                "mandate_options": None,
                "network": None,
                "request_three_d_secure": "automatic",
            }
        },
        processing=None,
        receipt_email=email,
        shipping=None,
        status="processing",
        transfer_data=None,
    )


def charge(pi: dict, card, pm_id: str, decline=None) -> dict:
    charge_id = new_id("ch_3")
    amount = pi["amount"]
    details = shaped("charge")["payment_method_details"]
    details["card"].update(
        amount_authorized=None if decline else amount,
        authorization_code=None if decline else "123456",
        brand=card.brand,
        exp_month=card.exp_month,
        exp_year=card.exp_year,
        fingerprint=card.fingerprint,
        installments=None,
        last4=card.last4,
        network=card.brand,
        network_transaction_id=new_id("", 15),
        overcapture={"maximum_amount_capturable": amount, "status": "unavailable"},
        regulated_status="unregulated",
        three_d_secure=None,
        wallet=None,
    )
    return shaped(
        "charge",
        amount=amount,
        amount_captured=0 if decline else amount,
        balance_transaction=None if decline else new_id("txn_3"),
        billing_details={
            "address": dict(NULL_ADDRESS),
            "email": card.email,
            "name": card.name,
            "phone": None,
            "tax_id": None,
        },
        captured=not decline,
        created=now(),
        currency=pi["currency"],
        customer=pi["customer"],
        description=pi["description"],
        failure_code=decline.code if decline else None,
        failure_message=decline.message if decline else None,
        id=charge_id,
        metadata=dict(pi["metadata"]),
        outcome=outcome(decline),
        paid=not decline,
        payment_intent=pi["id"],
        payment_method=pm_id,
        payment_method_details=details,
        receipt_email=pi["receipt_email"],
        receipt_url=None,
        shipping=None,
        source=None,
        status="failed" if decline else "succeeded",
        transfer_data=None,
    )


def outcome(decline) -> dict:
    if decline:
        return {
            "advice_code": "try_again_later",
            "network_advice_code": None,
            "network_decline_code": None,
            "network_status": "declined_by_network",
            "reason": decline.decline_code,
            "seller_message": "The bank did not return any further details with this decline.",
            "type": "issuer_declined",
        }
    return {
        "advice_code": None,
        "network_advice_code": None,
        "network_decline_code": None,
        "network_status": "approved_by_network",
        "reason": None,
        "seller_message": "Payment complete.",
        "type": "authorized",
    }


def refund(charge_obj: dict, amount: int, reason, metadata) -> dict:
    return shaped(
        "refund",
        amount=amount,
        balance_transaction=new_id("txn_3"),
        charge=charge_obj["id"],
        created=now(),
        currency=charge_obj["currency"],
        customer=charge_obj["customer"],
        id=new_id("re_3"),
        metadata=metadata,
        payment_intent=charge_obj["payment_intent"],
        payment_method=charge_obj["payment_method"],
        reason=reason,
    )


def subscription_item(price_obj, quantity, sub_id, period) -> dict:
    return shaped(
        "subscription_item",
        billing_thresholds=None,
        created=now(),
        current_period_end=period[1],
        current_period_start=period[0],
        id=new_id("si_", 14),
        plan=plan(price_obj),
        price=price_obj,
        quantity=quantity,
        subscription=sub_id,
    )


def subscription(*, customer_id, pm_id, items, period, metadata, description) -> dict:
    sub_id = new_id("sub_1")
    start = period[0]
    return shaped(
        "subscription",
        automatic_tax={"disabled_reason": None, "enabled": False, "liability": None},
        billing_cycle_anchor=start,
        billing_cycle_anchor_config=None,
        billing_mode={"flexible": None, "type": "classic"},
        billing_schedules=[],
        billing_thresholds=None,
        cancel_at=None,
        cancel_at_period_end=False,
        canceled_at=None,
        created=start,
        currency=items[0]["price"]["currency"],
        customer=customer_id,
        default_payment_method=pm_id,
        description=description,
        ended_at=None,
        id=sub_id,
        invoice_settings={"account_tax_ids": None, "issuer": {"type": "self"}},
        items=list_object(
            [subscription_item(i["price"], i["quantity"], sub_id, period) for i in items],
            f"/v1/subscription_items?subscription={sub_id}",
        ),
        managed_payments={"enabled": False},
        metadata=metadata,
        next_pending_invoice_item_invoice=None,
        pause_collection=None,
        payment_settings={
            "payment_method_options": None,
            "payment_method_types": None,
            "save_default_payment_method": "off",
        },
        pending_invoice_item_interval=None,
        pending_update=None,
        start_date=start,
        status="active",
        transfer_data=None,
        trial_end=None,
        trial_start=None,
    )


def invoice(sub: dict, customer: dict, billing_reason: str, period, describe) -> dict:
    invoice_id = new_id("in_1")
    created = now()
    lines = [_invoice_line(invoice_id, sub, item, describe(item)) for item in sub["items"]["data"]]
    total = sum(line["amount"] for line in lines)
    customer["next_invoice_sequence"] += 1
    return shaped(
        "invoice",
        amount_due=total,
        amount_overpaid=0,
        amount_paid=0,
        amount_remaining=total,
        attempt_count=0,
        attempted=False,
        automatic_tax={
            "disabled_reason": None,
            "enabled": False,
            "liability": None,
            "provider": None,
            "status": None,
        },
        billing_reason=billing_reason,
        created=created,
        currency=sub["currency"],
        customer=customer["id"],
        customer_address=None,
        customer_email=customer["email"],
        customer_name=customer["name"],
        customer_shipping=None,
        due_date=None,
        effective_at=created,
        ending_balance=0,
        from_invoice=None,
        id=invoice_id,
        last_finalization_error=None,
        lines=list_object(lines, f"/v1/invoices/{invoice_id}/lines"),
        next_payment_attempt=None,
        number=f"{customer['invoice_prefix']}-{customer['next_invoice_sequence'] - 1:04d}",
        parent={
            "quote_details": None,
            "subscription_details": {"metadata": dict(sub["metadata"]), "subscription": sub["id"]},
            "type": "subscription_details",
        },
        payment_settings={
            "default_mandate": None,
            "payment_method_options": None,
            "payment_method_types": None,
        },
        period_end=period[1],
        period_start=period[0],
        rendering=None,
        shipping_cost=None,
        shipping_details=None,
        status="open",
        status_transitions={
            "finalized_at": created,
            "marked_uncollectible_at": None,
            "paid_at": None,
            "voided_at": None,
        },
        subtotal=total,
        subtotal_excluding_tax=total,
        total=total,
        total_excluding_tax=total,
        total_pretax_credit_amounts=[],
        total_taxes=[],
        webhooks_delivered_at=created,
    )


def _invoice_line(invoice_id: str, sub: dict, item: dict, description: str) -> dict:
    price_obj = item["price"]
    amount = price_obj["unit_amount"] * item["quantity"]
    return shaped(
        "line_item",
        amount=amount,
        currency=price_obj["currency"],
        description=description,
        id=new_id("il_1"),
        invoice=invoice_id,
        metadata=dict(sub["metadata"]),
        parent={
            "invoice_item_details": None,
            "subscription_item_details": {
                "invoice_item": None,
                "proration": False,
                "proration_details": {"credited_items": None},
                "subscription": sub["id"],
                "subscription_item": item["id"],
            },
            "type": "subscription_item_details",
        },
        period={"end": item["current_period_end"], "start": item["current_period_start"]},
        pretax_credit_amounts=[],
        pricing={
            "price_details": {"price": price_obj["id"], "product": price_obj["product"]},
            "type": "price_details",
            "unit_amount_decimal": price_obj["unit_amount_decimal"],
        },
        quantity=item["quantity"],
        subscription=sub["id"],
        subtotal=amount,
        taxes=[],
    )
