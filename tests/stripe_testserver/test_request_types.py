"""Requests are checked against stripe-python's own request types at the pinned API version."""

import pytest
import requests
import stripe

from stripe_testserver import sdk_params
from stripe_testserver.routes import ROUTES
from tests.stripe_testserver.conftest import session_params

AUTH = {"Authorization": "Bearer sk_test_local"}


def test_every_api_route_names_a_request_type_that_stripe_python_ships():
    for method, pattern, handler in ROUTES:
        assert sdk_params.params_class(handler.sdk_params), (method, pattern.pattern)


def test_an_unknown_parameter_is_refused_in_stripes_error_shape(stripe_server):
    response = requests.post(
        f"{stripe_server.url}/v1/checkout/sessions",
        data={"mode": "payment", "colour": "red"},
        headers=AUTH,
        timeout=5,
    )

    assert response.status_code == 400
    assert response.json()["error"] == {
        "type": "invalid_request_error",
        "code": "parameter_unknown",
        "doc_url": "https://stripe.com/docs/error-codes/parameter-unknown",
        "message": "Received unknown parameter: colour",
        "param": "colour",
    }


def test_payment_method_types_removed_at_this_version_is_refused(stripe_client):
    params = session_params("payment", payment_method_types=["card"])

    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.checkout.sessions.create(params=params)

    assert (caught.value.http_status, caught.value.code) == (400, "parameter_unknown")
    assert caught.value.param == "payment_method_types"


def test_parameters_new_at_this_version_are_accepted(stripe_client):
    params = session_params(
        "subscription",
        allowed_payment_method_types=["card"],
        ui_mode="hosted_page",
        submit_type="donate",
    )

    session = stripe_client.v1.checkout.sessions.create(params=params)

    assert (session.ui_mode, session.submit_type) == ("hosted_page", "donate")


def test_the_default_ui_mode_is_hosted_page(create_session):
    assert create_session("payment").ui_mode == "hosted_page"


def test_a_valid_parameter_the_server_does_not_implement_says_so(stripe_client):
    params = session_params("payment", allow_promotion_codes=True)

    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.checkout.sessions.create(params=params)

    assert caught.value.param == "allow_promotion_codes"
    assert "stripe_testserver does not implement" in caught.value.user_message


@pytest.mark.parametrize(
    ("path", "query", "param", "message"),
    [
        ("/v1/invoice_payments", {"invoice": "in_1", "subscription": "sub_1"}, "subscription",
         "Received unknown parameter: subscription"),
        ("/v1/invoice_payments", {"status": "settled"}, "status", "must be one of canceled"),
        ("/v1/events", {"limit": "ten"}, "limit", "Invalid integer: ten"),
        ("/v1/charges", {"created[after]": "1"}, "created[after]",
         "Received unknown parameter: created[after]"),
    ],
)  # fmt: skip
def test_list_filters_are_checked_too(stripe_server, path, query, param, message):
    response = requests.get(f"{stripe_server.url}{path}", params=query, headers=AUTH, timeout=5)

    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["type"], error["param"]) == ("invalid_request_error", param)
    assert message in error["message"]


def test_a_nested_unknown_name_is_refused_with_its_full_path(paid_session, stripe_client):
    subscription = paid_session("subscription").subscription

    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe_client.v1.subscriptions.update(
            subscription.id, params={"cancellation_details": {"mood": "sad"}}
        )

    assert caught.value.param == "cancellation_details[mood]"
    assert "Received unknown parameter: cancellation_details[mood]" in caught.value.user_message
