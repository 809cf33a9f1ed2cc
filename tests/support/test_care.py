"""Recurring-revenue care: a card expiring next month, an annual renewal 14 days ahead, one
win-back, a failed payment's one-click card update; never to an erased or suppressed donor.
Samples of each are written to test-artifacts/emails/."""

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core import mail

from outbox.models import Email
from publication.models import Publication
from readers.models import Suppression
from readers.services import mailbox_erase, mailbox_suppress
from support import care
from support.models import Donation
from tests.support.factories import DonationFactory, DonorFactory, PaymentFactory
from tests.support.test_emails import holds_nothing_remote_or_tracking, parts, save_sample
from tests.support.test_webhooks import paid_monthly_gift

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def publication(settings):
    settings.DEFAULT_FROM_EMAIL = "donations@themoscowtimes.example"
    row = Publication.load()
    row.name = "The Moscow Times"
    row.save()
    return row


@pytest.fixture
def sweep(django_capture_on_commit_callbacks):
    """Run the daily sweep at a moment, sending what it owed."""

    def run(moment=NOW):
        with time_machine.travel(moment, tick=False):
            with django_capture_on_commit_callbacks(execute=True):
                return care.care_sweep()

    return run


def monthly_gift(email="ann@example.org", *, exp=(2026, 12), **fields):
    donation = DonationFactory(
        donor=DonorFactory(email=email),
        stripe_customer_id="cus_care",
        stripe_subscription_id=f"sub_{email}",
        **fields,
    )
    PaymentFactory(
        donation=donation,
        paid_at=NOW - timedelta(days=40),
        card_brand="visa",
        card_last4="1111",
        card_exp_year=2025,
        card_exp_month=1,
    )
    PaymentFactory(
        donation=donation,
        paid_at=NOW - timedelta(days=10),
        card_brand="visa",
        card_last4="4242",
        card_exp_year=exp[0],
        card_exp_month=exp[1],
    )
    return donation


def sent(kind):
    return [m for m in mail.outbox if m.subject.startswith(kind)]


def test_a_card_expiring_next_month_gets_one_notice_with_a_one_click_update(sweep):
    gift = monthly_gift()
    monthly_gift("later@example.org", exp=(2027, 1))  # not next month

    assert sweep()[care.CARD_EXPIRING] == 1
    sweep(NOW + timedelta(days=1))  # the next day's sweep owes it no more

    (message,) = mail.outbox
    text, html = parts(message)
    save_sample("card-expiring", message)
    assert message.to == ["ann@example.org"]
    assert message.subject == "The card for your gift to The Moscow Times expires soon"
    assert "Visa ending in 4242" in text and "12/2026" in text
    assert "/support/card/" in text and "/support/account/" in text
    assert "$2 every month" in text
    holds_nothing_remote_or_tracking(html)
    assert Email.objects.get().key == f"support.card_expiring:donation:{gift.pk}:2026-12"


def test_a_card_replaced_since_gets_no_notice(sweep):
    gift = monthly_gift()
    PaymentFactory(
        donation=gift, paid_at=NOW - timedelta(days=1), card_exp_year=2030, card_exp_month=1
    )
    assert sweep()[care.CARD_EXPIRING] == 0


def test_a_cancelled_gift_gets_no_card_notice(sweep):
    monthly_gift(status=Donation.Status.CANCELLED)
    assert sweep()[care.CARD_EXPIRING] == 0


def test_an_annual_gift_is_told_14_days_before_it_renews(sweep):
    renews = NOW + timedelta(days=13)
    gift = DonationFactory(
        donor=DonorFactory(email="yearly@example.org"),
        frequency="annual",
        amount=Decimal("60"),
        current_period_end=renews,
    )
    DonationFactory(frequency="annual", current_period_end=NOW + timedelta(days=20))
    DonationFactory(frequency="monthly", current_period_end=NOW + timedelta(days=3))

    assert sweep()[care.RENEWAL_NOTICE] == 1
    assert sweep(NOW + timedelta(days=1))[care.RENEWAL_NOTICE] == 0

    (message,) = mail.outbox
    text, html = parts(message)
    save_sample("renewal-notice", message)
    assert message.to == ["yearly@example.org"]
    assert message.subject == "Your annual gift to The Moscow Times renews soon"
    assert f"renews on {renews:%-d %B %Y}" in text and "charged $60 then" in text
    assert "/support/account/" in text
    holds_nothing_remote_or_tracking(html)
    assert "List-Unsubscribe" not in message.extra_headers  # about the donor's own gift

    # Next year's renewal is told again.
    Donation.objects.filter(pk=gift.pk).update(current_period_end=renews + timedelta(days=365))
    assert sweep(NOW + timedelta(days=365))[care.RENEWAL_NOTICE] == 1


