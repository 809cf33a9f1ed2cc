"""`/dashboard`: a page to do by hand what Stripe's dashboard or time would do later.

Refund a payment, make a refund fail, open and close a dispute, settle a delayed payment,
renew or change a subscription — the same changes as the `/_testserver/` controls, with the
same events. Plain forms, no JavaScript; for development under `make run`.
"""

from html import escape
from urllib.parse import parse_qsl, urlencode

from . import billing, checkout_flow, disputes, page_html, subscriptions
from .errors import StripeError
from .money import format_amount

ACTIONS = {
    "refund": lambda store, charge_id, values: disputes.refund_charge(
        store, store.get("charge", charge_id), None, None, {}
    ),
    "fail-refund": lambda store, refund_id, values: disputes.fail_refund(
        store, store.get("refund", refund_id), "expired_or_canceled_card"
    ),
    "dispute": lambda store, charge_id, values: disputes.open_dispute(
        store, store.get("charge", charge_id), "fraudulent", None
    ),
    "win": lambda store, dp, values: disputes.close_dispute(store, store.get("dispute", dp), "won"),
    "lose": lambda store, dp, values: disputes.close_dispute(
        store, store.get("dispute", dp), "lost"
    ),
    "settle": lambda store, cs, values: checkout_flow.settle(
        store, store.get("checkout.session", cs), values.get("outcome", "succeeded")
    ),
    "renew": lambda store, sub, values: billing.renew(
        store, store.get("subscription", sub), values.get("outcome", "paid")
    ),
    "cancel": lambda store, sub, values: subscriptions.cancel_subscription(
        store, store.get("subscription", sub), reason="cancellation_requested"
    ),
}


def handle(request, method: str, store) -> None:
    """GET /dashboard shows the page; POST /dashboard/{action} with `id` changes one object."""
    action = request.url_path.strip("/").partition("/")[2]
    if method == "POST" and action in ACTIONS:
        values = dict(parse_qsl(request.body))
        try:
            ACTIONS[action](store, values.get("id", ""), values)
            done = f"Done: {action} {values.get('id', '')}."
        except StripeError as error:
            done = f"Refused: {error.message}"
        return request.redirect("/dashboard?" + urlencode({"done": done}))
    if method == "GET" and not action:
        notice = dict(parse_qsl(request.query)).get("done")
        return request.send(200, page_html.layout("Dashboard", _body(store, notice)), "text/html")
    request.send(404, page_html.not_found("There is no page here."), "text/html")


def _button(action: str, object_id: str, label: str, **extra) -> str:
    hidden = "".join(
        f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">' for k, v in extra.items()
    )
    return (
        f'<form method="post" action="/dashboard/{action}" style="display:inline">'
        f'<input type="hidden" name="id" value="{escape(object_id)}">{hidden}'
        f'<button type="submit">{escape(label)}</button></form>'
    )


def _body(store, notice) -> str:
    rows = []
    for session in reversed(store.where("checkout.session")):
        if session["status"] == "complete" and session["payment_status"] == "unpaid":
            rows.append(
                f"<li>Delayed payment {escape(session['id'][:20])}… "
                f"{_money(session['amount_total'], session['currency'])} "
                f"{_button('settle', session['id'], 'Succeed', outcome='succeeded')} "
                f"{_button('settle', session['id'], 'Fail', outcome='failed')}</li>"
            )
    for charge in list(reversed(store.where("charge")))[:50]:
        rows.append(_charge_row(store, charge))
    for sub in reversed(store.where("subscription")):
        if sub["status"] != "canceled":
            rows.append(
                f"<li>Subscription {escape(sub['id'])} ({escape(sub['status'])}) "
                f"{_button('renew', sub['id'], 'Renew: paid', outcome='paid')} "
                f"{_button('renew', sub['id'], 'Renew: card declined', outcome='failed')} "
                f"{_button('cancel', sub['id'], 'Cancel')}</li>"
            )
    listing = "".join(rows) or "<li>Nothing yet: make a gift first.</li>"
    return f"{page_html.message(notice, error=False)}<h2>Payments</h2><ul>{listing}</ul>"


def _charge_row(store, charge: dict) -> str:
    email = charge["billing_details"]["email"] or "guest"
    parts = [
        f"Charge {escape(charge['id'])} {_money(charge['amount'], charge['currency'])} "
        f"({escape(charge['status'])}, {escape(email)})"
    ]
    if charge["amount_refunded"]:
        parts.append(f"refunded {_money(charge['amount_refunded'], charge['currency'])}")
    if charge["status"] == "succeeded" and not charge["refunded"] and not charge["disputed"]:
        parts.append(_button("refund", charge["id"], "Refund"))
        parts.append(_button("dispute", charge["id"], "Dispute"))
    for refund in store.charge_refunds.get(charge["id"], []):
        if refund["status"] == "succeeded":
            parts.append(_button("fail-refund", refund["id"], f"Fail refund {refund['id'][:12]}…"))
    for dispute in store.where("dispute", charge=charge["id"]):
        if dispute["status"] in ("won", "lost"):
            parts.append(f"dispute {escape(dispute['status'])}")
        else:
            parts.append(_button("win", dispute["id"], "Dispute won"))
            parts.append(_button("lose", dispute["id"], "Dispute lost"))
    return "<li>" + " ".join(parts) + "</li>"


def _money(amount: int, currency: str) -> str:
    return escape(format_amount(amount, currency))
