"""Editions: composed from the newsroom's stories, previewed, tested, sent now or on
schedule to every confirmed subscriber once, each with a one-click unsubscribe."""

import datetime
import re
from email import message_from_bytes
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from articles.models import Article
from newsletters import sending
from newsletters.models import Delivery, Edition, EditionStory, Subscription
from readers.models import Suppression
from readers.services import mailbox_suppress
from tests.articles.factories import ArticleFactory, PhotoFactory, UserFactory
from tests.newsletters.conftest import confirmed_subscriber
from tests.processes import PROJECT_DIR

pytestmark = pytest.mark.django_db
SAMPLES = PROJECT_DIR / "test-artifacts" / "emails"
REMOTE = re.compile(r"""<(img|link|script|iframe)\b|url\(|src=["']https?:""", re.IGNORECASE)


@pytest.fixture(autouse=True)
def sender_and_rate(settings):
    settings.DEFAULT_FROM_EMAIL = "news@themoscowtimes.example"
    settings.NEWSLETTER_RATE_PER_SECOND = 0  # no pause between batches in these tests


@pytest.fixture
def edition(morning):
    first = ArticleFactory(
        live=True,
        headline="Russian Peacekeepers Complete Withdrawal",
        dek="The last convoy left Stepanakert.",
        hero_photo=PhotoFactory(),
    )
    second = ArticleFactory(live=True, headline="Baku Opens a New Border Post")
    row = Edition.objects.create(
        newsletter=morning,
        subject="Morning Brief: the last convoy",
        intro="<p>Good morning.</p><script>alert(1)</script><p onclick='x()'>Two stories.</p>",
    )
    EditionStory.objects.create(edition=row, article=second, position=2)
    EditionStory.objects.create(edition=row, article=first, position=1)
    return row


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """Send the edition now and run what that queues, as the workers would."""

    def run(edition, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return sending.edition_send(edition, **kwargs)

    return run


def to_whom():
    return sorted(address for message in mail.outbox for address in message.to)


def html_of(message) -> str:
    ((html, mimetype),) = message.alternatives
    assert mimetype == "text/html"
    return html


def test_the_intro_is_sanitised_like_an_article_body(edition):
    assert edition.intro == "<p>Good morning.</p><p>Two stories.</p>"


def test_an_edition_goes_once_to_every_confirmed_subscriber_and_no_one_else(
    edition, morning, weekly, send
):
    readers = [confirmed_subscriber(f"reader{n}@example.org", morning) for n in range(5)]
    confirmed_subscriber("other-list@example.org", weekly)
    pending = confirmed_subscriber("pending@example.org", morning)
    pending.state = Subscription.State.PENDING
    pending.save()
    gone = confirmed_subscriber("gone@example.org", morning)
    gone.state = Subscription.State.UNSUBSCRIBED
    gone.save()

    send(edition)

    assert to_whom() == sorted(r.mailbox.email for r in readers)
    edition.refresh_from_db()
    assert edition.status == Edition.Status.SENT
    assert Delivery.objects.filter(edition=edition, status=Delivery.Status.SENT).count() == 5
    assert sending.edition_counts([edition.pk])[edition.pk]["sent"] == 5


def test_each_message_carries_html_text_a_one_click_unsubscribe_and_a_stable_message_id(
    edition, morning, send
):
    subscription = confirmed_subscriber("reader@example.org", morning)

    send(edition)

    (message,) = mail.outbox
    html = html_of(message)
    assert message.from_email == "The Moscow Times <news@themoscowtimes.example>"
    assert message.subject == "Morning Brief: the last convoy"
    for part in (message.body, html):
        assert part.index("Russian Peacekeepers") < part.index("Baku Opens")  # in order
        assert "The last convoy left Stepanakert." in part
        assert "Stringer / AFP" in part  # the photo's credit, without the photo
        assert "Good morning." in part
        assert "/support/?placement=newsletter" in part
    assert "<script" not in html and "onclick" not in html
    assert not REMOTE.search(html)
    unsubscribe = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert unsubscribe in message.body and unsubscribe in html
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    expected_id = f"<edition-{edition.pk}.reader-{subscription.pk}@themoscowtimes.example>"
    parsed = message_from_bytes(message.message().as_bytes())
    assert parsed["Message-ID"] == expected_id
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    SAMPLES.mkdir(parents=True, exist_ok=True)
    (SAMPLES / "newsletter-edition.txt").write_text(f"Subject: {message.subject}\n\n{message.body}")
    (SAMPLES / "newsletter-edition.html").write_text(html)


def test_the_unsubscribe_link_shows_a_button_then_unsubscribes_in_one_post(edition, morning, send):
    subscription = confirmed_subscriber("reader@example.org", morning)
    send(edition)
    link = urlsplit(mail.outbox[0].extra_headers["List-Unsubscribe"].strip("<>")).path
    provider = Client(enforce_csrf_checks=True)  # a mail provider's POST carries no cookie

    page = provider.get(link)
    assert page.status_code == 200
    assert "Unsubscribe from “The Morning Brief”?" in page.content.decode()
    subscription.refresh_from_db()
    assert subscription.state == Subscription.State.CONFIRMED

    done = provider.post(link, {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "You are unsubscribed" in done.content.decode()
    subscription.refresh_from_db()
    assert subscription.state == Subscription.State.UNSUBSCRIBED
    assert provider.post(link).status_code == 200  # and again: it only ever unsubscribes
    assert sending.edition_counts([edition.pk])[edition.pk]["unsubscribed"] == 1


@pytest.mark.parametrize("token", ["1", "1:forged", "x" * 300, "12:" + "a" * 27])
def test_a_forged_unsubscribe_link_is_refused(client, morning, token):
    subscription = confirmed_subscriber("reader@example.org", morning)

    response = client.post(f"/newsletters/unsubscribe/{token}/")

    assert response.status_code == 400
    subscription.refresh_from_db()
    assert subscription.state == Subscription.State.CONFIRMED


def test_suppressed_addresses_are_skipped(edition, morning, send):
    confirmed_subscriber("reader@example.org", morning)
    confirmed_subscriber("bounced@example.org", morning)
    mailbox_suppress(email="bounced@example.org", reason=Suppression.Reason.BOUNCE)

    send(edition)

    assert to_whom() == ["reader@example.org"]
    skipped = Delivery.objects.get(subscription__mailbox__key="bounced@example.org")
    assert skipped.status == Delivery.Status.SKIPPED


def test_a_scheduled_edition_goes_when_due_without_a_story_unpublished_since(
    edition, morning, send, django_capture_on_commit_callbacks
):
    confirmed_subscriber("reader@example.org", morning)
    at = timezone.now() + datetime.timedelta(hours=1)
    assert send(edition, at=at) == ""
    edition.refresh_from_db()
    assert edition.status == Edition.Status.SCHEDULED
    Article.objects.filter(headline__startswith="Baku").update(status="unpublished")

    with django_capture_on_commit_callbacks(execute=True):
        sending.editions_due_and_sweep()  # not yet due
    assert mail.outbox == []
    with time_machine.travel(at + datetime.timedelta(seconds=1)):
        with django_capture_on_commit_callbacks(execute=True):
            sending.editions_due_and_sweep()

    (message,) = mail.outbox
    assert "Russian Peacekeepers" in message.body and "Baku Opens" not in message.body
    edition.refresh_from_db()
    assert edition.status == Edition.Status.SENT
    assert edition.note == "Left out “Baku Opens a New Border Post”: it is no longer published.\n"


def test_a_lost_broker_message_skips_nobody(edition, morning, django_capture_on_commit_callbacks):
    for n in range(5):
        confirmed_subscriber(f"reader{n}@example.org", morning)

    with django_capture_on_commit_callbacks(execute=False):  # the start message is lost
        sending.edition_send(edition)
    assert mail.outbox == []

    with time_machine.travel(timezone.now() + sending.QUIET_AFTER + datetime.timedelta(seconds=1)):
        with django_capture_on_commit_callbacks(execute=True):
            sending.editions_due_and_sweep()

    assert len(to_whom()) == 5
    edition.refresh_from_db()
    assert edition.status == Edition.Status.SENT


def test_a_batch_a_killed_worker_left_claimed_is_sent_again_once_stuck(
    edition, morning, send, settings
):
    settings.NEWSLETTER_BATCH_SIZE = 2
    for n in range(5):
        confirmed_subscriber(f"reader{n}@example.org", morning)
    edition.status = Edition.Status.SENDING
    edition.save()
    sending.deliveries_make(edition)
    Edition.objects.filter(pk=edition.pk).update(started_at=timezone.now())
    # A worker claimed two and died before marking them sent.
    claimed = list(Delivery.objects.order_by("pk").values_list("pk", flat=True)[:2])
    Delivery.objects.filter(pk__in=claimed).update(
        status=Delivery.Status.SENDING, claimed_at=timezone.now()
    )
    sending.batch_send(edition_id=edition.pk)  # the others go on
    assert len(mail.outbox) == 3

    later = timezone.now() + sending.STUCK_AFTER + datetime.timedelta(seconds=1)
    with time_machine.travel(later):
        sending.editions_due_and_sweep()

    assert to_whom() == [f"reader{n}@example.org" for n in range(5)]
    edition.refresh_from_db()
    assert edition.status == Edition.Status.SENT


def test_a_batch_goes_over_one_smtp_connection(edition, morning, send, settings):
    from tests.newsletters import counting_backend

    settings.EMAIL_BACKEND = "tests.newsletters.counting_backend.CountingBackend"
    settings.NEWSLETTER_BATCH_SIZE = 4
    counting_backend.opened.clear()
    for n in range(8):
        confirmed_subscriber(f"reader{n}@example.org", morning)

    send(edition)

    assert len(to_whom()) == 8
    assert counting_backend.opened == [4, 4]  # messages per connection


def test_an_edition_is_sent_once_even_if_asked_twice(edition, morning, send):
    confirmed_subscriber("reader@example.org", morning)
    send(edition)

    with pytest.raises(sending.NotSendable):
        send(edition)
    assert len(mail.outbox) == 1


# The admin: preview, test, send now, schedule.


def edition_form(edition, **extra):
    data = {
        "newsletter": edition.newsletter_id,
        "subject": edition.subject,
        "intro": edition.intro,
        "ask": "on",
        "send_at_0": "",
        "send_at_1": "",
        "story_rows-TOTAL_FORMS": "0",
        "story_rows-INITIAL_FORMS": "0",
        "story_rows-MIN_NUM_FORMS": "0",
        "story_rows-MAX_NUM_FORMS": "1000",
    }
    return data | extra


@pytest.fixture
def editor(client):
    user = UserFactory(groups=["Editors"], email="editor@themoscowtimes.example")
    client.force_login(user)
    return user


def test_an_editor_previews_an_edition_as_html_and_as_text(client, editor, edition):
    html = client.get(f"/admin/newsletters/edition/{edition.pk}/preview/html/")
    text = client.get(f"/admin/newsletters/edition/{edition.pk}/preview/text/")

    assert html.status_code == text.status_code == 200
    assert "Russian Peacekeepers" in html.content.decode()
    assert text["Content-Type"].startswith("text/plain")
    assert text.content.decode().startswith("Subject: Morning Brief: the last convoy")


def test_an_editor_sends_a_test_to_themselves_and_no_subscriber_gets_it(
    client, editor, edition, morning
):
    confirmed_subscriber("reader@example.org", morning)

    response = client.post(
        f"/admin/newsletters/edition/{edition.pk}/change/",
        edition_form(edition, _send_test="Send a test to me"),
        follow=True,
    )

    assert "Sent a test" in response.content.decode()
    assert to_whom() == ["editor@themoscowtimes.example"]
    assert mail.outbox[0].subject == "[Test] Morning Brief: the last convoy"
    edition.refresh_from_db()
    assert edition.status == Edition.Status.DRAFT


def test_send_now_from_the_admin_tells_the_editor_what_was_left_out(
    client, editor, edition, morning, django_capture_on_commit_callbacks
):
    confirmed_subscriber("reader@example.org", morning)
    Article.objects.filter(headline__startswith="Baku").update(status="unpublished")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/newsletters/edition/{edition.pk}/change/",
            edition_form(edition, _send_now="Send now"),
            follow=True,
        )

    page = response.content.decode()
    assert "Left out “Baku Opens a New Border Post”: it is no longer published." in page
    assert to_whom() == ["reader@example.org"]


def test_scheduling_from_the_admin_needs_a_time_in_the_future(client, editor, edition):
    past = client.post(
        f"/admin/newsletters/edition/{edition.pk}/change/",
        edition_form(edition, _schedule="Schedule"),
        follow=True,
    )
    assert "Choose a sending time in the future" in past.content.decode()

    when = timezone.localtime() + datetime.timedelta(days=1)
    client.post(
        f"/admin/newsletters/edition/{edition.pk}/change/",
        edition_form(
            edition,
            _schedule="Schedule",
            send_at_0=when.strftime("%Y-%m-%d"),
            send_at_1=when.strftime("%H:%M:%S"),
        ),
    )
    edition.refresh_from_db()
    assert edition.status == Edition.Status.SCHEDULED


def parsed_parts(message):
    parsed = message_from_bytes(message.message().as_bytes(linesep="\r\n"))
    text, html = (part.get_payload(decode=True).decode() for part in parsed.get_payload())
    keep = ("To", "From", "Subject", "Message-ID", "List-Unsubscribe", "List-Unsubscribe-Post")
    # Unfolded: a long header may be folded onto a second line in one and not the other.
    return {name: " ".join(str(parsed[name]).split()) for name in keep}, text, html


@pytest.mark.parametrize("intro", ["<p>Good morning.</p>", "<p>" + "A long line. " * 120 + "</p>"])
def test_a_message_made_from_the_batch_template_reads_as_one_built_in_full(edition, intro):
    edition.intro = intro
    edition.save()
    drawn = sending.edition_draw(edition)
    sender = "The Moscow Times <news@themoscowtimes.example>"
    template = sending.batch_template(drawn, edition, from_email=sender)
    made = {
        kind: sending.edition_message(
            drawn,
            edition,
            subscription_id=42,
            to="ann@example.org",
            from_email=sender,
            template=template if kind == "template" else None,
        )  # fmt: skip
        for kind in ("template", "full")
    }

    assert parsed_parts(made["template"]) == parsed_parts(made["full"])
    headers, text, html = parsed_parts(made["template"])
    assert headers["To"] == "ann@example.org"
    assert headers["Message-ID"] == f"<edition-{edition.pk}.reader-42@themoscowtimes.example>"
    assert headers["List-Unsubscribe"].strip("<>") in text


def test_an_address_with_characters_beyond_ascii_gets_a_message_built_in_full(edition):
    drawn = sending.edition_draw(edition)
    sender = "news@themoscowtimes.example"
    template = sending.batch_template(drawn, edition, from_email=sender)

    message = sending.edition_message(
        drawn, edition, subscription_id=7, to="anna@bücher.example", from_email=sender,
        template=template,
    )  # fmt: skip

    assert message.prepared is None
    assert "xn--bcher-kva.example" in message.message()["To"]


def test_the_editions_list_counts_sent_bounced_complained_and_unsubscribed(
    client, editor, edition, morning, send
):
    readers = [confirmed_subscriber(f"reader{n}@example.org", morning) for n in range(3)]
    send(edition)
    Subscription.objects.filter(pk=readers[0].pk).update(state="unsubscribed")
    Delivery.objects.filter(subscription=readers[1]).update(bounced=True)
    Delivery.objects.filter(subscription=readers[2]).update(complained=True)

    listing = client.get("/admin/newsletters/edition/").content.decode()
    page = client.get(f"/admin/newsletters/edition/{edition.pk}/change/").content.decode()

    assert "3 · 1 · 1 · 1" in listing and "3 · 1 · 1 · 1" in page


def test_while_the_mail_server_is_down_nothing_is_spent_and_the_sweep_sends_it_later(
    edition, morning, send, settings, django_capture_on_commit_callbacks
):
    for n in range(3):
        confirmed_subscriber(f"reader{n}@example.org", morning)
    settings.EMAIL_BACKEND = "tests.newsletters.counting_backend.UnreachableBackend"

    send(edition)

    assert mail.outbox == []
    assert set(Delivery.objects.values_list("status", "attempts")) == {("pending", 0)}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(timezone.now() + sending.QUIET_AFTER + datetime.timedelta(seconds=1)):
        with django_capture_on_commit_callbacks(execute=True):
            sending.editions_due_and_sweep()
    assert len(to_whom()) == 3
