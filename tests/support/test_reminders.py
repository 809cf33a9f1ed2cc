import re
from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail, signing
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from support import reminders
from support.appeals import COOKIE, SALT, SHOWN, SNOOZED, appeal_state
from support.models import Reminder
from support.tasks import send_reminder
from tests.support.confirming import confirm_from_email, confirmation_emails
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
    assert reminder.status == Reminder.Status.AWAITING


def test_nothing_is_scheduled_until_the_address_confirms_from_the_email_it_receives(
    client, frozen_today, dispatch
):
    page = ask(client, when="week", email="reader@example.org").content.decode()
    assert "Check your inbox" in page
    frozen_today.move_to(date(2026, 12, 4))
    assert dispatch() == 0  # due, but never confirmed: not sent

    [confirmation] = confirmation_emails("reader@example.org")
    assert "4 December 2026" in confirmation.body
    assert "reminder" in confirmation.subject.lower()
    done = confirm_from_email("reader@example.org").content.decode()

    assert "Your reminder is set" in done
    assert Reminder.objects.get().status == Reminder.Status.PENDING
    assert dispatch() == 1
    assert [m.subject for m in mail.outbox] == [f"Your reminder from {publication_name()}"]


def publication_name() -> str:
    from publication.services import masthead

    return masthead()["publication"].name


def test_a_request_never_confirmed_stops_holding_the_address_once_its_link_expired(client):
    from readers.confirmations import LIFETIME

    ask(client, when="week", email="late@example.org")
    with time_machine.travel(timezone.now() + LIFETIME + timedelta(hours=1), tick=False):
        ask(client, when="month", email="late@example.org")
        confirm_from_email("late@example.org")

    assert set(Reminder.objects.values_list("status", "due_on")) == {
        (Reminder.Status.CANCELLED, date(2026, 12, 4)),
        (Reminder.Status.PENDING, date(2026, 12, 29)),
    }


def test_asking_again_for_the_same_address_neither_moves_nor_adds_a_reminder(client):
    first = ask(client, when="week", email="again@example.org")
    again = ask(client, when="week", email="Again+news@Example.org")
    ask(client, when="date", on_date="2027-01-15", email="again@example.org")

    reminder = Reminder.objects.get()
    assert reminder.due_on == date(2026, 12, 4)
    assert "4 December 2026" in reminder.consent_text
    assert confirmation(first) == confirmation(again)


def confirmation(response) -> str:
    """The confirmation page without the browser's own cancel link."""
    page = response.content.decode()
    return re.sub(r"/support/remind/undo/[0-9a-f-]+/", "", page)


@pytest.mark.parametrize(
    "variant",
    ["J.Doe@gmail.com", "jdoe+support@gmail.com", "j.d.o.e+x@googlemail.com", "JDOE@GMAIL.COM"],
)
def test_variants_of_one_address_share_its_one_pending_reminder(client, variant):
    ask(client, when="week", email="jdoe@gmail.com")

    ask(client, when="month", email=variant)

    reminder = Reminder.objects.get()
    assert (reminder.email, reminder.due_on) == ("jdoe@gmail.com", date(2026, 12, 4))


def test_dots_are_kept_outside_gmail_and_plus_tags_are_dropped_everywhere():
    from readers.addresses import normalise

    assert normalise(" J.Doe+tag@Example.ORG ") == "j.doe@example.org"
    assert normalise("j.doe+tag@googlemail.com") == "jdoe@gmail.com"


@pytest.mark.parametrize(
    "email",
    ["a@localhost", "a@example", "a@[127.0.0.1]", "a@192.168.1.1", "a@host.local", "a@x.invalid"],
)
def test_an_address_without_a_deliverable_domain_is_refused(client, email):
    response = ask(client, email=email)

    assert response.status_code == 400
    assert "Enter an email address we can deliver to" in response.content.decode()
    assert not Reminder.objects.exists()


