"""Hosted pages: `/checkout/{session id}` and `/portal/{portal session id}`."""

import re
from urllib.parse import parse_qsl, urlencode

from . import billing, checkout_flow, dashboard, page_html, subscriptions
from .cards import read_card
from .errors import CardError, StripeError

EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
NOTICES = {
    "canceled": "Your subscription has been canceled.",
    "card": "Your card has been updated.",
}


def handle(request, method: str) -> None:
    parts = request.url_path.strip("/").split("/")
    store = request.server.store
    with store.lock:
        if parts[0] == "checkout" and len(parts) == 2 and method in ("GET", "POST"):
            return _checkout(request, method, store, parts[1])
        if parts[0] == "portal" and len(parts) in (2, 3):
            return _portal(request, method, store, parts[1:])
        if parts[0] == "dashboard" and len(parts) <= 2:
            return dashboard.handle(request, method, store)
    request.send(404, page_html.not_found("There is no page here."), "text/html")


def success_url(session: dict) -> str:
    return session["success_url"].replace("{CHECKOUT_SESSION_ID}", session["id"])


def _checkout(request, method: str, store, session_id: str) -> None:
    session = store.find(session_id)
    if not session or session.get("object") != "checkout.session":
        page = page_html.not_found("This checkout session does not exist.")
        return request.send(404, page, "text/html")
    billing.expire_if_due(store, session)
    if session["status"] == "complete":
        page = page_html.closed(session, "This payment is already complete.", success_url(session))
        return request.send(200, page, "text/html")
    if session["status"] != "open":
        page = page_html.closed(session, "This checkout session has expired. Start again.")
        return request.send(410, page, "text/html")
    values = dict(parse_qsl(request.body)) if method == "POST" else {}
    if method == "POST":
        try:
            card = _card_from_form(values)
            checkout_flow.complete_checkout(
                store,
                session,
                card,
                values["email"].strip(),
                values.get("name") or None,
                delayed=values.get("delayed") == "on",
            )
            return request.redirect(success_url(session))
        except StripeError as error:
            status = 402 if isinstance(error, CardError) and error.decline_code else 400
            return _checkout_page(request, store, session, values, error.message, status)
    return _checkout_page(request, store, session, values, None, 200)


def _checkout_page(request, store, session, values, error, status) -> None:
    items = store.line_items[session["id"]]
    back = request.headers.get("Referer")
    page = page_html.checkout(session, items, values, error, back)
    request.send(status, page, "text/html")


def _card_from_form(values: dict):
    if not EMAIL.fullmatch(values.get("email", "").strip()):
        raise CardError("Your email address is invalid.", code="email_invalid")
    return read_card(
        values.get("card_number", ""), values.get("expiry", ""), values.get("cvc", ""),
        require_all=True,
    )  # fmt: skip


def _portal(request, method: str, store, parts: list[str]) -> None:
    session = store.find(parts[0])
    if not session or session.get("object") != "billing_portal.session":
        page = page_html.not_found("This billing portal session does not exist.")
        return request.send(404, page, "text/html")
    customer = store.get("customer", session["customer"])
    action = parts[1] if len(parts) == 2 else None
    if method == "GET" and action is None:
        notice = NOTICES.get(dict(parse_qsl(request.query)).get("done", ""))
        return _portal_page(request, store, session, customer, notice=notice)
    values = dict(parse_qsl(request.body))
    if method == "POST" and action == "cancel" and not session.get("flow"):
        sub = store.find(values.get("subscription", ""))
        if not sub or sub.get("customer") != customer["id"] or sub["object"] != "subscription":
            page = page_html.not_found("This subscription does not exist.")
            return request.send(404, page, "text/html")
        if sub["status"] != "canceled":
            subscriptions.cancel_subscription(store, sub, reason="cancellation_requested")
        return request.redirect(f"/portal/{session['id']}?{urlencode({'done': 'canceled'})}")
    if method == "POST" and action == "card":
        try:
            card = read_card(
                values.get("card_number", ""), values.get("expiry", ""), values.get("cvc", ""),
                require_all=True,
            )  # fmt: skip
            subscriptions.set_default_card(store, customer, card)
        except CardError as error:
            status = 402 if error.decline_code else 400
            return _portal_page(
                request, store, session, customer, error=error.message, status=status
            )
        after = (session.get("flow") or {}).get("after_completion") or {}
        if after.get("type") == "redirect":
            return request.redirect(after["redirect"]["return_url"])
        return request.redirect(f"/portal/{session['id']}?{urlencode({'done': 'card'})}")
    request.send(404, page_html.not_found("There is no page here."), "text/html")


def _portal_page(request, store, session, customer, notice=None, error=None, status=200):
    subs = store.where("subscription", customer=customer["id"])
    cards = {pm["id"]: pm["card"] for pm in store.where("payment_method", customer=customer["id"])}
    page = page_html.portal(session, customer, subs, cards, notice=notice, error=error)
    request.send(status, page, "text/html")