def test_a_gift_that_ended_over_30_days_ago_gets_one_win_back(sweep):
    DonationFactory(
        donor=DonorFactory(email="gone@example.org"),
        status=Donation.Status.CANCELLED,
        cancelled_at=NOW - timedelta(days=31),
    )
    DonationFactory(  # its second gift, ended too: still one email to the mailbox
        donor=DonorFactory(email="Gone+old@example.org"),
        status=Donation.Status.CANCELLED,
        cancelled_at=NOW - timedelta(days=45),
    )
    DonationFactory(status=Donation.Status.CANCELLED, cancelled_at=NOW - timedelta(days=10))
    DonationFactory(status=Donation.Status.CANCELLED, cancelled_at=NOW - timedelta(days=400))

    assert sweep()[care.WIN_BACK] == 1
    assert sweep(NOW + timedelta(days=7))[care.WIN_BACK] == 0

    (message,) = mail.outbox
    text, html = parts(message)
    save_sample("win-back", message)
    assert message.to[0].lower().startswith("gone")
    assert message.subject == "We miss you at The Moscow Times"
    assert "/support/" in text and "only time we ask" in text
    unsubscribe = message.extra_headers["List-Unsubscribe"]
    assert unsubscribe.startswith("<http") and "/opt-out/" in unsubscribe
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    holds_nothing_remote_or_tracking(html)


def test_the_win_back_honours_an_opt_out_of_appeals(client, sweep):
    DonationFactory(
        donor=DonorFactory(email="optout@example.org"),
        status=Donation.Status.CANCELLED,
        cancelled_at=NOW - timedelta(days=31),
    )
    mailbox_suppress(email="optout@example.org", reason=Suppression.Reason.MARKETING)

    assert sweep()[care.WIN_BACK] == 0
    assert not mail.outbox


def test_the_opt_out_link_of_a_win_back_works_in_one_click(client, sweep):
    DonationFactory(
        donor=DonorFactory(email="once@example.org"),
        status=Donation.Status.CANCELLED,
        cancelled_at=NOW - timedelta(days=31),
    )
    sweep()
    link = re.search(r"<(\S+)>", mail.outbox[0].extra_headers["List-Unsubscribe"])[1]

    assert client.post(urlsplit(link).path).status_code == 200

    assert Suppression.objects.filter(reason=Suppression.Reason.MARKETING).exists()


def test_no_win_back_to_a_donor_who_gives_again(sweep):
    DonationFactory(
        donor=DonorFactory(email="back@example.org"),
        status=Donation.Status.CANCELLED,
        cancelled_at=NOW - timedelta(days=31),
    )
    DonationFactory(donor=DonorFactory(email="Back@example.org"), status="active")

    assert sweep()[care.WIN_BACK] == 0


def test_no_care_email_goes_to_an_erased_or_suppressed_donor(sweep):
    erased = monthly_gift("erased@example.org")
    Donation.objects.filter(pk=erased.pk).update(status=Donation.Status.CANCELLED)
    mailbox_erase("erased@example.org")
    Donation.objects.filter(pk=erased.pk).update(
        status=Donation.Status.ACTIVE, cancelled_at=NOW - timedelta(days=31)
    )
    monthly_gift("bounced@example.org")
    mailbox_suppress(email="bounced@example.org", reason=Suppression.Reason.BOUNCE)

    assert sweep() == {care.CARD_EXPIRING: 0, care.RENEWAL_NOTICE: 0, care.WIN_BACK: 0}
    assert not mail.outbox


def test_an_email_owed_for_a_gift_that_changed_since_is_not_sent(
    sweep, django_capture_on_commit_callbacks
):
    from outbox.services import email_send

    gift = monthly_gift()
    with time_machine.travel(NOW, tick=False):
        care.cards_expiring(NOW.date())  # owed, not sent yet (no commit)
    Donation.objects.filter(pk=gift.pk).update(status=Donation.Status.CANCELLED)

    email_send(email_id=Email.objects.get().pk)

    assert not mail.outbox
    assert Email.objects.get().status == Email.Status.SENT  # no longer owed


def test_the_sweep_runs_daily_from_beat(settings):
    entry = next(
        e for e in settings.CELERY_BEAT_SCHEDULE.values()
        if e["task"] == "support.tasks.send_care_emails"
    )  # fmt: skip
    assert entry["schedule"].hour == {9}


def test_a_failed_payment_carries_a_one_click_card_update(
    client, give, stripe_server, deliver, settings
):
    gift = paid_monthly_gift(give, stripe_server, deliver, email="declined@example.org")
    seen = len(stripe_server.deliveries())
    stripe_server.renew(gift.stripe_subscription_id, outcome="failed")
    deliver(since=seen)

    (message,) = [m for m in mail.outbox if "could not be charged" in m.subject]
    text, html = parts(message)
    save_sample("payment-failed", message)
    link = re.search(r"https?://\S+/support/card/\S+/", text)[0]
    assert "Update my card" in html

    response = client.get(urlsplit(link).path)  # no sign-in needed

    assert response.status_code == 303
    assert response["Location"].startswith(stripe_server.url + "/portal/")


def test_an_old_card_update_link_offers_a_sign_in_link(client):
    gift = DonationFactory(stripe_customer_id="cus_old")
    link = urlsplit(care.card_update_link(gift)).path
    with time_machine.travel(datetime.now(UTC) + timedelta(days=31)):
        response = client.get(link)
    assert response.status_code == 400
    assert "Email me a sign-in link" in response.content.decode()


def test_a_paid_gifts_payment_keeps_its_cards_expiry(give, stripe_server, deliver):
    gift = paid_monthly_gift(give, stripe_server, deliver)
    payment = gift.payments.get()
    assert (payment.card_last4, payment.card_exp_month > 0) == ("4242", True)
    assert payment.card_exp_year >= 2026
