"""The daily digest: the day's front page, built and sent by beat at the list's time, once."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from newsletters import sending
from newsletters.models import Edition
from tests.articles.factories import ArticleFactory
from tests.newsletters.conftest import confirmed_subscriber

pytestmark = pytest.mark.django_db


@pytest.fixture
def seven_tomorrow():
    day = timezone.localdate() + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(7, 0)))


@pytest.fixture
def beat(django_capture_on_commit_callbacks, settings):
    settings.NEWSLETTER_RATE_PER_SECOND = 0

    def run(at):
        with time_machine.travel(at, tick=False):
            with django_capture_on_commit_callbacks(execute=True):
                return sending.editions_due_and_sweep()

    return run


def test_the_digest_of_the_days_front_page_goes_once_at_the_lists_time(
    morning, beat, seven_tomorrow
):
    morning.daily_digest = True
    morning.save()
    confirmed_subscriber("reader@example.org", morning)
    ArticleFactory(
        live=True, headline="Old news", publish_at=seven_tomorrow - datetime.timedelta(days=2)
    )
    ArticleFactory(live=True, headline="Lead story", front_page_position=1,
                   publish_at=seven_tomorrow - datetime.timedelta(hours=3))  # fmt: skip
    ArticleFactory(
        live=True, headline="Later story", publish_at=seven_tomorrow - datetime.timedelta(hours=1)
    )

    beat(seven_tomorrow - datetime.timedelta(minutes=1))
    assert mail.outbox == []
    beat(seven_tomorrow + datetime.timedelta(seconds=30))
    beat(seven_tomorrow + datetime.timedelta(minutes=1))

    (message,) = mail.outbox
    assert message.subject.startswith("The Morning Brief: ")
    body = message.body
    assert body.index("Lead story") < body.index("Later story") and "Old news" not in body
    digest = Edition.objects.get()
    assert digest.digest_of == seven_tomorrow.date() and digest.status == Edition.Status.SENT


def test_no_digest_on_a_day_without_new_stories_or_for_a_list_without_it(
    morning, weekly, beat, seven_tomorrow
):
    morning.daily_digest = True
    morning.save()
    confirmed_subscriber("reader@example.org", morning)
    confirmed_subscriber("reader@example.org", weekly)

    beat(seven_tomorrow + datetime.timedelta(minutes=1))
    assert not Edition.objects.exists()

    ArticleFactory(live=True, publish_at=seven_tomorrow - datetime.timedelta(hours=1))
    beat(seven_tomorrow + datetime.timedelta(minutes=2))
    assert list(Edition.objects.values_list("newsletter__slug", flat=True)) == ["morning"]
