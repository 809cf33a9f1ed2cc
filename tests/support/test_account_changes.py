"""A signed-in donor changes a recurring gift at Stripe (the local Stripe server): the amount,
monthly ↔ annual, a pause, the card, cancelling after a save offer. The ledger follows
Stripe; a change Stripe refuses leaves the gift as it was and says so."""

from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
import requests
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from support import stripe_gateway
from support.models import Donation
from tests.support.test_account import sign_in_link
from tests.support.test_webhooks import paid_monthly_gift

pytestmark = pytest.mark.django_db
ACCOUNT = reverse("support:account")


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    def send(url, data=None, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data or {}, **extra)

    return send


@pytest.fixture
def gift(give, stripe_server, deliver, client, post):
    """A paid $10 monthly gift, its donor signed in to the account."""
    _, donation = give(email="giver@example.org", custom_amount="10")
    stripe_server.pay(donation.stripe_checkout_session_id, "4242424242424242")
    deliver()
    donation.refresh_from_db()
    post(ACCOUNT, {"email": "giver@example.org"})
    assert client.post(sign_in_link(mail.outbox[-1])).status_code == 303
    return donation


def subscription(donation) -> dict:
    sub = stripe_gateway.client().v1.subscriptions.retrieve(donation.stripe_subscription_id)
    return sub.to_dict()


def url(name, donation):
    return reverse(f"support:{name}", args=[donation.pk])


def test_a_donor_lowers_the_amount_from_the_next_charge(client, post, gift, stripe_server, deliver):
    seen = len(stripe_server.deliveries())
    response = post(url("account-change", gift), {"amount": "7.50", "frequency": "monthly"})

    assert response.status_code == 303
    gift.refresh_from_db()
    assert (gift.amount, gift.frequency, gift.status) == (Decimal("7.50"), "monthly", "active")
    assert subscription(gift)["items"]["data"][0]["price"]["unit_amount"] == 750
    page = client.get(response["Location"]).content.decode()
    assert "$7.50 every month" in page and "Your gift is changed" in page

    deliver(since=seen)  # Stripe's own event finds the ledger where it is
    stripe_server.renew(gift.stripe_subscription_id)
    deliver(since=seen)
    gift.refresh_from_db()
    assert gift.amount == Decimal("7.50")
    assert sorted(p.amount for p in gift.payments.all()) == [Decimal("7.50"), Decimal("10.00")]


def test_switching_to_annual_charges_nothing_until_the_paid_month_ends(
    post, gift, stripe_server, deliver
):
    month_end = gift.current_period_end
    seen = len(stripe_server.deliveries())

    post(url("account-change", gift), {"amount": "20", "frequency": "annual"})

    gift.refresh_from_db()
    assert (gift.amount, gift.frequency, gift.status) == (Decimal("20.00"), "annual", "active")
    assert gift.current_period_end == month_end
    assert gift.payments.count() == 1
    sub = subscription(gift)
    assert sub["status"] == "trialing" and sub["trial_end"] == int(month_end.timestamp())
    assert sub["items"]["data"][0]["price"]["recurring"]["interval"] == "year"

    stripe_server.renew(gift.stripe_subscription_id)
    deliver(since=seen)
    gift.refresh_from_db()
    assert sorted(p.amount for p in gift.payments.all()) == [Decimal("10.00"), Decimal("20.00")]
    assert gift.current_period_end > month_end + timedelta(days=360)


def test_a_donor_pauses_for_two_months_and_resumes(client, post, gift, stripe_server):
    response = post(url("account-pause", gift), {"months": "2"})

    assert response.status_code == 303
    gift.refresh_from_db()
    assert gift.status == Donation.Status.PAUSED
    assert timedelta(days=58) < gift.paused_until - timezone.now() < timedelta(days=63)
    resumes = subscription(gift)["pause_collection"]["resumes_at"]
    assert resumes == int(gift.paused_until.timestamp())
    assert "Resume now" in client.get(ACCOUNT).content.decode()

    post(url("account-resume", gift))
    gift.refresh_from_db()
    assert (gift.status, gift.paused_until) == (Donation.Status.ACTIVE, None)
    assert subscription(gift)["pause_collection"] is None


def test_a_pause_is_one_to_three_months(post, gift):
    response = post(url("account-pause", gift), {"months": "4"})
    assert response.status_code == 409
    gift.refresh_from_db()
    assert gift.status == Donation.Status.ACTIVE


