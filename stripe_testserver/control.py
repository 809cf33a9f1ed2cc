"""Test controls under `/_testserver/` (not part of Stripe's API), JSON in and out."""

import json
from urllib.parse import parse_qsl, urlsplit

from . import billing, checkout_flow, disputes, subscriptions
from .cards import read_card
from .errors import InvalidRequest, NotFound
from .listing import render
from .store import advance_clock
from .webhooks import MAX_CONCURRENCY, sign, wait_until_delivered


def handle(request, method: str) -> None:
    store = request.server.store
    path = request.url_path.removeprefix("/_testserver/").strip("/")
    parts = path.split("/")
    if method == "GET" and path == "health":
        return request.send_json(200, {"status": "ok"})
    if path == "config" and method in ("GET", "POST"):
        if method == "POST":
            _configure(store, _json(request))
        return request.send_json(200, _config(store))
    if method == "GET" and path == "deliveries":
        query = dict(parse_qsl(request.query))
        if query.get("wait") in ("1", "true"):
            timeout = query.get("timeout", "10")
            if not timeout.isdigit():
                raise InvalidRequest("timeout must be a whole number of seconds.", param="timeout")
            wait_until_delivered(store, min(int(timeout), 60))
        return request.send_json(200, {"object": "list", "data": deliveries(store)})
    if method == "POST" and path == "clock":
        seconds = _json(request).get("advance")
        if type(seconds) is not int or not 0 < seconds <= 400 * 24 * 3600:
            raise InvalidRequest("advance must be a whole number of seconds, up to 400 days.")
        with store.lock:
            return request.send_json(200, {"now": advance_clock(seconds)})
    if method == "POST" and path == "reset":
        store.reset()
        return request.send_json(200, {"reset": True})
    action = ACTIONS.get((parts[0], parts[2])) if len(parts) == 3 else None
    if method == "POST" and action:
        data = _json(request)
        with store.lock:
            result = action(store, parts[1], data)
        return request.send_json(200, result)
    raise NotFound(f"Unknown test server control: {method} {request.url_path}")


def _json(request) -> dict:
    try:
        data = json.loads(request.body or "{}")
    except json.JSONDecodeError as error:
        raise InvalidRequest(f"The body must be JSON: {error}") from error
    if not isinstance(data, dict):
        raise InvalidRequest("The body must be a JSON object.")
    return data


def _config(store) -> dict:
    return {
        "webhook_url": store.webhook_url,
        "webhook_secret": store.webhook_secret,
        "public_url": store.public_url,
        "api_version": store.api_version,
        "portal_configured": store.portal_configured,
        "delivery_concurrency": store.delivery_concurrency,
    }


def _configure(store, data: dict) -> None:
    unknown = set(data) - {
        "webhook_url",
        "webhook_secret",
        "portal_configured",
        "delivery_concurrency",
    }
    if unknown:
        raise InvalidRequest(f"Unknown config keys: {', '.join(sorted(unknown))}")
    if "webhook_url" in data:
        url = data["webhook_url"]
        if url is not None and (
            not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https")
        ):
            raise InvalidRequest("webhook_url must be an http(s) URL or null.", param="webhook_url")
    portal = data.get("portal_configured", store.portal_configured)
    if not isinstance(portal, bool):
        raise InvalidRequest("portal_configured must be true or false.", param="portal_configured")
    concurrency = data.get("delivery_concurrency", store.delivery_concurrency)
    if type(concurrency) is not int or not 1 <= concurrency <= MAX_CONCURRENCY:
        raise InvalidRequest(
            f"delivery_concurrency must be a whole number from 1 to {MAX_CONCURRENCY}.",
            param="delivery_concurrency",
        )
    secret = data.get("webhook_secret", store.webhook_secret)
    if not isinstance(secret, str) or not secret.startswith("whsec_"):
        raise InvalidRequest("webhook_secret must start with whsec_.", param="webhook_secret")
    with store.lock:
        store.webhook_url = data.get("webhook_url", store.webhook_url)
        store.webhook_secret = secret
        store.portal_configured = portal
        store.delivery_concurrency = concurrency
        store.changed.notify_all()


