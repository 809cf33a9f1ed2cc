"""Signed links: the preview link, the reminder cancel link and the gift manage link."""

import datetime

import pytest
import time_machine
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from articles.views.preview import preview_token
from support import reminders
from support.emails import MANAGE_LINK_MAX_AGE, manage_link
from support.models import Reminder
from tests.articles.factories import ArticleFactory
from tests.support.factories import DonationFactory

pytestmark = pytest.mark.django_db


def later(seconds):
    return time_machine.travel(timezone.now() + datetime.timedelta(seconds=seconds + 60))


def preview_url(token):
    return reverse("articles:preview", args=[token])


def cancel_url(token):
    return reverse("support:remind-cancel", args=[token])


def manage_url(token):
    return reverse("support:manage", args=[token])


def reminder_for(email):
    from tests.support.confirming import confirm_from_email

    reminder = reminders.reminder_request(
        email=email, due_on=timezone.localdate() + datetime.timedelta(days=7)
    )
    confirm_from_email(email)
    reminder.refresh_from_db()
    return reminder


def test_a_preview_link_shows_its_draft_and_cannot_be_pointed_at_another(client):
    draft = ArticleFactory(headline="Secret draft")
    other = ArticleFactory(headline="Other draft")
    token = preview_token(draft)
    forged = f"{other.pk}:{token.split(':', 1)[1]}"

    shown = client.get(preview_url(token))
    refused = client.get(preview_url(forged))

    assert "Secret draft" in shown.content.decode()
    assert refused.status_code == 404
    assert "Other draft" not in refused.content.decode()
    assert "not valid" in refused.content.decode()


def test_a_preview_link_expires(client, settings):
    token = preview_token(ArticleFactory())

    with later(settings.ARTICLE_PREVIEW_MAX_AGE):
        response = client.get(preview_url(token))

    assert response.status_code == 404
    assert "expired" in response.content.decode()


def test_a_cancel_link_cancels_only_the_reminders_of_the_address_it_was_sent_to(client):
    mine, theirs = reminder_for("me@example.org"), reminder_for("them@example.org")
    token = reminders.cancel_token(mine)
    forged = signing.dumps({"email": "them@example.org"}, salt="another-salt", compress=True)

    assert client.post(cancel_url(forged)).status_code == 400
    assert client.post(cancel_url(token)).status_code == 200
    assert client.post(cancel_url(token)).status_code == 200  # a second click changes nothing

    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.status, theirs.status) == (Reminder.Status.CANCELLED, Reminder.Status.PENDING)


def test_a_cancel_link_expires(client):
    reminder = reminder_for("late@example.org")
    token = reminders.cancel_token(reminder)

    with later(reminders.CANCEL_MAX_AGE):
        response = client.post(cancel_url(token))

    reminder.refresh_from_db()
    assert response.status_code == 400
    assert reminder.status == Reminder.Status.PENDING


def test_a_manage_link_names_one_gift_and_expires(client, stripe_server):
    gift = DonationFactory()
    token = manage_link(gift).rstrip("/").rsplit("/", 1)[1]
    other = DonationFactory()
    forged = signing.dumps({"gift": other.pk}, salt="support.reminder-cancel", compress=True)

    assert client.get(manage_url(forged)).status_code == 400
    with later(MANAGE_LINK_MAX_AGE):
        assert client.get(manage_url(token)).status_code == 400


def test_one_kind_of_signed_link_is_refused_where_another_is_expected(client):
    reminder = reminder_for("cross@example.org")
    cancel = reminders.cancel_token(reminder)
    manage = manage_link(DonationFactory()).rstrip("/").rsplit("/", 1)[1]
    preview = preview_token(ArticleFactory())

    assert client.get(preview_url(cancel)).status_code == 404
    assert client.get(preview_url(manage)).status_code == 404
    assert client.get(cancel_url(preview)).status_code == 400
    assert client.get(cancel_url(manage)).status_code == 400
    assert client.get(manage_url(cancel)).status_code == 400
    assert client.get(manage_url(preview)).status_code == 400
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.PENDING
