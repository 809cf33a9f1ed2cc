"""One confirmation flow: GET shows a button, POST confirms; a used or expired link offers
a new one."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.utils import timezone

from readers import confirmations
from readers.confirmations import confirmation_link, confirmation_register

pytestmark = pytest.mark.django_db


@pytest.fixture
def confirmed_things():
    """A kind of thing to confirm, as an app would register it; records what happened."""
    done, resent = [], []
    confirmation_register(
        "tests.thing",
        describe=lambda subject: f"thing {subject.partition(':')[2]}",
        confirmed=lambda mailbox, subject: done.append((mailbox.key, subject)) or "Thing done.",
        resend=lambda email, subject: resent.append((email, subject)),
    )
    yield done, resent
    confirmations._kinds.pop("tests.thing")


def path(link: str) -> str:
    return urlsplit(link).path


def test_a_get_shows_a_button_and_a_post_confirms_once(client, confirmed_things):
    done, _ = confirmed_things
    link = path(confirmation_link(email="Ann@example.org", subject="tests.thing:7"))

    page = client.get(link)
    assert page.status_code == 200 and "Confirm thing 7" in page.content.decode()
    assert done == []

    assert "Thing done." in client.post(link).content.decode()
    assert done == [("ann@example.org", "tests.thing:7")]

    again = client.post(link)
    assert again.status_code == 400 and "used already" in again.content.decode()
    assert done == [("ann@example.org", "tests.thing:7")]


def test_a_used_or_expired_link_offers_a_new_one_sent_to_its_address(client, confirmed_things):
    _, resent = confirmed_things
    link = path(confirmation_link(email="ann@example.org", subject="tests.thing:7"))
    ref, token = link.strip("/").split("/")[-2:]

    with time_machine.travel(timezone.now() + confirmations.LIFETIME + timedelta(seconds=1)):
        page = client.get(link)
        assert page.status_code == 400 and "Send me a new link" in page.content.decode()
        client.post("/email/confirm/new/", {"ref": ref, "token": token})

    assert resent == [("ann@example.org", "tests.thing:7")]


def test_a_new_link_replaces_the_pending_one(client, confirmed_things):
    first = path(confirmation_link(email="ann@example.org", subject="tests.thing:1"))
    second = path(confirmation_link(email="ann@example.org", subject="tests.thing:2"))

    assert client.get(first).status_code == 400
    assert client.get(second).status_code == 200


def test_a_link_pointed_at_another_address_is_refused(client, confirmed_things):
    done, _ = confirmed_things
    ann = path(confirmation_link(email="ann@example.org", subject="tests.thing:1"))
    bob = path(confirmation_link(email="bob@example.org", subject="tests.thing:2"))
    forged = "/".join([*bob.split("/")[:-2], ann.split("/")[-2], ""])

    response = client.post(forged)

    assert response.status_code == 400 and "another address" in response.content.decode()
    assert done == []


def test_a_kind_nobody_registered_cannot_be_linked():
    with pytest.raises(LookupError):
        confirmation_link(email="ann@example.org", subject="nobody.thing:1")