def deliveries(store) -> list[dict]:
    """Return every event's delivery record; unsent ones are signed now with the current secret."""
    with store.lock:
        records = [dict(record) for record in store.deliveries]
        secret = store.webhook_secret
    for record in records:
        record.pop("generation")
        if record["signature_header"] is None:
            record["signature_header"] = sign(record["payload"], secret)
    return records


def _choice(data: dict, name: str, choices: tuple, default=None):
    value = data.get(name, default)
    if value not in choices:
        raise InvalidRequest(f"{name} must be one of: {', '.join(map(str, choices))}.", param=name)
    return value


def _renew(store, subscription_id: str, data: dict) -> dict:
    outcome = _choice(data, "outcome", ("paid", "failed"), "paid")
    sub = store.get("subscription", subscription_id)
    billing.renew(store, sub, outcome)
    invoice = store.find(sub["latest_invoice"] or "")
    return {"subscription": render(store, sub), "invoice": invoice and render(store, invoice)}


def _set_status(store, subscription_id: str, data: dict) -> dict:
    status = _choice(data, "status", subscriptions.SETTABLE_STATUSES)
    sub = store.get("subscription", subscription_id)
    return render(store, subscriptions.set_status(store, sub, status))


def _pay(store, session_id: str, data: dict) -> dict:
    card = read_card(
        str(data.get("card", "4242424242424242")),
        str(data.get("expiry", "")),
        str(data.get("cvc", "")),
        require_all=False,
    )
    delayed = _choice(data, "delayed", (True, False), False)
    session = store.get("checkout.session", session_id, param="session")
    checkout_flow.complete_checkout(
        store, session, card, data.get("email"), data.get("name"), delayed=delayed
    )
    return render(store, session)


def _settle(store, session_id: str, data: dict) -> dict:
    outcome = _choice(data, "outcome", ("succeeded", "failed"), "succeeded")
    session = store.get("checkout.session", session_id, param="session")
    return render(store, checkout_flow.settle(store, session, outcome))


def _expire(store, session_id: str, data: dict) -> dict:
    session = store.get("checkout.session", session_id, param="session")
    return render(store, billing.expire_session(store, session))


def _fail_refund(store, refund_id: str, data: dict) -> dict:
    reason = _choice(data, "failure_reason", disputes.REFUND_FAILURES, "expired_or_canceled_card")
    refund = store.get("refund", refund_id)
    return render(store, disputes.fail_refund(store, refund, reason))


def _succeed_refund(store, refund_id: str, data: dict) -> dict:
    return render(store, disputes.succeed_refund(store, store.get("refund", refund_id)))


def _dispute(store, charge_id: str, data: dict) -> dict:
    reason = _choice(data, "reason", disputes.DISPUTE_REASONS, "fraudulent")
    inquiry = _choice(data, "inquiry", (True, False), False)
    charge = store.get("charge", charge_id)
    dispute = disputes.open_dispute(store, charge, reason, data.get("amount"), inquiry=inquiry)
    return render(store, dispute)


def _close_dispute(store, dispute_id: str, data: dict) -> dict:
    outcome = _choice(data, "outcome", disputes.OUTCOMES)
    dispute = store.get("dispute", dispute_id)
    return render(store, disputes.close_dispute(store, dispute, outcome))


def _escalate(store, dispute_id: str, data: dict) -> dict:
    return render(store, disputes.escalate_inquiry(store, store.get("dispute", dispute_id)))


def _appeal(store, dispute_id: str, data: dict) -> dict:
    return render(store, disputes.appeal(store, store.get("dispute", dispute_id)))


# (collection, action) -> control, for POST /_testserver/{collection}/{id}/{action}
ACTIONS = {
    ("checkout", "pay"): _pay,
    ("checkout", "settle"): _settle,
    ("checkout", "expire"): _expire,
    ("subscriptions", "renew"): _renew,
    ("subscriptions", "status"): _set_status,
    ("refunds", "fail"): _fail_refund,
    ("refunds", "succeed"): _succeed_refund,
    ("charges", "dispute"): _dispute,
    ("disputes", "close"): _close_dispute,
    ("disputes", "escalate"): _escalate,
    ("disputes", "appeal"): _appeal,
}
