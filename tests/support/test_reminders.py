from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail, signing
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from support import reminders
from support.appeals import COOKIE, SALT, SHOWN, SNOOZED, appeal_state
from support.models import Reminder
from support.tasks import send_reminder
from tests.support.factories import DonationFactory

pytestmark = pytest.mark.django_db
REMIND = reverse("support:remind")
TODAY = date(2026, 11, 27)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def dispatch(django_capture_on_commit_callbacks):
    """Run the dispatch as beat would, with the sends it enqueues after commit."""

    def run(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return reminders.reminders_dispatch_due(**kwargs)

    return run


def ask(client, **data):
    return client.post(REMIND, {"when": "month", **data})


def test_the_form_offers_a_week_next_month_or_a_date_and_works_without_javascript(client):
    page = client.get(REMIND, {"placement": "end_of_article"}).content.decode()

    assert "In a week (4 December 2026)" in page
    assert "Next month (27 December 2026)" in page
    assert 'type="date"' in page
    assert "<script" not in page


def test_without_an_email_only_the_appeals_are_snoozed(client):
    response = ask(client)

    assert response.status_code == 200
    assert not Reminder.objects.exists()
    request = RequestFactory().get("/", HTTP_COOKIE=f"{COOKIE}={response.cookies[COOKIE].value}")
    assert appeal_state(request) == SNOOZED


def test_with_an_email_the_reader_sees_and_we_store_exactly_what_they_agreed_to(client):
    response = ask(client, when="week", email="Reader@Example.org")

    consent = "We will send you one email on 4 December 2026. Cancel any time."
    assert consent in response.content.decode()
    reminder = Reminder.objects.get()
    assert reminder.email == "reader@example.org"
    assert reminder.due_on == date(2026, 12, 4)
    assert reminder.consent_text == consent
    assert reminder.status == Reminder.Status.PENDING


def test_asking_again_moves_the_date_instead_of_adding_a_second_email(client):
    ask(client, when="week", email="again@example.org")
    ask(client, when="date", on_date="2027-01-15", email="again@example.org")

    reminder = Reminder.objects.get()
    assert reminder.due_on == date(2027, 1, 15)
    assert "15 January 2027" in reminder.consent_text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "not an email"}, "Enter a valid email address."),
        ({"when": "date", "on_date": "2026-11-27"}, "Pick a date in the future."),
        ({"when": "date", "on_date": "2027-12-01"}, "Pick a date within a year."),
        ({"when": "date", "on_date": "someday"}, "Enter a date like 2026-12-26."),
        ({"when": "date"}, "Pick the date you want to be reminded."),
        ({"when": "tomorrow"}, "Select a valid choice."),
    ],
)
def test_bad_input_gets_a_clear_message_and_nothing_is_stored(client, data, message):
    response = ask(client, **{"email": "x@example.org", **data})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Reminder.objects.exists()
    assert COOKIE not in response.cookies


def test_a_tampered_snooze_cookie_counts_as_no_snooze():
    forged = signing.get_cookie_signer(salt=COOKIE + SALT).sign("snoozed:2027-01-01")[:-2] + "xx"
    request = RequestFactory().get("/", HTTP_COOKIE=f"{COOKIE}={forged}")

    assert appeal_state(request) == SHOWN


def test_reminder_requests_are_rate_limited_per_email_and_per_ip(client, settings):
    settings.REMINDER_RATE_LIMIT_EMAIL = "2/d"
    codes = [ask(client, email="busy@example.org").status_code for _ in range(3)]
    assert codes == [200, 200, 429]

    settings.REMINDER_RATE_LIMIT_IP = "1/h"
    assert ask(client).status_code == 429


def due_reminder(client, email="due@example.org", **data):
    ask(client, when="week", email=email, **data)
    return Reminder.objects.get(email=email)


def test_a_due_reminder_is_sent_once_with_a_support_link_and_a_cancel_link(
    client, frozen_today, dispatch
):
    reminder = due_reminder(client, placement="end_of_article")
    frozen_today.move_to(date(2026, 12, 4))

    assert dispatch() == 1
    assert dispatch() == 0

    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.SENT
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["due@example.org"]
    assert "/support/?placement=reminder" in email.body
    assert "4 December 2026" in email.body
    assert email.alternatives[0].mimetype == "text/html"
    cancel_path = email.body.split("/support/remind/cancel/", 1)[1].split()[0]
    assert reminders.reminder_send(reminder_id=reminder.pk) == "skipped"
    assert cancel_path


def test_a_reminder_that_is_not_yet_due_stays_pending(client, frozen_today, dispatch):
    reminder = due_reminder(client)
    frozen_today.move_to(date(2026, 12, 3))

    assert dispatch() == 0
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.PENDING


