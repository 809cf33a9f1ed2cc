import re

import requests

CARD = {"email": "donor@example.org", "expiry": "12/34", "cvc": "123", "name": "Ada Donor"}


def submit(session, number: str, **overrides):
    form = {**CARD, "card_number": number, **overrides}
    return requests.post(session.url, data=form, allow_redirects=False, timeout=10)


def test_the_checkout_page_says_plainly_it_is_test_mode_and_shows_the_amount(create_session):
    session = create_session("subscription")

    page = requests.get(session.url, timeout=10)

    assert page.status_code == 200
    assert "Test mode — local Stripe test server, no real money" in page.text
    assert "$2.00 per month" in page.text
    assert 'value="donor@example.org"' in page.text
    for field in ("email", "card_number", "expiry", "cvc", "name"):
        assert re.search(rf'<label for="{field}">', page.text), field
    assert re.search(r"<button[^>]*>Subscribe", page.text)
    assert 'href="http://testserver/support/"' in page.text


def test_a_one_time_page_has_a_pay_button(create_session):
    session = create_session("payment")

    page = requests.get(session.url, timeout=10)

    assert re.search(r"<button[^>]*>Pay \$25\.00", page.text)


def test_paying_with_4242_redirects_to_the_success_url_with_the_session_id(
    create_session, stripe_client
):
    session = create_session("subscription")

    response = submit(session, "4242 4242 4242 4242")

    assert response.status_code == 303
    expected = f"http://testserver/support/thanks/?session_id={session.id}"
    assert response.headers["Location"] == expected
    paid = stripe_client.v1.checkout.sessions.retrieve(session.id)
    assert (paid.status, paid.payment_status) == ("complete", "paid")
    assert paid.customer.startswith("cus_") and paid.subscription.startswith("sub_")


def test_a_declined_card_shows_the_page_again_and_completes_nothing(
    create_session, stripe_client, stripe_server
):
    session = create_session("payment")

    declined = submit(session, "4000 0000 0000 0002")

    assert declined.status_code == 402
    assert "Your card was declined." in declined.text
    assert '<form method="post"' in declined.text
    still_open = stripe_client.v1.checkout.sessions.retrieve(session.id)
    assert (still_open.status, still_open.payment_status) == ("open", "unpaid")
    assert stripe_server.deliveries() == []

    retried = submit(session, "4242424242424242")

    assert retried.status_code == 303


def test_any_other_card_number_is_incorrect(create_session):
    session = create_session("payment")

    response = submit(session, "1234 5678 9012 3456")

    assert response.status_code == 400
    assert "Your card number is incorrect." in response.text


def test_an_expired_card_date_is_refused(create_session):
    session = create_session("payment")

    response = submit(session, "4242424242424242", expiry="01/20")

    assert response.status_code == 400
    assert "expiration" in response.text


def test_a_paid_sessions_page_says_it_is_already_paid(create_session):
    session = create_session("payment")
    submit(session, "4242424242424242")

    page = requests.get(session.url, timeout=10)
    again = submit(session, "4242424242424242")

    assert "already complete" in page.text
    assert again.status_code == 200 and "already complete" in again.text


def test_an_expired_sessions_page_says_so(create_session, stripe_client):
    session = create_session("payment")
    stripe_client.v1.checkout.sessions.expire(session.id)

    page = requests.get(session.url, timeout=10)

    assert page.status_code == 410
    assert "expired" in page.text


def test_an_unknown_sessions_page_is_a_404(stripe_server):
    page = requests.get(f"{stripe_server.url}/checkout/cs_test_nope", timeout=10)

    assert page.status_code == 404


def test_the_control_endpoint_pays_and_declines_like_the_page(create_session, stripe_server):
    declined = create_session("payment")
    paid = create_session("payment")

    error = stripe_server.pay(declined.id, "4000000000000002")
    session = stripe_server.pay(paid.id, "4242424242424242", email="other@example.org")

    assert error["error"]["type"] == "card_error"
    assert error["error"]["decline_code"] == "generic_decline"
    assert (session["status"], session["customer_details"]["email"]) == (
        "complete",
        "other@example.org",
    )