def test_the_confirmation_has_a_cancel_button_for_this_browser_that_cancels_on_post(client):
    page = ask(client, when="week", email="mine@example.org").content.decode()
    undo = re.search(r'href="(/support/remind/undo/[0-9a-f-]+/)"', page).group(1)

    shown = client.get(undo)
    assert shown.status_code == 200
    assert 'method="post"' in shown.content.decode()
    assert Reminder.objects.get().status == Reminder.Status.AWAITING

    assert client.post(undo).status_code == 200
    assert Reminder.objects.get().status == Reminder.Status.CANCELLED


def test_the_cancel_link_of_a_request_that_found_a_reminder_cancels_nothing(client):
    ask(client, when="week", email="victim@example.org")
    page = ask(Client(), when="week", email="victim@example.org").content.decode()
    undo = re.search(r'href="(/support/remind/undo/[0-9a-f-]+/)"', page).group(1)

    response = Client().post(undo)

    assert response.status_code == 200
    assert Reminder.objects.get().status == Reminder.Status.AWAITING


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


def test_reminder_requests_are_rate_limited_per_address_and_per_network(client, settings):
    settings.REMINDER_RATE_LIMIT_EMAIL = "2/d"
    codes = [ask(client, email="busy@example.org").status_code for _ in range(3)]
    assert codes == [200, 200, 429]

    settings.REMINDER_RATE_LIMIT_NETWORK = "1/h"
    neighbour = Client(REMOTE_ADDR="127.0.0.99")
    assert neighbour.post(REMIND, {"when": "week"}).status_code == 429


def test_an_attacker_cannot_use_up_the_victims_limit_for_their_own_address(client, settings):
    settings.REMINDER_RATE_LIMIT_EMAIL = "2/d"
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(3):
        attacker.post(REMIND, {"when": "week", "email": "victim@example.org"})
    Reminder.objects.all().delete()

    victim = Client(REMOTE_ADDR="198.51.100.20")
    response = victim.post(REMIND, {"when": "week", "email": "victim@example.org"})

    assert response.status_code == 200
    assert Reminder.objects.get().email == "victim@example.org"


def due_reminder(client, email="due@example.org", **data):
    ask(client, when="week", email=email, **data)
    confirm_from_email(email)
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
    assert email.extra_headers["List-Unsubscribe"].endswith(
        f"/support/remind/cancel/{cancel_path}>"
    )
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert reminders.reminder_send(reminder_id=reminder.pk) == "skipped"


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


def test_the_emailed_cancel_link_shows_a_button_and_cancels_only_on_post(client):
    reminder = due_reminder(client, email="stop@example.org")
    url = reverse("support:remind-cancel", args=[reminders.cancel_token(reminder)])

    shown = client.get(url)  # what a mail scanner prefetching the link does
    assert shown.status_code == 200
    assert 'method="post"' in shown.content.decode()
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.PENDING

    # One-click unsubscribe (RFC 8058): the mail provider posts without a CSRF token.
    response = Client(enforce_csrf_checks=True).post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.CANCELLED


def test_a_tampered_cancel_token_changes_nothing(client):
    reminder = due_reminder(client, email="keep@example.org")
    token = reminders.cancel_token(reminder)

    response = client.post(reverse("support:remind-cancel", args=[token[:-3] + "abc"]))

    assert response.status_code == 400
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.PENDING


def test_dispatch_walks_all_due_reminders_in_batches(client, frozen_today, dispatch):
    for n in range(7):
        reminders.reminder_request(email=f"r{n}@example.org", due_on=date(2026, 12, 1))
        confirm_from_email(f"r{n}@example.org")
    frozen_today.move_to(date(2026, 12, 1))

    assert dispatch(batch_size=3) == 7
    assert Reminder.objects.filter(status=Reminder.Status.SENT).count() == 7
    assert len(mail.outbox) == 7


def test_a_reminder_whose_smtp_send_keeps_failing_counts_each_attempt_then_is_marked_failed(
    client, settings
):
    reminder = due_reminder(client, email="bounce@example.org")
    settings.EMAIL_BACKEND = "tests.support.failing_email.FailingBackend"
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
