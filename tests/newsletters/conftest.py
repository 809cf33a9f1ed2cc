import re
from urllib.parse import urlsplit

import pytest
from django.core import mail

from newsletters.models import Newsletter, Subscription
from readers.services import mailbox_get
from tests.support.conftest import deliver, give  # noqa: F401


@pytest.fixture
def morning(db):
    return Newsletter.objects.create(
        name="The Morning Brief",
        slug="morning",
        description="The day's news before breakfast.",
        frequency="daily",
        position=1,
    )


@pytest.fixture
def weekly(db):
    return Newsletter.objects.create(
        name="Caucasus Weekly", slug="caucasus", frequency="weekly", position=2
    )


@pytest.fixture
def sign_up(client, django_capture_on_commit_callbacks):
    """Post the sign-up form as a reader's browser does; run what it queues (the email)."""

    def post(email, *slugs, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                "/newsletters/subscribe/", {"email": email, "newsletter": list(slugs)}, **extra
            )

    return post


@pytest.fixture
def confirm(client, django_capture_on_commit_callbacks):
    def post(link):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(link)

    return post


def confirmation_links() -> list[str]:
    """The confirmation links of the emails sent so far, as paths, in order."""
    found = []
    for message in mail.outbox:
        match = re.search(r"https?://\S+/email/confirm/\S+/\S+/", message.body)
        if match:
            found.append(urlsplit(match.group(0)).path)
    return found


def subscribed(email, newsletter) -> str | None:
    mailbox = mailbox_get(email)
    found = Subscription.objects.filter(mailbox=mailbox, newsletter=newsletter).first()
    return found.state if found else None


def confirmed_subscriber(email, newsletter) -> Subscription:
    mailbox = mailbox_get(email, create=True)
    return Subscription.objects.create(
        mailbox=mailbox, newsletter=newsletter, state=Subscription.State.CONFIRMED
    )
