"""One pending reminder per mailbox, however the address is spelled."""

import datetime
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from readers.addresses import normalise
from support.models import Reminder

REMIND = reverse("support:remind")
SPELLINGS = [
    "victim@gmail.com",
    '"victim"@gmail.com',
    '"victim+1"@gmail.com',
    '"Vic.Tim"@googlemail.com',
    "VICTIM+x@GMAIL.COM",
    '"vic\\tim"@gmail.com',
]


@pytest.mark.parametrize("spelling", [*SPELLINGS, "victim@gmail.com.", "victim@ｇｍａｉｌ.com"])
def test_every_spelling_of_one_mailbox_has_one_key(spelling):
    assert normalise(spelling) == "victim@gmail.com"


@pytest.mark.parametrize(
    "one, other",
    [
        ("victim@example.org", "victim2@example.org"),
        ('"a@b"@example.org', "b@example.org"),
        ("vic.tim@example.org", "victim@example.org"),  # dots count outside Gmail
    ],
)
def test_other_mailboxes_keep_keys_of_their_own(one, other):
    assert normalise(one) != normalise(other)


@pytest.mark.django_db
def test_quoted_local_parts_cannot_take_one_mailbox_several_reminders():
    codes = []
    for n, spelling in enumerate(SPELLINGS):
        reader = Client(REMOTE_ADDR=f"198.51.{n}.7")
        codes.append(reader.post(REMIND, {"when": "week", "email": spelling}).status_code)

    assert codes == [200] * len(SPELLINGS)
    assert Reminder.objects.count() == 1
    assert Reminder.objects.get().email == "victim@gmail.com"


def reminder(email, address, status=Reminder.Status.PENDING):
    """A row as the earlier rule keyed it (the form would key it by today's rule)."""
    return Reminder.objects.create(
        email=email, address=address, status=status, due_on=datetime.date(2027, 1, 1),
        consent_text="We will send you one email.", consented_at=timezone.now(),
    )  # fmt: skip


@pytest.mark.django_db
def test_pending_reminders_taken_before_the_fix_are_rekeyed_and_the_extra_ones_cancelled():
    rekeyed = import_module("support.migrations.0017_settings_in_range_reminders_rekeyed")
    kept = reminder('"victim"@gmail.com', '"victim"@gmail.com')
    extra = reminder("victim@gmail.com", "victim@gmail.com")
    other = reminder("ann@example.org", "ann@example.org")
    sent = reminder('"bob"@example.org', '"bob"@example.org', status=Reminder.Status.SENT)

    rekeyed.reminders_rekeyed(django_apps, None)

    pending = Reminder.objects.filter(status=Reminder.Status.PENDING)
    assert set(pending.values_list("pk", "address")) == {
        (kept.pk, "victim@gmail.com"),
        (other.pk, "ann@example.org"),
    }
    extra.refresh_from_db()
    sent.refresh_from_db()
    assert extra.status == Reminder.Status.CANCELLED
    assert (sent.status, sent.address) == (Reminder.Status.SENT, "bob@example.org")
