"""The allocator: shares of traffic by annualised revenue per view, a floor, an even split."""

import random
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from support import experiments
from support.bandit import Arm, allocate, gift_sizes
from support.models import Appeal, AppealCount, Donation, SupportSettings


def test_a_variant_that_clearly_raises_more_gets_most_of_the_traffic_and_the_rest_the_floor():
    arms = [
        Arm("a", 20_000, 60, 60 * 90.0),
        Arm("b", 20_000, 30, 30 * 90.0),
        Arm("c", 20_000, 28, 28 * 90.0),
    ]

    shares = allocate(arms, floor=0.02, rng=random.Random(1))

    assert shares["a"].p_best > 0.99
    assert shares["a"].share == pytest.approx(1 - 2 * 0.02, abs=0.01)
    assert shares["b"].share >= 0.02 and shares["c"].share >= 0.02
    assert sum(s.share for s in shares.values()) == pytest.approx(1)


def test_revenue_not_gifts_decides_a_monthly_gift_counts_twelve_times():
    # As many gifts, but b's are monthly $10 (120 a year) against a's one-time $10.
    arms = [Arm("a", 50_000, 150, 150 * 10.0), Arm("b", 50_000, 150, 150 * 120.0)]

    shares = allocate(arms, rng=random.Random(2))

    assert shares["b"].p_best > 0.95


def test_with_nothing_known_the_traffic_is_shared_about_evenly():
    arms = [Arm(k, 0, 0, 0.0) for k in "abcd"]

    shares = allocate(arms, rng=random.Random(3))

    assert all(abs(s.share - 0.25) < 0.06 for s in shares.values())


def test_a_frozen_split_is_even_and_still_says_which_leads():
    arms = [Arm("a", 20_000, 80, 80 * 90.0), Arm("b", 20_000, 20, 20 * 90.0)]

    shares = allocate(arms, even=True, rng=random.Random(4))

    assert shares["a"].share == shares["b"].share == 0.5
    assert shares["a"].p_best > 0.99


def test_gift_sizes_are_pooled_while_they_look_alike_and_kept_apart_when_they_differ():
    alike = gift_sizes([Arm("a", 1, 20, 20 * 95.0), Arm("b", 1, 20, 20 * 85.0)])
    apart = gift_sizes([Arm("a", 1, 200, 200 * 20.0), Arm("b", 1, 200, 200 * 200.0)])

    assert alike["a"][0] == alike["b"][0] == pytest.approx(90.0)
    assert apart["a"][0] == pytest.approx(20.0, rel=0.05)
    assert apart["b"][0] == pytest.approx(200.0, rel=0.05)


def test_a_few_small_gifts_do_not_mark_down_a_variant_that_converts_better():
    # bench/appeals.py, a worst seed at 50,000 views: b converts best (0.32% against a's 0.28%)
    # but its ten gifts came out small ($45 a year on average, against $104) by chance alone.
    arms = [
        Arm("a", 36_220, 101, 101 * 104.0),
        Arm("b", 3_090, 10, 10 * 45.0),
        Arm("c", 2_510, 7, 7 * 34.0),
        Arm("d", 6_970, 16, 16 * 94.0),
    ]

    sizes = gift_sizes(arms)
    shares = allocate(arms, rng=random.Random(7))

    pooled = sum(a.revenue for a in arms) / sum(a.gifts for a in arms)
    assert all(size == (pytest.approx(pooled), 0.0) for size in sizes.values())
    assert shares["b"].p_best > shares["a"].p_best
    assert shares["b"].share > 0.3  # it was held near the floor (0.08) and never caught up


@pytest.mark.django_db
def test_beat_weighs_live_variants_by_their_folded_views_and_annualised_gifts():
    first = Appeal.objects.get(placement="end_of_article")
    second = Appeal.objects.create(
        placement="end_of_article", name="B", position=1, body="B", button_label="Give"
    )
    today = timezone.localdate()
    for appeal in (first, second):
        AppealCount.objects.create(day=today, appeal=appeal, views=30_000)
    for _ in range(60):
        Donation.objects.create(
            amount=Decimal("5"), frequency="monthly", status="active", appeal=second
        )
    for _ in range(20):
        Donation.objects.create(
            amount=Decimal("5"), frequency="monthly", status="active", appeal=first
        )
    Donation.objects.create(
        amount=Decimal("5000"), frequency="once", status="pending", appeal=first
    )

    weights = experiments.appeal_weights_compute(rng=random.Random(5))

    shares = weights["placements"]["end_of_article"]
    assert shares[str(second.pk)] > 0.9
    assert weights["p_best"][second.pk] > 0.99
    figures = experiments.variant_figures()
    assert figures[second.pk]["annual"] == Decimal("3600.00")  # 60 x $5 x 12
    assert figures[first.pk]["gifts"] == 20  # the pending checkout is no gift

    SupportSettings.objects.filter(pk=1).update(appeals_split_evenly=True)
    even = experiments.appeal_weights_compute(rng=random.Random(6))["placements"]
    assert even["end_of_article"] == {str(first.pk): 0.5, str(second.pk): 0.5}

    second.ends_at = timezone.now() - timedelta(seconds=1)
    second.save()
    ended = experiments.appeal_weights_compute()["placements"]["end_of_article"]
    assert ended == {str(first.pk): 1.0}
