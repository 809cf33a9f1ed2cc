import datetime
import logging

import pytest
from django.utils import timezone
from reversion.models import Version

from articles.models import Photo, Status
from articles.photos import photo_placeholder, photos_swap_expired_rights
from articles.tasks import swap_expired_hero_photos
from newsroom.celery import app
from tests.articles.factories import ArticleFactory, PhotoFactory
from tests.articles.html import find
from tests.processes import wait_for_result

YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)


@pytest.mark.django_db
def test_expired_photos_on_live_and_scheduled_articles_are_swapped_and_logged(client, caplog):
    expired = PhotoFactory(rights_expire_on=YESTERDAY, caption="Old caption")
    live = ArticleFactory(live=True, hero_photo=expired, hero_caption="Override")
    scheduled = ArticleFactory(
        status=Status.SCHEDULED,
        publish_at=timezone.now() + datetime.timedelta(days=1),
        hero_photo=expired,
    )
    draft = ArticleFactory(hero_photo=expired)
    fine = ArticleFactory(live=True, hero_photo=PhotoFactory(rights_expire_on=None))

    with caplog.at_level(logging.WARNING, logger="articles.photos"):
        changed = photos_swap_expired_rights()

    assert {a.pk for a in changed} == {live.pk, scheduled.pk}
    placeholder = Photo.objects.get(is_placeholder=True)
    for article in (live, scheduled, draft, fine):
        article.refresh_from_db()
    assert live.hero_photo == scheduled.hero_photo == placeholder
    assert live.hero_caption == ""
    assert draft.hero_photo == expired and fine.hero_photo != placeholder
    assert f"on article {live.pk}" in caplog.text and "rights expired" in caplog.text
    comment = Version.objects.get_for_object(live).first().revision.get_comment()
    assert comment == f"Hero photo {expired.pk} removed: its rights expired."

    figcaption = find(client.get(live.get_absolute_url()).content, "figcaption")[0]["text"]
    assert "no longer available" in figcaption and "Old caption" not in figcaption


@pytest.mark.django_db
def test_running_the_swap_again_changes_nothing_and_reuses_one_placeholder():
    ArticleFactory(live=True, hero_photo=PhotoFactory(rights_expire_on=YESTERDAY))
    photos_swap_expired_rights()

    assert photos_swap_expired_rights() == []
    assert Photo.objects.filter(is_placeholder=True).count() == 1


def test_the_swap_runs_every_hour_from_the_beat_schedule():
    entry = app.conf.beat_schedule["swap-expired-hero-photos"]

    assert entry["task"] == swap_expired_hero_photos.name
    assert entry["schedule"].hour == set(range(24)) and entry["schedule"].minute == {15}


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_swaps_expired_photos(celery_worker_process):
    photo_placeholder()  # made here, so the worker writes no image files
    article = ArticleFactory(live=True, hero_photo=PhotoFactory(rights_expire_on=YESTERDAY))

    result = swap_expired_hero_photos.delay()

    assert wait_for_result(result, celery_worker_process) == [article.pk]
    article.refresh_from_db()
    assert article.hero_photo.is_placeholder
