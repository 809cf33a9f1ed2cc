"""The donor account: a single-use sign-in link by email, then every gift of the mailbox,
its payments and receipts, and a statement per year."""

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from readers.sessions import COOKIE
from support.emails import manage_link
from support.models import Donation, Payment
from tests.support.factories import DonationFactory, DonorFactory, PaymentFactory
from tests.support.test_emails import save_sample

pytestmark = pytest.mark.django_db
ACCOUNT = reverse("support:account")
LINK = re.compile(r"https?://[^\s\"<>]+/support/account/sign-in/[^\s\"<>]+/")


def sign_in_link(message) -> str:
    return urlsplit(LINK.search(message.body)[0]).path


def ask_for_link(client, email, **extra):
    with_commit = extra.pop("capture")
    with with_commit(execute=True):
        return client.post(ACCOUNT, {"email": email}, **extra)


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    """POST as the browser does, and send what the request owed once it commits."""

    def send(url, data=None, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data or {}, **extra)

    return send


@pytest.fixture
def ask(client, django_capture_on_commit_callbacks):
    def post(email, **extra):
        return ask_for_link(client, email, capture=django_capture_on_commit_callbacks, **extra)

    return post


@pytest.fixture
def two_gifts():
    """Two gifts of one mailbox, made through two Stripe customers and two spellings."""
    first = DonationFactory(
        donor=DonorFactory(email="ann.lee@gmail.com", stripe_customer_id="cus_one"),
        stripe_customer_id="cus_one",
        amount=Decimal("5"),
    )
    second = DonationFactory(
        donor=DonorFactory(email="annlee+news@gmail.com", stripe_customer_id="cus_two"),
        stripe_customer_id="cus_two",
        amount=Decimal("60"),
        frequency="annual",
    )
    PaymentFactory(donation=first, paid_at=datetime(2025, 3, 2, tzinfo=UTC))
    PaymentFactory(donation=first, paid_at=datetime(2026, 3, 2, tzinfo=UTC))
    PaymentFactory(
        donation=second,
        paid_at=datetime(2026, 5, 9, tzinfo=UTC),
        refunded_amount=Decimal("10"),
    )
    DonationFactory(donor=DonorFactory(email="someone@example.org"), amount=Decimal("99"))
    return first, second


def signed_in(client, ask, email="Ann.Lee@gmail.com"):
    ask(email)
    link = sign_in_link(mail.outbox[-1])
    response = client.post(link)
    assert response.status_code == 303 and response["Location"] == ACCOUNT
    return link


def test_a_donor_signs_in_by_link_and_sees_every_gift_of_the_mailbox(client, ask, two_gifts):
    page = ask("Ann.Lee@gmail.com")
    assert page.status_code == 200
    assert "Check your inbox" in page.content.decode()
    (message,) = mail.outbox
    save_sample("sign-in", message)
    assert message.to == ["Ann.Lee@gmail.com"]
    assert "works once, for 30 minutes" in message.body
    link = sign_in_link(message)

    button = client.get(link)  # a mail scanner's visit signs no one in
    assert button.status_code == 200 and COOKIE not in button.cookies
    assert client.get(ACCOUNT).content.decode().count("Email me a sign-in link")

    response = client.post(link)
    assert response.status_code == 303 and response.cookies[COOKIE]["httponly"]

    home = client.get(ACCOUNT).content.decode()
    assert "$5 every month" in home and "$60 every year" in home
    assert "$99" not in home
    assert home.count("Email it to me again") == 3


def test_the_page_reads_the_same_whether_or_not_the_address_gave(client, ask, two_gifts):
    known = ask("ann.lee@gmail.com").content.decode()
    unknown = ask("nobody-here@example.org").content.decode()

    def text(page):
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)

    assert text(known) == text(unknown)
    assert [m.to for m in mail.outbox] == [["ann.lee@gmail.com"]]


def test_a_link_works_once_and_a_used_one_offers_a_new_link(client, ask, post, two_gifts):
    link = signed_in(client, ask)
    client.cookies.clear()

    again = client.post(link)
    assert again.status_code == 400
    page = again.content.decode()
    assert "used already" in page and "Send me a new link" in page

    ref, token = link.strip("/").split("/")[-2:]
    sent = len(mail.outbox)
    renewed = post(reverse("support:account-new-link"), {"ref": ref, "token": token})
    assert renewed.status_code == 200 and len(mail.outbox) == sent + 1
    assert mail.outbox[-1].to == ["Ann.Lee@gmail.com"]
    assert sign_in_link(mail.outbox[-1]) != link


def test_a_link_expires_after_30_minutes(client, ask, two_gifts):
    ask("ann.lee@gmail.com")
    link = sign_in_link(mail.outbox[-1])
    with time_machine.travel(timedelta(minutes=31)):
        expired = client.post(link)
    assert expired.status_code == 400
    assert "expired" in expired.content.decode()
    assert "Send me a new link" in expired.content.decode()
    assert COOKIE not in expired.cookies


def test_a_link_for_another_address_is_refused(client, ask, two_gifts):
    ask("ann.lee@gmail.com")
    ask("someone@example.org")
    mine, theirs = sign_in_link(mail.outbox[0]), sign_in_link(mail.outbox[1])
    my_ref = mine.strip("/").split("/")[-2]
    their_token = theirs.strip("/").split("/")[-1]

    refused = client.post(reverse("support:account-sign-in", args=[my_ref, their_token]))

    assert refused.status_code == 400 and "another address" in refused.content.decode()


