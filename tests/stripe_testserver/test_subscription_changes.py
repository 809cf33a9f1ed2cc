"""A donor's own changes as Stripe takes them: a new interval from `trial_end` (nothing charged
until then), and the billing portal's `payment_method_update` flow."""

import pytest
import requests
import stripe

pytestmark = pytest.mark.django_db


def new_price(sub, *, amount, interval):
    item = sub.items.data[0]
    return {
        "id": item.id,
        "price_data": {
            "currency": "usd",
            "product": item.price.product,
            "unit_amount": amount,
            "recurring": {"interval": interval},
        },
    }


def test_a_new_interval_starts_at_trial_end_and_charges_nothing_until_then(
    paid_session, stripe_server, stripe_client
):
    sub = paid_session("subscription").subscription
    month_end = sub.items.data[0].current_period_end

    changed = stripe_client.v1.subscriptions.update(
        sub.id,
        params={
            "items": [new_price(sub, amount=2000, interval="year")],
            "proration_behavior": "none",
            "trial_end": month_end,
        },
    )

    assert (changed.status, changed.trial_end) == ("trialing", month_end)
    assert changed.items.data[0].current_period_end == month_end
    assert stripe_server.deliveries()[-1]["type"] == "customer.subscription.updated"
    renewed = stripe_server.renew(sub.id)
    assert renewed["subscription"]["status"] == "active"
    assert (renewed["invoice"]["amount_paid"], renewed["invoice"]["status"]) == (2000, "paid")


def test_a_new_interval_without_trial_end_is_refused_here(paid_session, stripe_client):
    sub = paid_session("subscription").subscription
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.subscriptions.update(
            sub.id,
            params={
                "items": [new_price(sub, amount=2000, interval="year")],
                "proration_behavior": "none",
            },
        )
    assert caught.value.param == "trial_end"


def test_a_past_trial_end_is_refused(paid_session, stripe_client):
    sub = paid_session("subscription").subscription
    with pytest.raises(stripe.InvalidRequestError, match="future"):
        stripe_client.v1.subscriptions.update(sub.id, params={"trial_end": 1000})


def test_the_card_update_flow_shows_only_the_card_and_redirects_after(
    paid_session, stripe_server, stripe_client
):
    session = paid_session("subscription")
    back = "http://testserver/support/account/"
    portal = stripe_client.v1.billing_portal.sessions.create(
        params={
            "customer": session.customer.id,
            "return_url": back,
            "flow_data": {
                "type": "payment_method_update",
                "after_completion": {"type": "redirect", "redirect": {"return_url": back}},
            },
        }
    )

    assert portal.flow.type == "payment_method_update"
    page = requests.get(portal.url, timeout=10)
    assert "Update card" in page.text and "$2.00 per month" in page.text
    assert "/cancel" not in page.text
    cancel = requests.post(
        f"{portal.url}/cancel", data={"subscription": session.subscription.id}, timeout=10
    )
    assert cancel.status_code == 404
    updated = requests.post(
        f"{portal.url}/card",
        data={"card_number": "5555555555554444", "expiry": "10/33", "cvc": "123"},
        allow_redirects=False,
        timeout=10,
    )
    assert updated.status_code == 303 and updated.headers["Location"] == back
    sub = stripe_client.v1.subscriptions.retrieve(session.subscription.id)
    assert sub.status == "active"


def test_another_flow_is_refused_with_a_reason(paid_session, stripe_client):
    session = paid_session("subscription")
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.billing_portal.sessions.create(
            params={"customer": session.customer.id, "flow_data": {"type": "subscription_cancel"}}
        )
    assert caught.value.param == "flow_data[type]"
