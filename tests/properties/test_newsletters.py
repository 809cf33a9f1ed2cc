"""Arbitrary input to the newsletter sign-up, the unsubscribe link and the bounce webhooks:
never a 500, and nobody subscribed, unsubscribed or suppressed by it."""

from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsletters.models import Newsletter, Subscription
from readers.models import Suppression
from tests.properties.conftest import emails, examples, rolled_back, text

pytestmark = pytest.mark.django_db

signup_forms = st.fixed_dictionaries(
    {},
    optional={
        "email": emails,
        "newsletter": st.one_of(
            st.sampled_from(["morning", "closed", "", "morning\x00"]),
            st.lists(st.one_of(st.sampled_from(["morning", "closed"]), text), max_size=5),
            text,
        ),
    },
)


@pytest.fixture
def lists(db, settings):
    settings.NEWSLETTER_SIGNUP_RATE_LIMIT_NETWORK = "1000000/h"
    settings.NEWSLETTER_SIGNUP_RATE_LIMIT_EMAIL = "1000000/h"
    Newsletter.objects.create(name="The Morning Brief", slug="morning")
    Newsletter.objects.create(name="Closed", slug="closed", accepting_signups=False)


@settings(max_examples=examples(100))
@given(data=signup_forms)
def test_the_sign_up_never_fails_and_never_confirms_anyone(client, lists, data):
    with rolled_back():
        response = client.post("/newsletters/subscribe/", data)

        assert response.status_code in (200, 400)
        assert not Subscription.objects.exclude(state="pending").exists()
        assert not Subscription.objects.filter(newsletter__slug="closed").exists()


@settings(max_examples=examples(60))
@given(token=text, method=st.sampled_from(["get", "post"]))
def test_an_arbitrary_unsubscribe_token_is_a_clear_400(client, token, method):
    response = getattr(client, method)(f"/newsletters/unsubscribe/{quote(token, safe='') or 'x'}/")

    assert response.status_code in (400, 404)


@settings(max_examples=examples(60))
@given(
    body=st.one_of(text, st.binary(max_size=300)),
    timestamp=text,
    signature=text,
    url=st.sampled_from(["/newsletters/webhooks/mailgun/", "/newsletters/webhooks/bounces/"]),
)
def test_an_arbitrary_webhook_post_is_refused_and_suppresses_nobody(
    client, settings, body, timestamp, signature, url
):
    settings.MAILGUN_WEBHOOK_SIGNING_KEY = "key"
    settings.BOUNCE_WEBHOOK_SECRET = "secret"
    headers = {
        "X-Newsroom-Timestamp": "".join(c for c in timestamp if c.isprintable())[:30],
        "X-Newsroom-Signature": "".join(c for c in signature if c.isprintable())[:30],
    }
    response = client.post(url, body, content_type="application/json", headers=headers)

    assert response.status_code in (400, 403)
    assert not Suppression.objects.exists()
