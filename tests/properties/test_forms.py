"""Arbitrary input to the support form and the reminder form: never a 500, nothing invalid."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from support.models import Donation, Placement, Reminder
from tests.properties.conftest import (
    emails,
    examples,
    long_emails,
    next_urls,
    numbers_as_text,
    rolled_back,
    text,
)

pytestmark = pytest.mark.django_db

origin_fields = {
    "email": st.one_of(st.emails(), long_emails, emails),
    "placement": st.one_of(st.sampled_from(Placement.values), text),
    "article": st.one_of(
        st.sampled_from(["²", "١٢", "0", "99999999999", " 1"]), st.integers().map(str), text
    ),
    "next": next_urls,
}
# Half the examples are a well-formed gift with odd origin fields, so they get past the
# amount checks to Stripe; the other half are anything at all.
give_forms = st.one_of(
    st.fixed_dictionaries(
        {"frequency": st.sampled_from(["monthly", "annual", "once"]),
         "amount": st.sampled_from(["2", "25", "other"]),
         "custom_amount": st.one_of(st.sampled_from(["7.50", "10000", "2"]), numbers_as_text)},
        optional=origin_fields,
    ),
    st.fixed_dictionaries(
        {},
        optional={
            "frequency": st.one_of(st.sampled_from(["monthly", "annual", "once"]), text),
            "amount": st.one_of(st.sampled_from(["2", "5", "10", "25", "other"]), text),
            "custom_amount": st.one_of(numbers_as_text, text),
            **origin_fields,
        },
    ),
)  # fmt: skip
remind_forms = st.one_of(
    st.fixed_dictionaries(
        {"when": st.sampled_from(["week", "month", "date"]),
         "on_date": st.dates(min_value=datetime.date(2020, 1, 1)).map(str)},
        optional=origin_fields,
    ),
    st.fixed_dictionaries(
        {},
        optional={
            "when": st.one_of(st.sampled_from(["week", "month", "date"]), text),
            "on_date": st.one_of(st.dates().map(str), text),
            **origin_fields,
        },
    ),
)  # fmt: skip
extra_fields = st.dictionaries(text, text, max_size=3)


def assert_valid_donation(donation: Donation) -> None:
    donation.full_clean()
    assert donation.status == Donation.Status.PENDING
    assert django_settings.DONATION_MIN_AMOUNT <= donation.amount
    assert donation.amount <= django_settings.DONATION_MAX_AMOUNT
    assert donation.amount == donation.amount.quantize(Decimal("0.01"))


def assert_valid_reminder(reminder: Reminder) -> None:
    reminder.full_clean()
    today = timezone.localdate()
    assert today < reminder.due_on <= today + datetime.timedelta(days=366)
    assert reminder.email == reminder.email.lower()


@settings(max_examples=examples(150))
@given(form=give_forms, extra=extra_fields)
def test_any_support_form_submission_is_answered_without_a_server_error(
    client, stripe_server, article, form, extra
):
    with rolled_back():
        response = client.post("/support/", {**extra, **form})

        assert response.status_code in (303, 400), response.status_code
        donations = list(Donation.objects.all())
        assert len(donations) == (1 if response.status_code == 303 else 0)
        for donation in donations:
            assert_valid_donation(donation)
            assert donation.stripe_checkout_session_id


@settings(max_examples=examples(150))
@given(form=remind_forms, extra=extra_fields)
def test_any_reminder_form_submission_is_answered_without_a_server_error(
    client, article, form, extra
):
    with rolled_back():
        response = client.post("/support/remind/", {**extra, **form})

        assert response.status_code in (200, 400), response.status_code
        for reminder in Reminder.objects.all():
            assert response.status_code == 200
            assert_valid_reminder(reminder)


def usd_pk():
    from support.models import SiteCurrency

    return SiteCurrency.objects.get(code="usd").pk


@given(preset=st.sampled_from(["2", "5", "10", "25", "100", "7.5"]))
def test_every_preset_amount_the_page_offers_can_be_given_as_written(client, stripe_server, preset):
    from support.models import LadderAmount, SupportSettings

    with rolled_back():
        SupportSettings.objects.update_or_create(pk=1, defaults={"default_amount": Decimal(preset)})
        LadderAmount.objects.filter(currency__code="usd", frequency="monthly").delete()
        for n, amount in enumerate(dict.fromkeys(["2", preset])):
            LadderAmount.objects.create(
                currency_id=usd_pk(), frequency="monthly", amount=amount, position=n
            )
        page = client.get("/support/").content.decode()
        assert f'name="amount" value="{preset}"' in page

        response = client.post("/support/", {"frequency": "monthly", "amount": preset})

        assert response.status_code == 303
        assert Donation.objects.get().amount == Decimal(preset)
