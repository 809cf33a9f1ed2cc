"""Gifts whose checkout was never completed are abandoned once Stripe's session has expired,
by the support sweep, even when Stripe's checkout.session.expired never arrives."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from support.models import Donation
from support.tasks import sweep_support_work
from tests.support.factories import DonationFactory

pytestmark = pytest.mark.django_db
Status = Donation.Status
CARD = "4242424242424242"


def sweep_at(moment) -> dict:
    with time_machine.travel(moment):
        return sweep_support_work.delay().get()


def status_of(donation) -> str:
    return Donation.objects.get(pk=donation.pk).status


def test_a_gift_whose_checkout_was_never_completed_is_abandoned_after_the_session_s_day(
    give, stripe_server
):
    _, donation = give()
    assert donation.status == Status.PENDING and donation.stripe_checkout_session_id
    opened = donation.created_at

    within_its_day = sweep_at(opened + datetime.timedelta(hours=24, minutes=30))
    assert status_of(donation) == Status.PENDING

    after = sweep_at(opened + datetime.timedelta(hours=25, minutes=1))

    assert (within_its_day["expired"], after["expired"]) == (0, 1)
    assert status_of(donation) == Status.ABANDONED


def test_the_sweep_leaves_paid_and_processing_gifts_and_fresh_checkouts_alone():
    old = timezone.now() - datetime.timedelta(days=3)
    kept = {
        status: DonationFactory(status=status)
        for status in (Status.PAID, Status.ACTIVE, Status.PROCESSING, Status.FAILED)
    }
    fresh = DonationFactory(status=Status.PENDING, stripe_checkout_session_id="cs_test_fresh")
    Donation.objects.exclude(pk=fresh.pk).update(created_at=old)

    assert sweep_support_work.delay().get()["expired"] == 0

    assert {status_of(d) for d in kept.values()} == set(kept)
    assert status_of(fresh) == Status.PENDING


def test_a_gift_whose_checkout_never_opened_is_abandoned_too():
    never_opened = DonationFactory(status=Status.PENDING, stripe_checkout_session_id=None)
    Donation.objects.filter(pk=never_opened.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=2)
    )

    assert sweep_support_work.delay().get()["expired"] == 1

    assert status_of(never_opened) == Status.ABANDONED


def test_a_checkout_completed_after_the_sweep_gave_up_on_it_still_makes_the_gift_paid(
    give, stripe_server, deliver
):
    _, donation = give(frequency="once", amount="10", email="late@example.org")
    sweep_at(donation.created_at + datetime.timedelta(hours=26))
    assert status_of(donation) == Status.ABANDONED

    stripe_server.pay(donation.stripe_checkout_session_id, CARD, email="late@example.org")
    deliver()

    assert status_of(donation) == Status.PAID


def test_stripe_s_own_expiry_and_the_sweep_agree(give, stripe_server, deliver):
    _, expired_by_stripe = give()
    stripe_server.expire(expired_by_stripe.stripe_checkout_session_id)
    deliver()
    assert status_of(expired_by_stripe) == Status.ABANDONED

    swept = sweep_at(expired_by_stripe.created_at + datetime.timedelta(hours=26))

    assert swept["expired"] == 0
    assert status_of(expired_by_stripe) == Status.ABANDONED
