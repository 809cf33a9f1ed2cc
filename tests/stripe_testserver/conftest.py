import pytest
import stripe


def make_client(server_url: str, api_key: str = "sk_test_local") -> stripe.StripeClient:
    base = {"api": server_url, "connect": server_url, "files": server_url}
    return stripe.StripeClient(
        api_key,
        base_addresses=base,
        max_network_retries=0,
        http_client=stripe.RequestsClient(timeout=10),
    )


@pytest.fixture
def stripe_client(stripe_server) -> stripe.StripeClient:
    return make_client(stripe_server.url)


def line_item(amount=200, *, interval=None, name="Support independent journalism"):
    price_data = {"currency": "usd", "unit_amount": amount, "product_data": {"name": name}}
    if interval:
        price_data["recurring"] = {"interval": interval}
    return {"quantity": 1, "price_data": price_data}


def session_params(mode="subscription", **extra) -> dict:
    interval = "month" if mode == "subscription" else None
    params = {
        "mode": mode,
        "line_items": [line_item(200 if interval else 2500, interval=interval)],
        "success_url": "http://testserver/support/thanks/?session_id={CHECKOUT_SESSION_ID}",
        "cancel_url": "http://testserver/support/",
        "customer_email": "donor@example.org",
        "client_reference_id": "12",
        "metadata": {"donation_id": "12"},
    }
    if mode == "subscription":
        params["subscription_data"] = {"metadata": {"donation_id": "12"}}
    else:
        params["payment_intent_data"] = {"metadata": {"donation_id": "12"}}
    params.update(extra)
    return params


@pytest.fixture
def create_session(stripe_client):
    def create(mode="subscription", **extra):
        return stripe_client.v1.checkout.sessions.create(params=session_params(mode, **extra))

    return create


@pytest.fixture
def paid_session(create_session, stripe_server, stripe_client):
    """Create and pay a session; return it retrieved with its objects expanded."""

    def pay(mode="subscription", card="4242424242424242", **extra):
        session = create_session(mode, **extra)
        stripe_server.pay(session.id, card)
        expand = ["customer", "subscription", "payment_intent", "invoice"]
        return stripe_client.v1.checkout.sessions.retrieve(session.id, params={"expand": expand})

    return pay
