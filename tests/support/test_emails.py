"""The emails a donor or reader gets, as a publication sends them; samples written for people.

`make test-all` writes each one, HTML and text, to test-artifacts/emails/ (see the README).
"""

import re
from datetime import date

import pytest
from django.core import mail

from publication.models import Publication
from support import stripe_gateway
from support.models import Donation
from tests.processes import PROJECT_DIR
from tests.support.test_webhooks import paid_monthly_gift

pytestmark = pytest.mark.django_db
SAMPLES = PROJECT_DIR / "test-artifacts" / "emails"
REMOTE = re.compile(r"""<(img|link|script|iframe)\b|url\(|src=["']https?:""", re.IGNORECASE)


@pytest.fixture(autouse=True)
def publication(settings):
    settings.DEFAULT_FROM_EMAIL = "donations@themoscowtimes.example"
    row = Publication.load()
    row.receipt_tax_note = "Gifts to The Moscow Times are not tax-deductible."
    row.save()
    return row


def save_sample(name: str, message) -> None:
    SAMPLES.mkdir(parents=True, exist_ok=True)
    (SAMPLES / f"{name}.txt").write_text(f"Subject: {message.subject}\n\n{message.body}")
    (SAMPLES / f"{name}.html").write_text(message.alternatives[0].content)


def parts(message) -> tuple[str, str]:
    ((html, mimetype),) = message.alternatives
    assert mimetype == "text/html"
    return message.body, html


def holds_nothing_remote_or_tracking(html: str) -> None:
    assert not REMOTE.search(html), REMOTE.search(html).group(0)


def test_the_receipt_comes_from_the_publication_with_everything_a_donor_keeps(
    give, stripe_server, deliver
):
    donation = paid_monthly_gift(give, stripe_server, deliver)
    payment = donation.payments.get()

    (receipt,) = mail.outbox
    text, html = parts(receipt)
    save_sample("receipt", receipt)

    assert receipt.from_email == "The Moscow Times <donations@themoscowtimes.example>"
    assert receipt.subject == "Your receipt from The Moscow Times: thank you"
    number = f"{payment.paid_at:%Y}-{payment.pk:06d}"
    for part in (text, html):
        assert number in part
        assert "Amount" in part and "$2.00" in part
        assert "Monthly" in part
        assert f"{payment.paid_at:%-d %B %Y}" in part
        assert f"{donation.current_period_end:%-d %B %Y}" in part
        assert "Gifts to The Moscow Times are not tax-deductible." in part
        assert "TEST MODE" in part
    holds_nothing_remote_or_tracking(html)


def test_a_live_key_leaves_the_test_mode_note_out(settings):
    from support.emails import publication_context

    settings.STRIPE_SECRET_KEY = "sk_live_not_a_real_key"
    assert publication_context()["test_mode"] is False


def test_a_donor_is_told_when_their_gift_ends(give, stripe_server, deliver):
    donation = paid_monthly_gift(give, stripe_server, deliver)
    seen = len(stripe_server.deliveries())
    stripe_gateway.client().v1.subscriptions.cancel(donation.stripe_subscription_id)

    deliver(since=seen)
    deliver(since=seen)  # a replayed event sends nothing more

    donation.refresh_from_db()
    assert donation.status == Donation.Status.CANCELLED
    ended = [m for m in mail.outbox if "has ended" in m.subject]
    assert len(ended) == 1
    text, html = parts(ended[0])
    save_sample("gift-ended", ended[0])
    assert ended[0].subject == "Your gift to The Moscow Times has ended"
    assert "You will not be charged again." in text and "$2 every month" in text
    assert "/support/" in text
    holds_nothing_remote_or_tracking(html)


def test_the_reminder_names_the_publication_and_the_story_and_links_its_support_form(client):
    import time_machine

    from articles.seed import load_peacekeeper_story
    from support import reminders
    from tests.support.confirming import confirm_from_email, confirmation_emails

    story = load_peacekeeper_story()
    with time_machine.travel(date(2026, 11, 27), tick=False) as traveller:
        client.post(
            "/support/remind/",
            {"when": "week", "email": "later@example.org", "article": story.pk},
        )
        [confirmation] = confirmation_emails("later@example.org")
        save_sample("reminder-confirmation", confirmation)
        assert confirmation.subject == "Confirm your reminder from The Moscow Times"
        assert "4 December 2026" in confirmation.body
        holds_nothing_remote_or_tracking(parts(confirmation)[1])
        confirm_from_email("later@example.org")
        traveller.move_to(date(2026, 12, 4))
        reminder = reminders.Reminder.objects.get()
        reminders.Reminder.objects.filter(pk=reminder.pk).update(status="sending")
        reminders.reminder_send(reminder_id=reminder.pk)

    (message,) = mail.outbox
    text, html = parts(message)
    save_sample("reminder", message)
    assert message.subject == "Your reminder from The Moscow Times"
    assert message.from_email == "The Moscow Times <donations@themoscowtimes.example>"
    for part in (text, html):
        assert "The Moscow Times" in part
        assert story.headline in part
        assert f"/support/?placement=reminder&article={story.pk}" in part.replace("&amp;", "&")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    holds_nothing_remote_or_tracking(html)


def test_a_receipt_in_euros_with_the_fees_covered_says_both(give, stripe_server, deliver):
    _, donation = give(frequency="monthly", amount="10", currency="eur", cover_fees="on")
    stripe_server.pay(donation.stripe_checkout_session_id, email="paris@example.org")
    deliver()

    (receipt,) = mail.outbox
    text, html = parts(receipt)
    save_sample("receipt-eur-fees-covered", receipt)

    for part in (text, html):
        assert "€10.40" in part  # 10 + 1.5% + €0.25
        assert "€0.40 you added (included above)" in part
        assert "$" not in part
    holds_nothing_remote_or_tracking(html)
