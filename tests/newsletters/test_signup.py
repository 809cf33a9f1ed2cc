"""Signing up: one form without JavaScript, double opt-in, nothing sent before it, the same
page whatever the address, floods limited, undeliverable addresses refused."""

import pytest
from django.core import mail
from django.test import Client

from newsletters.models import Subscription
from readers.models import Suppression
from readers.services import mailbox_suppress
from tests.articles.factories import ArticleFactory
from tests.newsletters.conftest import confirmation_links, confirmed_subscriber, subscribed
from tests.support.test_webhooks import paid_monthly_gift

pytestmark = pytest.mark.django_db
CHECK_INBOX = "Check your inbox"


def test_the_list_page_offers_the_newsletters_taking_sign_ups(client, morning, weekly):
    weekly.accepting_signups = False
    weekly.save()

    page = client.get("/newsletters/").content.decode()

    assert "The Morning Brief" in page and "The day&#39;s news before breakfast." in page
    assert "Caucasus Weekly" not in page
    assert 'action="/newsletters/subscribe/"' in page
    assert "csrfmiddlewaretoken" not in page  # a cached page carries no token


def test_signing_up_sends_one_confirmation_and_subscribes_nobody_until_it_is_used(
    client, morning, sign_up, confirm
):
    response = sign_up("Reader@Example.org", "morning")

    assert response.status_code == 200 and CHECK_INBOX in response.content.decode()
    assert subscribed("reader@example.org", morning) == Subscription.State.PENDING
    (message,) = mail.outbox
    assert message.to == ["Reader@Example.org"]
    assert message.subject == "Confirm your subscription to “The Morning Brief”"
    (link,) = confirmation_links()

    page = client.get(link)  # a mail scanner's prefetch confirms nothing
    assert "Confirm your subscription to “The Morning Brief”" in page.content.decode()
    assert subscribed("reader@example.org", morning) == Subscription.State.PENDING

    done = confirm(link)
    assert "You are subscribed to “The Morning Brief”" in done.content.decode()
    assert subscribed("reader@example.org", morning) == Subscription.State.CONFIRMED
    assert len(mail.outbox) == 1  # nothing else was sent

    again = confirm(link)
    assert again.status_code == 400 and "used already" in again.content.decode()


def test_the_page_reads_the_same_whether_or_not_the_address_was_known(
    morning, sign_up, django_capture_on_commit_callbacks
):
    confirmed_subscriber("known@example.org", morning)

    unknown = sign_up("new@example.org", "morning")
    known = sign_up("known@example.org", "morning")

    assert unknown.status_code == known.status_code == 200
    assert unknown.content == known.content
    assert [m.to for m in mail.outbox] == [["new@example.org"]]  # the subscriber: nothing
    assert subscribed("known@example.org", morning) == Subscription.State.CONFIRMED


def test_one_pending_confirmation_per_mailbox_however_the_address_is_spelled(
    morning, weekly, sign_up, confirm
):
    sign_up("ann.reader@gmail.com", "morning")
    sign_up("AnnReader+news@gmail.com", "caucasus")

    first, second = confirmation_links()
    assert mail.outbox[1].subject.endswith("“The Morning Brief” and “Caucasus Weekly”")
    assert confirm(first).status_code == 400  # replaced by the second
    assert subscribed("annreader@gmail.com", morning) == Subscription.State.PENDING

    confirm(second)
    assert subscribed("annreader@gmail.com", morning) == Subscription.State.CONFIRMED
    assert subscribed("annreader@gmail.com", weekly) == Subscription.State.CONFIRMED


@pytest.mark.parametrize(
    "email",
    ["reader@localhost", "reader@example", "reader@192.0.2.1", "=cmd@example.org", "no-at-sign"],
)
def test_an_address_without_a_dotted_public_domain_is_refused_and_nothing_stored(
    morning, sign_up, email
):
    response = sign_up(email, "morning")

    assert response.status_code == 400
    assert 'class="field-error"' in response.content.decode()
    assert not Subscription.objects.exists() and mail.outbox == []


def test_a_list_not_taking_sign_ups_or_none_chosen_is_a_form_error(morning, sign_up):
    morning.accepting_signups = False
    morning.save()

    assert sign_up("reader@example.org", "morning").status_code == 400
    assert sign_up("reader@example.org").status_code == 400
    assert not Subscription.objects.exists()


