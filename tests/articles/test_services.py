import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from reversion.models import Version

from articles.models import Status
from articles.workflow import (
    PublicationRefused,
    article_publish,
    article_submit_for_review,
    article_unpublish,
)
from tests.articles.factories import ArticleFactory, PhotoFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return UserFactory(groups=["Editors"])


@pytest.fixture
def writer():
    return UserFactory(groups=["Writers"])


def test_a_writer_may_not_publish_or_unpublish_even_without_the_admin(writer):
    article = ArticleFactory()

    with pytest.raises(PermissionDenied):
        article_publish(article=article, user=writer)
    with pytest.raises(PermissionDenied):
        article_unpublish(article=article, user=writer)
    article.refresh_from_db()
    assert article.status == Status.DRAFT


def test_publishing_with_a_future_time_schedules_and_records_a_version(editor):
    at = timezone.now() + datetime.timedelta(hours=3)
    article = ArticleFactory()

    article_publish(article=article, user=editor, at=at)

    article.refresh_from_db()
    assert (article.status, article.publish_at) == (Status.SCHEDULED, at)
    revision = Version.objects.get_for_object(article).get().revision
    assert revision.user == editor and revision.get_comment().startswith("Scheduled for")


def test_publishing_is_refused_with_the_reasons(editor):
    article = ArticleFactory(hero_photo=PhotoFactory(photographer="", agency=""))

    with pytest.raises(PublicationRefused) as refusal:
        article_publish(article=article, user=editor)

    assert refusal.value.problems == [
        "The hero photo has no credit: add its photographer or agency before publishing."
    ]
    article.refresh_from_db()
    assert article.status == Status.DRAFT


def test_only_drafts_can_be_submitted_for_review(writer):
    live = ArticleFactory(live=True)

    with pytest.raises(PublicationRefused):
        article_submit_for_review(article=live, user=writer)
    assert live.status == Status.PUBLISHED