def test_requests_are_limited_per_address_and_per_network(client, ask, two_gifts, settings):
    settings.SIGN_IN_RATE_LIMIT_EMAIL = "2/h"
    settings.SIGN_IN_RATE_LIMIT_NETWORK = "4/h"
    pages = [ask("ann.lee@gmail.com").status_code for _ in range(3)]
    assert pages == [200, 200, 200]  # the third reads the same, and sends nothing
    assert len(mail.outbox) == 2

    assert ask("someone@example.org").status_code == 200
    assert ask("someone@example.org").status_code == 429  # the network's fifth
    assert ask("someone@example.org", REMOTE_ADDR="198.51.100.7").status_code == 200


def test_a_bad_address_is_a_form_error(client, ask):
    response = ask("=cmd@example.org")
    assert response.status_code == 400 and "cannot start with" in response.content.decode()
    assert not mail.outbox


def test_signing_out_ends_the_session(client, ask, two_gifts):
    signed_in(client, ask)
    client.post(reverse("support:account-sign-out"))
    assert "Email me a sign-in link" in client.get(ACCOUNT).content.decode()


def test_a_receipt_opens_printable_and_is_sent_again(client, ask, post, two_gifts):
    first, _ = two_gifts
    signed_in(client, ask)
    payment = first.payments.order_by("paid_at").first()

    page = client.get(reverse("support:account-receipt", args=[payment.pk]))
    assert page.status_code == 200
    assert f"2025-{payment.pk:06d}" in page.content.decode() and "$5.00" in page.content.decode()

    sent = len(mail.outbox)
    response = post(reverse("support:account-receipt-send", args=[payment.pk]))
    assert response.status_code == 303
    assert len(mail.outbox) == sent + 1
    assert mail.outbox[-1].subject.startswith("Your receipt from")
    assert f"2025-{payment.pk:06d}" in mail.outbox[-1].body


def test_another_mailboxs_receipt_is_not_found(client, ask, two_gifts):
    signed_in(client, ask)
    theirs = PaymentFactory(donation=Donation.objects.get(amount=99))
    assert client.get(reverse("support:account-receipt", args=[theirs.pk])).status_code == 404
    send = client.post(reverse("support:account-receipt-send", args=[theirs.pk]))
    assert send.status_code == 404


def test_pages_of_the_account_need_a_session(client, two_gifts):
    payment = Payment.objects.first()
    for url in (
        reverse("support:account-receipt", args=[payment.pk]),
        reverse("support:account-statement", args=[2026]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == ACCOUNT


def test_the_yearly_statement_counts_what_was_kept(client, ask, two_gifts):
    signed_in(client, ask)
    home = client.get(ACCOUNT).content.decode()
    assert "Your gifts in 2026" in home and "Your gifts in 2025" in home

    page = client.get(reverse("support:account-statement", args=[2026])).content.decode()

    assert "Total given in 2026: $55.00" in page  # $5 + $60, less $10 refunded
    assert "$10.00 refunded or disputed" in page
    assert "2025-" not in page


def test_an_old_manage_link_offers_a_new_sign_in_link(client, post, two_gifts):
    first, _ = two_gifts
    link = urlsplit(manage_link(first)).path

    fresh = client.get(link).content.decode()
    assert "Email me a sign-in link" in fresh
    with time_machine.travel(timedelta(days=200)):
        old = client.get(link)
    assert old.status_code == 400
    assert "This link has expired" in old.content.decode()
    assert "Send me a new link" in old.content.decode()
    assert "newest receipt" not in old.content.decode()

    token = link.strip("/").split("/")[-1]
    response = post(reverse("support:account-new-link"), {"manage": token})
    assert response.status_code == 200
    (message,) = mail.outbox
    assert message.to == ["ann.lee@gmail.com"] and LINK.search(message.body)


def test_a_broken_manage_link_offers_the_sign_in_form(client):
    response = client.get(reverse("support:manage", args=["tampered-token"]))
    assert response.status_code == 400
    assert "Email me a sign-in link" in response.content.decode()


def test_the_account_is_linked_from_the_support_page_the_footer_and_every_receipt(client):
    page = client.get(reverse("support:give")).content.decode()
    assert page.count(f'href="{ACCOUNT}"') == 2  # the page's "Manage your gift" and the footer
    home = client.get("/").content.decode()
    assert f'href="{ACCOUNT}">Manage your gift' in home


def test_an_erased_mailbox_gets_no_link(client, ask, two_gifts):
    from readers.services import mailbox_erase

    Donation.objects.update(status=Donation.Status.CANCELLED)
    mailbox_erase("ann.lee@gmail.com")
    mailbox_erase("annlee+news@gmail.com")

    assert ask("ann.lee@gmail.com").status_code == 200
    assert not mail.outbox


def test_with_production_settings_the_reader_session_cookie_is_secure(
    client, ask, two_gifts, settings
):
    settings.COOKIES_SECURE = True
    ask("ann.lee@gmail.com")
    response = client.post(sign_in_link(mail.outbox[-1]))
    cookie = response.cookies[COOKIE]
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax"


def test_a_gift_whose_payment_failed_asks_for_a_new_card(client, ask, two_gifts):
    first, _ = two_gifts
    Donation.objects.filter(pk=first.pk).update(
        status=Donation.Status.PAST_DUE, stripe_subscription_id="sub_failed"
    )
    signed_in(client, ask)

    page = client.get(ACCOUNT).content.decode()

    assert "Your last payment did not go through" in page
    assert reverse("support:account-card", args=[first.pk]) in page