@pytest.mark.parametrize(
    "gift",
    [
        {"donor__email": "gave@example.org", "email": "gave@example.org"},
        {"donor": None, "email": "Gave@Example.ORG"},
        {"donor__email": "gave@example.org", "email": ""},
        {"donor__email": "GAVE@example.org", "email": "other@example.org"},
        {"donor": None, "email": "gave@example.org", "status": "cancelled"},
    ],
    ids=[
        "form-and-donor-email",
        "form-email-in-another-case",
        "donor-email",
        "donor-email-in-another-case",
        "ended",
    ],
)
def test_any_gift_from_the_address_since_asking_cancels_the_reminder(
    client, frozen_today, dispatch, gift
):
    reminder = due_reminder(client, email="gave@example.org")
    DonationFactory(**gift)
    frozen_today.move_to(date(2026, 12, 4))

    dispatch()

    reminder.refresh_from_db()
    assert (reminder.status, reminder.sent_at, mail.outbox) == (
        Reminder.Status.CANCELLED,
        None,
        [],
    )


@pytest.mark.parametrize(
    "gift",
    [
        {"donor": None, "email": "gave@example.org", "status": "pending"},
        {"donor": None, "email": "gave@example.org", "status": "abandoned"},
        {"donor__email": "someone-else@example.org", "email": "someone-else@example.org"},
    ],
    ids=["checkout-not-finished", "checkout-abandoned", "another-address"],
)
def test_a_reminder_is_still_sent_when_no_gift_was_completed_from_the_address(
    client, frozen_today, dispatch, gift
):
    reminder = due_reminder(client, email="gave@example.org")
    DonationFactory(**gift)
    frozen_today.move_to(date(2026, 12, 4))

    dispatch()

    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.SENT
    assert reminder.attempts == 1
    assert [m.to for m in mail.outbox] == [["gave@example.org"]]


def test_a_gift_made_before_asking_does_not_cancel_the_reminder(client, frozen_today, dispatch):
    DonationFactory(donor__email="gave@example.org", email="gave@example.org")
    frozen_today.shift(timedelta(hours=1))
    reminder = due_reminder(client, email="gave@example.org")
    frozen_today.move_to(date(2026, 12, 4))

    dispatch()

    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.SENT


def test_the_one_click_cancel_link_cancels_every_pending_reminder_for_the_address(client):
    reminder = due_reminder(client, email="stop@example.org")
    token = reminders.cancel_token(reminder)

    response = client.get(reverse("support:remind-cancel", args=[token]))

    assert response.status_code == 200
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.CANCELLED


def test_a_tampered_cancel_token_changes_nothing(client):
    reminder = due_reminder(client, email="keep@example.org")
    token = reminders.cancel_token(reminder)

    response = client.get(reverse("support:remind-cancel", args=[token[:-3] + "abc"]))

    assert response.status_code == 400
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.PENDING


def test_dispatch_walks_all_due_reminders_in_batches(client, frozen_today, dispatch):
    for n in range(7):
        reminders.reminder_request(email=f"r{n}@example.org", due_on=date(2026, 12, 1))
    frozen_today.move_to(date(2026, 12, 1))

    assert dispatch(batch_size=3) == 7
    assert Reminder.objects.filter(status=Reminder.Status.SENT).count() == 7
    assert len(mail.outbox) == 7


def test_a_reminder_whose_smtp_send_keeps_failing_counts_each_attempt_then_is_marked_failed(
    client, settings
):
    settings.EMAIL_BACKEND = "tests.support.failing_email.FailingBackend"
    reminder = due_reminder(client, email="bounce@example.org")
    Reminder.objects.filter(pk=reminder.pk).update(
        status=Reminder.Status.SENDING, sending_since=timezone.now()
    )

    outcomes = []
    for attempt in range(1, 6):  # as the sweep hands it out again each time
        outcomes.append(send_reminder.apply(args=[reminder.pk]).get())
        reminder.refresh_from_db()
        # Each failed send is counted, though its transaction was rolled back.
        assert reminder.attempts == attempt
        assert reminder.last_error.startswith("ConnectionRefusedError: SMTP server refused")

    assert outcomes == ["retry"] * 4 + ["failed"]
    assert reminder.status == Reminder.Status.FAILED
    assert mail.outbox == []


def test_a_reminder_stuck_in_sending_is_handed_out_again(client, frozen_today, dispatch):
    reminder = due_reminder(client, email="stuck@example.org")
    Reminder.objects.filter(pk=reminder.pk).update(
        status=Reminder.Status.SENDING, sending_since=timezone.now() - timedelta(days=1)
    )
    frozen_today.move_to(date(2026, 12, 4))

    dispatch()

    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.SENT
    assert len(mail.outbox) == 1
