"""Addresses that get nothing (or no appeal): kept as a hash, outlasting an erasure."""

import pytest
from django.test import Client
from django.urls import reverse

from readers.models import Suppression
from readers.optout import opt_out_headers, opt_out_link
from readers.services import (
    mailbox_erase,
    mailbox_get,
    mailbox_suppress,
    mailbox_suppressed,
    mailbox_unsuppress,
    suppression_digest,
)

pytestmark = pytest.mark.django_db
Reason = Suppression.Reason


def test_a_suppression_holds_no_address_and_covers_every_spelling():
    mailbox_suppress(email="Ann.Lee+x@gmail.com", reason=Reason.BOUNCE)

    row = Suppression.objects.get()
    assert "ann" not in row.digest and row.digest == suppression_digest("annlee@gmail.com")
    assert mailbox_suppressed("annlee@googlemail.com")
    assert not mailbox_suppressed("someone@gmail.com")


@pytest.mark.parametrize("reason", [Reason.BOUNCE, Reason.COMPLAINT, Reason.NOTHING])
def test_bounces_complaints_and_send_me_nothing_stop_every_email(reason):
    mailbox_suppress(email="ann@example.org", reason=reason)

    assert mailbox_suppressed("ann@example.org")
    assert mailbox_suppressed("ann@example.org", marketing=True)


def test_an_opt_out_of_appeals_stops_only_appeals():
    mailbox_suppress(email="ann@example.org", reason=Reason.MARKETING)

    assert mailbox_suppressed("ann@example.org", marketing=True)
    assert not mailbox_suppressed("ann@example.org")


def test_a_reader_lifts_their_own_choice_but_not_a_bounce():
    mailbox_suppress(email="ann@example.org", reason=Reason.NOTHING)
    mailbox_suppress(email="ann@example.org", reason=Reason.BOUNCE)

    mailbox_unsuppress(email="ann@example.org")

    assert set(Suppression.objects.values_list("reason", flat=True)) == {Reason.BOUNCE}


def test_a_suppression_outlasts_the_erasure_of_the_address():
    mailbox_get("ann@example.org", create=True)
    mailbox_suppress(email="ann@example.org", reason=Reason.MARKETING)

    erased = mailbox_erase("ann@example.org")

    assert erased["readers"]["mailboxes"] == 1
    assert mailbox_get("ann@example.org") is None
    assert mailbox_suppressed("ann@example.org", marketing=True)


def test_the_one_click_opt_out_suppresses_on_post_only_and_names_no_address():
    link = opt_out_link("Ann@Example.org")
    headers = opt_out_headers("Ann@Example.org")
    client = Client(enforce_csrf_checks=True)  # as a mail provider posts: no CSRF cookie

    assert "ann" not in link.lower().split("/email/")[1]
    assert headers["List-Unsubscribe"] == f"<{link}>"
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert client.get(link).status_code == 200
    assert not mailbox_suppressed("ann@example.org", marketing=True)

    response = client.post(link, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert mailbox_suppressed("ann+x@example.org", marketing=True)
    assert not mailbox_suppressed("ann@example.org")


@pytest.mark.parametrize("token", ["tampered", "e30:1vTGJk:abc"])
def test_a_forged_opt_out_link_is_refused(client, token):
    response = client.post(reverse("readers:opt-out", args=[token]))

    assert response.status_code == 400
    assert not Suppression.objects.exists()
