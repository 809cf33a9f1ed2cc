"""Counting without tracking: beacons raise sums only, capped per network, folded by beat;
the weights are one small shared document."""

import json
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from support import experiments
from support.models import Appeal, AppealCount
from tests.articles.factories import ArticleFactory

pytestmark = pytest.mark.django_db
COUNT = reverse("support:appeal-count")
WEIGHTS = reverse("support:appeal-weights")


@pytest.fixture
def variants():
    first = Appeal.objects.get(placement="end_of_article")
    second = Appeal.objects.create(
        placement="end_of_article", name="B", position=1, body="B's words", button_label="Give"
    )
    return first, second


def beacon(client, body, **extra):
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post(COUNT, data, content_type="application/json", **extra)


def folded() -> dict:
    experiments.appeal_counts_fold()
    return {
        (row.appeal_id, row.article_id): (row.views, row.clicks, row.dropped)
        for row in AppealCount.objects.all()
    }


def test_a_sampled_view_counts_as_ten_and_a_click_as_one_folded_per_day_variant_and_story(
    client, variants, settings
):
    first, second = variants
    story = ArticleFactory(live=True)

    answers = [
        beacon(client, {"v": second.pk, "e": "view", "a": story.pk}),
        beacon(client, {"v": second.pk, "e": "view", "a": story.pk}),
        beacon(client, {"v": second.pk, "e": "click", "a": story.pk}),
        beacon(client, {"v": first.pk, "e": "view", "a": None}),
    ]

    assert {a.status_code for a in answers} == {204}
    assert not any(a.cookies for a in answers)
    assert folded() == {(second.pk, story.pk): (20, 1, 0), (first.pk, None): (10, 0, 0)}
    beacon(client, {"v": second.pk, "e": "click", "a": story.pk})
    assert folded()[(second.pk, story.pk)] == (20, 2, 0)
    assert AppealCount.objects.get(appeal=second).day == timezone.localdate()


def test_the_beacon_sets_no_cookie_and_keeps_no_address(client, variants):
    _, second = variants

    response = beacon(client, {"v": second.pk, "e": "view"}, REMOTE_ADDR="203.0.113.9")

    assert response.status_code == 204
    assert not response.cookies
    assert "Vary" not in response or "Cookie" not in response["Vary"]
    folded()
    stored = json.dumps(list(AppealCount.objects.values()), default=str)
    assert "203.0.113" not in stored


def test_unknown_variants_and_events_are_dropped_and_counted_as_dropped(client, variants):
    _, second = variants

    for body in (
        {"v": 99999, "e": "view"},
        {"v": str(second.pk), "e": "view"},
        {"v": second.pk, "e": "purchase"},
        {"v": True, "e": "click"},
    ):
        assert beacon(client, body).status_code == 204

    assert folded() == {(None, None): (0, 0, 4)}


def test_a_flood_from_one_network_is_capped_per_minute(client, variants, settings):
    _, second = variants
    settings.APPEAL_BEACON_RATE_LIMIT = "5/m"

    for _ in range(12):
        beacon(client, {"v": second.pk, "e": "click"}, REMOTE_ADDR="198.51.100.7")
    beacon(client, {"v": second.pk, "e": "click"}, REMOTE_ADDR="192.0.2.44")

    counts = folded()
    assert counts[(second.pk, None)] == (0, 6, 0)
    assert counts[(None, None)] == (0, 0, 7)


@pytest.mark.parametrize("body", ["not json", "[1, 2]", "x" * 600, b"\xff\xfe"])
def test_a_malformed_beacon_is_a_400_with_a_reason(client, body):
    response = beacon(client, body)

    assert response.status_code == 400
    assert response.content


def test_the_beacon_takes_only_post(client):
    assert client.get(COUNT).status_code == 405


def test_a_beacon_for_a_story_since_deleted_still_counts_for_the_variant(client, variants):
    _, second = variants
    story = ArticleFactory(live=True)
    beacon(client, {"v": second.pk, "e": "click", "a": story.pk})
    story.delete()

    assert folded() == {(second.pk, None): (0, 1, 0)}


def test_a_failed_fold_puts_the_counts_back(client, variants, monkeypatch):
    _, second = variants
    beacon(client, {"v": second.pk, "e": "click"})

    def broken(taken):
        raise RuntimeError("database away")

    monkeypatch.setattr(experiments, "_fold", broken)
    with pytest.raises(RuntimeError):
        experiments.appeal_counts_fold()
    monkeypatch.undo()

    assert folded() == {(second.pk, None): (0, 1, 0)}


def test_counts_older_than_thirteen_months_are_kept_as_monthly_totals(variants):
    _, second = variants
    today = date(2026, 12, 7)
    old = [date(2025, 9, 3), date(2025, 9, 20), date(2025, 10, 2)]
    for day in old:
        AppealCount.objects.create(day=day, appeal=second, views=100, clicks=2)
    AppealCount.objects.create(day=today - timedelta(days=30), appeal=second, views=7)

    experiments.appeal_counts_roll_up(today)

    rows = sorted(AppealCount.objects.values_list("day", "views", "clicks"))
    assert rows == [
        (date(2025, 9, 1), 200, 4),
        (date(2025, 10, 1), 100, 2),
        (today - timedelta(days=30), 7, 0),
    ]


def test_the_weights_are_a_small_shared_document_that_says_the_country(client, variants):
    first, second = variants

    response = client.get(WEIGHTS, HTTP_CF_IPCOUNTRY="de")

    data = response.json()
    assert set(data["placements"]["end_of_article"]) == {str(first.pk), str(second.pk)}
    assert sum(data["placements"]["end_of_article"].values()) == pytest.approx(1, abs=1e-3)
    assert data["country"] == "DE"
    assert "public" in response["Cache-Control"] and "max-age=60" in response["Cache-Control"]
    assert "CF-IPCountry" in response["Vary"]
    assert not response.cookies


def test_the_country_header_is_configurable_and_junk_in_it_is_ignored(client, settings):
    settings.APPEAL_COUNTRY_HEADER = "X-Country"

    assert client.get(WEIGHTS, HTTP_X_COUNTRY="CA").json()["country"] == "CA"
    assert client.get(WEIGHTS, HTTP_X_COUNTRY="<s").json()["country"] == ""


def test_an_ended_variant_leaves_the_weights_when_it_ends(client, variants):
    first, second = variants
    second.ends_at = timezone.now() - timedelta(seconds=1)
    second.save()

    shares = client.get(WEIGHTS).json()["placements"]["end_of_article"]

    assert shares == {str(first.pk): 1.0}


def test_beat_folds_and_refreshes_by_name(client, variants):
    from newsroom.settings import CELERY_BEAT_SCHEDULE

    tasks = {entry["task"] for entry in CELERY_BEAT_SCHEDULE.values()}
    assert {
        "support.tasks.fold_appeal_counts",
        "support.tasks.refresh_appeal_weights",
        "support.tasks.roll_up_appeal_counts",
    } <= tasks


def test_on_redis_a_beacon_is_one_increment_of_one_hash(client, variants):
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    from support import counters

    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        pytest.skip("the counters are a Redis hash only where the cache is Redis")
    _, second = variants

    beacon(client, {"v": second.pk, "e": "click"})

    redis = backend._cache.get_client()
    stored = redis.hgetall(backend.make_key(counters.KEY))
    assert {k.decode(): int(v) for k, v in stored.items()} == {
        counters.field(timezone.localdate(), second.pk, None, "click"): 1
    }
