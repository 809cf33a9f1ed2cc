from datetime import UTC, datetime
from decimal import Decimal

import pytest
import time_machine

from support.models import Donation, Frequency, Payment, SupportSettings
from support.services import attribution_report, goal_changed, goal_progress
from tests.support.factories import DonationFactory, PaymentFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)


@time_machine.travel(NOW, tick=False)
def test_the_goal_meter_adds_recurring_revenue_and_this_months_net_one_time_gifts():
    DonationFactory(amount=Decimal("2"))  # active monthly
    DonationFactory(amount=Decimal("120"), frequency=Frequency.ANNUAL)  # $10 a month
    DonationFactory(amount=Decimal("50"), status=Donation.Status.CANCELLED)
    DonationFactory(amount=Decimal("9"), status=Donation.Status.PENDING)
    once = DonationFactory(amount=Decimal("25"), frequency=Frequency.ONCE, status="paid")
    PaymentFactory(donation=once, kind=Payment.Kind.ONE_TIME, refunded_amount=Decimal("5"))
    last_month = DonationFactory(amount=Decimal("100"), frequency=Frequency.ONCE, status="paid")
    PaymentFactory(
        donation=last_month, kind=Payment.Kind.ONE_TIME, paid_at=datetime(2026, 10, 31, tzinfo=UTC)
    )

    progress = goal_progress()

    assert progress["recurring"] == Decimal("12.00")
    assert progress["one_time"] == Decimal("20.00")
    assert progress["raised"] == Decimal("32.00")
    assert progress["goal"] == Decimal("10000")
    assert progress["percent"] == 0


@time_machine.travel(NOW, tick=False)
def test_the_goal_meter_is_cached_until_the_ledger_changes():
    SupportSettings.objects.update(monthly_goal=Decimal("100"))
    DonationFactory(amount=Decimal("50"))
    assert goal_progress()["percent"] == 50

    DonationFactory(amount=Decimal("50"))
    assert goal_progress()["percent"] == 50

    goal_changed()
    assert goal_progress()["percent"] == 100


def test_attribution_groups_gifts_by_article_and_placement():
    a = DonationFactory(placement="end_of_article", amount=Decimal("2"))
    PaymentFactory(donation=a)
    b = DonationFactory(
        placement="top_banner", amount=Decimal("5"), frequency=Frequency.ONCE, status="paid"
    )
    PaymentFactory(donation=b, kind=Payment.Kind.ONE_TIME)
    DonationFactory(placement="top_banner", status=Donation.Status.PENDING)

    rows = {row["placement"]: row for row in attribution_report()}

    assert rows["end_of_article"]["donations"] == 1
    assert rows["end_of_article"]["recurring_monthly"] == Decimal("2")
    assert rows["top_banner"]["donations"] == 1
    assert rows["top_banner"]["net_paid"] == Decimal("5")


@time_machine.travel(NOW, tick=False)
def test_the_goal_meters_one_time_total_is_exact_to_the_cent():
    # SQLite sums decimals as floats: 0.24 + 0.47 came back as 0.710000000000001.
    for amount, refunded in [("0.24", "0"), ("0.50", "0.03")]:
        once = DonationFactory(amount=Decimal(amount), frequency=Frequency.ONCE, status="paid")
        PaymentFactory(donation=once, kind=Payment.Kind.ONE_TIME, refunded_amount=Decimal(refunded))

    progress = goal_progress()

    assert str(progress["one_time"]) == "0.71"
    assert str(progress["raised"]) == "0.71"


def test_the_attribution_reports_net_is_exact_to_the_cent():
    for amount, refunded in [("0.24", "0"), ("0.50", "0.03")]:
        once = DonationFactory(
            amount=Decimal(amount), frequency=Frequency.ONCE, status="paid", placement="top_banner"
        )
        PaymentFactory(donation=once, kind=Payment.Kind.ONE_TIME, refunded_amount=Decimal(refunded))

    (row,) = attribution_report()

    assert str(row["net_paid"]) == "0.71"