def test_sign_ups_are_limited_per_network_and_per_mailbox(morning, sign_up, settings):
    settings.NEWSLETTER_SIGNUP_RATE_LIMIT_EMAIL = "2/d"
    settings.NEWSLETTER_SIGNUP_RATE_LIMIT_NETWORK = "5/h"

    pages = [sign_up("target@example.org", "morning") for _ in range(4)]
    # Over the mailbox's limit nothing is sent, and the page reads the same.
    assert {p.status_code for p in pages} == {200}
    assert len({p.content for p in pages}) == 1
    sent = [m for m in mail.outbox if m.to == ["target@example.org"]]
    assert len(sent) <= 2

    assert sign_up("other@example.org", "morning").status_code == 200
    assert sign_up("third@example.org", "morning").status_code == 429  # the network's 6th


def test_a_suppressed_address_is_sent_no_confirmation(morning, sign_up):
    mailbox_suppress(email="bounced@example.org", reason=Suppression.Reason.BOUNCE)

    response = sign_up("bounced@example.org", "morning")

    assert response.status_code == 200 and CHECK_INBOX in response.content.decode()
    assert mail.outbox == []


def test_the_form_posts_without_a_csrf_token(morning, django_capture_on_commit_callbacks):
    strict = Client(enforce_csrf_checks=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = strict.post(
            "/newsletters/subscribe/", {"email": "reader@example.org", "newsletter": "morning"}
        )

    assert response.status_code == 200
    assert subscribed("reader@example.org", morning) == Subscription.State.PENDING


def test_the_form_is_at_the_end_of_articles_and_in_the_footer_of_other_pages_once(client, morning):
    article = ArticleFactory(live=True)

    page = client.get(article.get_absolute_url()).content.decode()
    home = client.get("/").content.decode()

    assert 'id="article-signup-heading"' in page and 'id="footer-signup-heading"' not in page
    assert 'id="footer-signup-heading"' in home
    assert page.count('action="/newsletters/subscribe/"') == 1
    assert home.count('action="/newsletters/subscribe/"') == 1


def test_the_form_is_on_the_reminder_confirmation_page(client, morning):
    response = client.post(
        "/support/remind/", {"when": "week", "email": "reader@example.org"}, follow=True
    )

    assert 'id="remind-signup-heading"' in response.content.decode()
    assert response.content.decode().count('action="/newsletters/subscribe/"') == 1


def test_the_form_is_on_the_thank_you_page(client, morning, give, stripe_server, deliver):
    donation = paid_monthly_gift(give, stripe_server, deliver)

    page = client.get(f"/support/thanks/?session_id={donation.stripe_checkout_session_id}")

    assert "Thank you for your support" in page.content.decode()
    assert 'id="thanks-signup-heading"' in page.content.decode()


def test_a_new_list_shows_in_the_footer_of_a_page_kept_in_the_cache(client, morning):
    assert "Caucasus Weekly" not in client.get("/").content.decode()

    from newsletters.models import Newsletter

    Newsletter.objects.create(name="Caucasus Weekly", slug="caucasus")

    assert "Caucasus Weekly" in client.get("/").content.decode()


def test_the_confirmation_names_the_lists_and_holds_nothing_remote(morning, sign_up):
    from tests.processes import PROJECT_DIR

    sign_up("reader@example.org", "morning")

    (message,) = mail.outbox
    ((html, _),) = message.alternatives
    (link,) = confirmation_links()
    for part in (message.body, html):
        assert "The Morning Brief" in part and link in part
        assert "If you did not ask, ignore this email" in part
    assert "<img" not in html and "src=" not in html
    samples = PROJECT_DIR / "test-artifacts" / "emails"
    samples.mkdir(parents=True, exist_ok=True)
    (samples / "newsletter-confirmation.txt").write_text(
        f"Subject: {message.subject}\n\n{message.body}"
    )
    (samples / "newsletter-confirmation.html").write_text(html)


def test_an_expired_link_offers_a_new_one_that_still_confirms(
    client, morning, sign_up, confirm, django_capture_on_commit_callbacks
):
    import datetime

    import time_machine
    from django.utils import timezone

    from readers.confirmations import LIFETIME

    sign_up("reader@example.org", "morning")
    (link,) = confirmation_links()
    ref, token = link.strip("/").split("/")[-2:]

    with time_machine.travel(timezone.now() + LIFETIME + datetime.timedelta(minutes=1)):
        page = client.get(link)
        assert page.status_code == 400 and "Send me a new link" in page.content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/email/confirm/new/", {"ref": ref, "token": token})

    first, second = confirmation_links()
    assert second != first
    assert "You are subscribed" in confirm(second).content.decode()
    assert subscribed("reader@example.org", morning) == Subscription.State.CONFIRMED
