"""Test controls under `/_testserver/` (not part of Stripe's API), JSON in and out."""

import json
from urllib.parse import parse_qsl, urlsplit

from . import billing, checkout_flow
from .cards import read_card
from .errors import InvalidRequest, NotFound
from .listing import render
from .webhooks import sign, wait_until_delivered


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
    if method == "POST" and path == "reset":
        store.reset()
        return request.send_json(200, {"reset": True})
    if method == "POST" and len(parts) == 3 and parts[0] == "subscriptions" and parts[2] == "renew":
        return request.send_json(200, _renew(store, parts[1], _json(request)))
    if method == "POST" and len(parts) == 3 and parts[0] == "checkout" and parts[2] == "pay":
        return request.send_json(200, _pay(store, parts[1], _json(request)))
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
    }


def _configure(store, data: dict) -> None:
    unknown = set(data) - {"webhook_url", "webhook_secret"}
    if unknown:
        raise InvalidRequest(f"Unknown config keys: {', '.join(sorted(unknown))}")
    if "webhook_url" in data:
        url = data["webhook_url"]
        if url is not None and (
            not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https")
        ):
            raise InvalidRequest("webhook_url must be an http(s) URL or null.", param="webhook_url")
    secret = data.get("webhook_secret", store.webhook_secret)
    if not isinstance(secret, str) or not secret.startswith("whsec_"):
        raise InvalidRequest("webhook_secret must start with whsec_.", param="webhook_secret")
    with store.lock:
        store.webhook_url = data.get("webhook_url", store.webhook_url)
        store.webhook_secret = secret
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


def _renew(store, subscription_id: str, data: dict) -> dict:
    outcome = data.get("outcome", "paid")
    if outcome not in ("paid", "failed"):
        raise InvalidRequest('outcome must be "paid" or "failed".', param="outcome")
    with store.lock:
        sub = store.get("subscription", subscription_id)
        billing.renew(store, sub, outcome)
        invoice = store.find(sub["latest_invoice"] or "")
        return {"subscription": render(store, sub), "invoice": invoice and render(store, invoice)}


def _pay(store, session_id: str, data: dict) -> dict:
    card = read_card(
        str(data.get("card", "4242424242424242")),
        str(data.get("expiry", "")),
        str(data.get("cvc", "")),
        require_all=False,
    )
    with store.lock:
        session = store.get("checkout.session", session_id, param="session")
        checkout_flow.complete_checkout(store, session, card, data.get("email"), data.get("name"))
        return render(store, session)