def test_updating_the_card_opens_stripes_portal_on_the_card_and_comes_back(
    post, gift, stripe_server
):
    response = post(url("account-card", gift))

    assert response.status_code == 303 and response["Location"].startswith(stripe_server.url)
    portal = requests.get(response["Location"], timeout=10)
    assert "Update card" in portal.text and "/cancel" not in portal.text
    session = urlsplit(response["Location"]).path.rstrip("/").split("/")[-1]
    updated = requests.post(
        f"{stripe_server.url}/portal/{session}/card",
        data={"card_number": "5555555555554444", "expiry": "12/34", "cvc": "123"},
        allow_redirects=False,
        timeout=10,
    )
    assert updated.status_code == 303 and updated.headers["Location"].endswith(ACCOUNT)


def test_cancelling_offers_a_pause_and_a_lower_amount_and_keeps_the_reason(
    client, post, gift, stripe_server
):
    page = client.get(url("account-cancel", gift)).content.decode()
    assert "Pause 1 month" in page and "Pause 3 months" in page
    assert "Give $5 every month" in page and "Give $2 every month" in page
    assert "Why are you cancelling? (optional)" in page

    response = post(
        url("account-cancel", gift), {"reason": "too_expensive", "comment": "Rent went up."}
    )

    assert response.status_code == 303
    gift.refresh_from_db()
    assert gift.status == Donation.Status.CANCELLED
    assert (gift.cancel_reason, gift.cancel_comment) == ("too_expensive", "Rent went up.")
    details = subscription(gift)["cancellation_details"]
    assert (details["feedback"], details["comment"]) == ("too_expensive", "Rent went up.")
    assert any("has ended" in m.subject for m in mail.outbox)
    assert "Cancel my gift" not in client.get(ACCOUNT).content.decode()


def test_cancelling_needs_no_reason(post, gift):
    assert post(url("account-cancel", gift)).status_code == 303
    gift.refresh_from_db()
    assert (gift.status, gift.cancel_reason) == (Donation.Status.CANCELLED, "")


def test_a_change_stripe_refuses_leaves_the_gift_as_it_was_and_says_so(post, gift):
    # Cancelled at Stripe (the dashboard, say) before its event reached the site.
    stripe_gateway.client().v1.subscriptions.cancel(gift.stripe_subscription_id)

    response = post(url("account-change", gift), {"amount": "9", "frequency": "monthly"})

    assert response.status_code == 409
    assert "Nothing was changed" in response.content.decode()
    gift.refresh_from_db()
    assert (gift.amount, gift.status) == (Decimal("10.00"), Donation.Status.ACTIVE)


@pytest.mark.parametrize(
    "amount, says",
    [
        ("0.20", "The smallest gift we can take is $2."),  # the support form's, in dollars
        ("1.50", "The smallest gift we can take is $2."),
        ("20000", "The largest gift we can take online is $10,000."),
        ("1.000", "Type 1000 without a dot, or cents like 7.50."),  # read two ways
    ],
)
def test_an_amount_the_support_form_would_refuse_is_refused_and_nothing_changes(
    post, gift, amount, says
):
    response = post(url("account-change", gift), {"amount": amount, "frequency": "monthly"})

    assert response.status_code == 409
    assert "Nothing was changed" in response.content.decode()
    assert says in response.content.decode()
    gift.refresh_from_db()
    assert gift.amount == Decimal("10.00")
    assert subscription(gift)["items"]["data"][0]["price"]["unit_amount"] == 1000


def test_another_mailboxs_gift_cannot_be_changed(post, gift, give, stripe_server, deliver):
    other = paid_monthly_gift(give, stripe_server, deliver, email="other@example.org")
    for name in ("account-change", "account-pause", "account-card", "account-cancel"):
        assert post(url(name, other), {"amount": "5", "months": "1"}).status_code == 404
    other.refresh_from_db()
    assert (other.amount, other.status) == (Decimal("2.00"), Donation.Status.ACTIVE)


def test_a_new_amount_keeps_within_the_limits_editors_set_for_the_gifts_currency(post, gift):
    from support.models import SiteCurrency

    SiteCurrency.objects.filter(code=gift.currency).update(smallest_gift=Decimal("5"))

    response = post(url("account-change", gift), {"amount": "3", "frequency": "monthly"})

    assert response.status_code == 409
    assert "The smallest gift we can take is $5" in response.content.decode()
    gift.refresh_from_db()
    assert gift.amount == Decimal("10.00")
