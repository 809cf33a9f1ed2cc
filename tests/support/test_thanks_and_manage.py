from urllib.parse import urlsplit

import pytest
from django.test import RequestFactory
from django.urls import reverse

from support.appeals import COOKIE, GIVEN, appeal_state
from support.emails import manage_link

pytestmark = pytest.mark.django_db
THANKS = reverse("support:thanks")


def test_the_thank_you_page_names_the_gift_and_stops_the_appeals(client, give, stripe_server):
    _, donation = give()
    stripe_server.pay(donation.stripe_checkout_session_id, "4242424242424242")

    response = client.get(THANKS, {"session_id": donation.stripe_checkout_session_id})

    assert response.status_code == 200
    assert "$2 every month" in response.content.decode()
    assert "manage" in response.content.decode()
    cookie = response.cookies[COOKIE].value
    assert appeal_state(RequestFactory().get("/", HTTP_COOKIE=f"{COOKIE}={cookie}")) == GIVEN


def test_reloading_the_thank_you_page_changes_nothing(client, give, stripe_server):
    _, donation = give()
    stripe_server.pay(donation.stripe_checkout_session_id, "4242424242424242")

    first = client.get(THANKS, {"session_id": donation.stripe_checkout_session_id})
    second = client.get(THANKS, {"session_id": donation.stripe_checkout_session_id})

    donation.refresh_from_db()
    assert first.status_code == second.status_code == 200
    assert donation.status == "pending"  # fulfilment comes from the webhook only
    assert donation.payments.count() == 0


@pytest.mark.parametrize("session_id", ["", "cs_test_unknown", "x" * 300, "../../etc"])
def test_an_unknown_checkout_session_is_a_404(client, stripe_server, session_id):
    assert client.get(THANKS, {"session_id": session_id}).status_code == 404


def test_the_manage_link_offers_a_sign_in_link_to_the_gifts_address(
    client, give, stripe_server, deliver
):
    _, donation = give(email="manage@example.org")
    stripe_server.pay(donation.stripe_checkout_session_id, "4242424242424242")
    deliver()
    donation.refresh_from_db()

    response = client.get(urlsplit(manage_link(donation)).path)

    assert response.status_code == 200
    assert "Email me a sign-in link" in response.content.decode()
    # A donor who keeps giving has the hint of it renewed, paid through the current period.
    hint = response.cookies["support_hint"].value.split(":")[0]
    assert hint == f"monthly|{donation.current_period_end.date().isoformat()}"


def test_a_tampered_manage_link_is_refused(client, give, stripe_server, deliver):
    response = client.get(reverse("support:manage", args=["tampered-token"]))

    assert response.status_code == 400
    assert "not valid" in response.content.decode()


def test_the_thank_you_page_names_the_address_the_receipt_goes_to(client, give, stripe_server):
    _, donation = give(email="reader@example.org")
    stripe_server.pay(donation.stripe_checkout_session_id, "4242424242424242")

    page = client.get(THANKS, {"session_id": donation.stripe_checkout_session_id})

    assert "Your receipt goes to <strong>reader@example.org</strong>." in page.content.decode()
