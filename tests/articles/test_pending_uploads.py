"""Uploads kept for a photo form that came back with errors: kept a day, then swept."""

import datetime
import os
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone

from articles.models import Photo
from articles.tasks import sweep_pending_uploads
from tests.articles.factories import UserFactory
from tests.articles.html import find
from tests.articles.test_photo_admin import PHOTOS, jpeg, upload

pytestmark = pytest.mark.django_db

FIELDS = {
    "alt_text": "A checkpoint", "caption": "", "photographer": "", "agency": "", "source_url": "",
    "usage_terms": "", "licence_url": "", "rights_expire_on": "", "notes": "",
}  # fmt: skip


@pytest.fixture
def editor(client):
    client.force_login(UserFactory(groups=["Editors"]))


def kept_files() -> list[str]:
    root = Path(default_storage.location) / "uploads-pending"
    return sorted(p.name for p in root.glob("*/*")) if root.exists() else []


def kept_token(response) -> str:
    return find(response.content, "input", name="pending_image")[0]["attrs"]["value"]


def test_uploads_kept_for_forms_with_errors_are_swept_after_a_day(client, editor):
    upload(client, jpeg(), name="yesterday.jpg", alt_text="")
    upload(client, jpeg(), name="today.jpg", alt_text="")
    assert kept_files() == ["today.jpg", "yesterday.jpg"]
    # Written 26 hours ago (the storage dates a file by the file system's clock).
    stale = next((Path(default_storage.location) / "uploads-pending").glob("*/yesterday.jpg"))
    then = (timezone.now() - datetime.timedelta(hours=26)).timestamp()
    os.utime(stale, (then, then))

    assert sweep_pending_uploads.delay().get() == 1

    assert kept_files() == ["today.jpg"]
    assert len(list((Path(default_storage.location) / "uploads-pending").iterdir())) == 1


def test_a_kept_upload_still_saves_within_its_day_and_not_after_the_sweep(client, editor):
    token = kept_token(upload(client, jpeg(), alt_text=""))

    with time_machine.travel(timezone.now() + datetime.timedelta(hours=23)):
        assert sweep_pending_uploads.delay().get() == 0
        saved = client.post(f"{PHOTOS}add/", {"pending_image": token, **FIELDS})
    assert saved.status_code == 302
    assert Photo.objects.count() == 1

    again = kept_token(upload(client, jpeg(), alt_text=""))
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=26)):
        assert sweep_pending_uploads.delay().get() == 1
        response = client.post(f"{PHOTOS}add/", {"pending_image": again, **FIELDS})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert kept_files() == []


def test_beat_sweeps_the_kept_uploads_every_hour():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert "articles.tasks.sweep_pending_uploads" in tasks


def test_the_sweep_of_a_site_that_never_kept_an_upload_removes_nothing():
    assert sweep_pending_uploads.delay().get() == 0
