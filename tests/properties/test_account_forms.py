"""Arbitrary input to the donor account's forms: never a 500; a gift is changed only to
what Stripe can charge, and a refused change leaves it as it was."""

import pytest
from django.core import mail
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from support.account.forms import amount_problem
from support.models import Donation
from tests.properties.conftest import emails, examples, numbers_as_text, rolled_back, text
from tests.support.conftest import deliver, give  # noqa: F401 (their fixtures)
from tests.support.test_account import sign_in_link
from tests.support.test_webhooks import paid_monthly_gift

pytestmark = pytest.mark.django_db

change_forms = st.fixed_dictionaries(
    {},
    optional={
        "amount": st.one_of(numbers_as_text, text, st.sampled_from(["0.20", "3", "1e3", "-5"])),
        "frequency": st.one_of(st.sampled_from(["monthly", "annual", "once"]), text),
        "months": st.one_of(st.sampled_from(["1", "2", "3", "0", "4", "²"]), text),
    },
)


@pytest.fixture(autouse=True)
def generous_link_limits(settings):
    settings.SIGN_IN_RATE_LIMIT_NETWORK = "1000000/h"
    settings.SIGN_IN_RATE_LIMIT_EMAIL = "1000000/h"


@settings(max_examples=examples(100))
@given(email=emails, extra=st.dictionaries(text, text, max_size=3))
def test_any_sign_in_request_is_answered_without_a_server_error(client, email, extra):
    with rolled_back():
        response = client.post(reverse("support:account"), {**extra, "email": email})
        assert response.status_code in (200, 400), response.status_code
        assert not mail.outbox  # no gift was ever made from any address here


@pytest.fixture
def signed_in_gift(
    client,
    give,  # noqa: F811
    stripe_server,
    deliver,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    donation = paid_monthly_gift(give, stripe_server, deliver, email="prop@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("support:account"), {"email": "prop@example.org"})
    assert client.post(sign_in_link(mail.outbox[-1])).status_code == 303
    return donation


@settings(max_examples=examples(40), deadline=None)
@given(form=change_forms, action=st.sampled_from(["account-change", "account-pause"]))
def test_any_change_is_made_whole_or_refused_and_says_so(client, signed_in_gift, form, action):
    with rolled_back():
        before = Donation.objects.get(pk=signed_in_gift.pk)
        response = client.post(reverse(f"support:{action}", args=[before.pk]), form)

        assert response.status_code in (303, 409), response.status_code
        after = Donation.objects.get(pk=before.pk)
        if response.status_code == 409:
            assert "Nothing was changed" in response.content.decode()
            assert (after.amount, after.frequency, after.status) == (
                before.amount,
                before.frequency,
                before.status,
            )
        else:
            assert amount_problem(after.amount, after.currency) == ""
            assert after.frequency in ("monthly", "annual")
