"""One pending reminder per mailbox, however the address is spelled."""

import pytest
from django.test import Client
from django.urls import reverse

from support.addresses import normalise
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
