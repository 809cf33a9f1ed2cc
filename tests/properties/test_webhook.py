"""Arbitrary webhook bodies and headers: never a 500, and only well-formed events stored."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from support import stripe_gateway, webhooks
from support.models import StripeEvent
from tests.properties.conftest import examples, rolled_back, text
from tests.support.stripe_events import WEBHOOK_URL, signature

pytestmark = pytest.mark.django_db

SECRET = "whsec_property_tests"
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(text, children, max_size=4),
    max_leaves=12,
)
event_types = st.one_of(st.sampled_from(sorted(webhooks.HANDLERS)), text)
ids = st.one_of(text, st.integers(), st.none(), st.text(min_size=250, max_size=300))
events = st.fixed_dictionaries(
    {},
    optional={
        "id": ids,
        "object": st.just("event"),
        "type": st.one_of(event_types, st.text(min_size=100, max_size=150)),
        "data": st.one_of(
            st.fixed_dictionaries({}, optional={"object": st.one_of(
                st.fixed_dictionaries({}, optional={"id": ids, "object": text}), json_values
            )}),
            json_values,
        ),
        "created": st.integers(),
    },
)  # fmt: skip
signature_headers = st.one_of(
    st.none(),
    text,
    st.builds(lambda t, v: f"t={t},v1={v}", st.integers(), st.text("0123456789abcdef")),
)


@pytest.fixture
def secret(settings):
    settings.STRIPE_WEBHOOK_SECRET = SECRET


def test_the_signed_example_shape_is_accepted_when_well_formed(client, stripe_server, secret):
    body = json.dumps({"id": "evt_1", "type": "customer.created", "data": {"object": {"id": "c"}}})

    response = client.post(
        WEBHOOK_URL, data=body, content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signature(body, SECRET),
    )  # fmt: skip

    assert response.status_code == 200


def assert_well_formed(record: StripeEvent) -> None:
    record.full_clean()
    obj = record.payload["data"]["object"]
    assert isinstance(obj, dict) and isinstance(obj["id"], str)


@given(body=st.one_of(st.binary(max_size=500), events.map(json.dumps)), header=signature_headers)
def test_an_unsigned_or_badly_signed_body_is_refused_and_nothing_stored(
    client, secret, body, header
):
    with rolled_back():
        extra = {} if header is None else {"HTTP_STRIPE_SIGNATURE": header}
        response = client.post(WEBHOOK_URL, data=body, content_type="application/json", **extra)

        assert response.status_code == 400
        assert not StripeEvent.objects.exists()


@settings(max_examples=examples(100))
@given(event=events)
def test_a_correctly_signed_body_of_any_shape_is_answered_without_a_server_error(
    client, stripe_server, secret, event
):
    body = json.dumps(event)
    with rolled_back():
        response = client.post(
            WEBHOOK_URL,
            data=body,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=signature(body, SECRET),
        )

        assert response.status_code in (200, 400), response.status_code
        records = list(StripeEvent.objects.all())
        assert len(records) == (1 if response.status_code == 200 else 0)
        for record in records:
            assert_well_formed(record)
            try:
                webhooks.stripe_event_process(event_pk=record.pk)
            except stripe_gateway.PaymentServiceUnavailable:
                pass  # Stripe knows no such object: the task retries, then gives up
