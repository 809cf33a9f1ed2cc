"""The test dashboard plays by hand what the controls do: refunds, disputes, delayed payments."""

import requests

CARD = {
    "email": "donor@example.org",
    "expiry": "12/34",
    "cvc": "123",
    "card_number": "4242424242424242",
}


def click(stripe_server, action: str, object_id: str, **extra):
    return requests.post(
        f"{stripe_server.url}/dashboard/{action}", data={"id": object_id, **extra}, timeout=10
    )


def test_a_gift_paid_on_the_hosted_page_can_be_refunded_and_disputed_from_the_dashboard(
    paid_session, stripe_server, stripe_client
):
    charge_id = paid_session("payment").payment_intent.latest_charge

    page = requests.get(f"{stripe_server.url}/dashboard", timeout=10)
    refunded = click(stripe_server, "refund", charge_id)

    assert "TEST MODE" in page.text and charge_id in page.text and "$25.00" in page.text
    assert f"Done: refund {charge_id}." in refunded.text and "refunded $25.00" in refunded.text
    assert stripe_client.v1.charges.retrieve(charge_id).refunded is True
    assert [d["type"] for d in stripe_server.deliveries()[-2:]] == [
        "charge.refunded",
        "refund.created",
    ]
    again = click(stripe_server, "refund", charge_id)
    assert "Refused: Charge" in again.text and "already been refunded" in again.text


def test_a_delayed_payment_chosen_on_the_checkout_page_is_settled_from_the_dashboard(
    create_session, stripe_server, stripe_client
):
    session = create_session("payment")

    paid = requests.post(
        session.url, data={**CARD, "delayed": "on"}, allow_redirects=False, timeout=10
    )
    listed = requests.get(f"{stripe_server.url}/dashboard", timeout=10)
    settled = click(stripe_server, "settle", session.id, outcome="succeeded")

    assert paid.status_code == 303
    assert "Delayed payment" in listed.text
    assert "Done: settle" in settled.text
    assert stripe_client.v1.checkout.sessions.retrieve(session.id).payment_status == "paid"
    assert stripe_server.deliveries()[-1]["type"] == "checkout.session.async_payment_succeeded"


def test_an_unknown_dashboard_action_is_a_404(stripe_server):
    response = requests.post(f"{stripe_server.url}/dashboard/explode", data={"id": "x"}, timeout=10)

    assert response.status_code == 404
