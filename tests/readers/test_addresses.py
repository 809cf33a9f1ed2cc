"""The one rule of a mailbox: every app keys a reader's address by it."""

import pytest

from readers.addresses import normalise

ONE_MAILBOX = [
    ("Ann@Example.org", "ann@example.org"),
    ("ann+news@example.org", "ann@example.org"),
    ('"ann"@example.org', "ann@example.org"),
    ('"ann+x"@example.org', "ann@example.org"),
    ("ann@EXAMPLE.ORG.", "ann@example.org"),
    ("  ann@example.org ", "ann@example.org"),
    ("A.n.N@gmail.com", "ann@gmail.com"),
    ("ann+tag@googlemail.com", "ann@gmail.com"),
    ("ann@bücher.de", "ann@xn--bcher-kva.de"),
    ("ann@xn--bcher-kva.de", "ann@xn--bcher-kva.de"),
    ('"a\\nn"@example.org', "ann@example.org"),
]


@pytest.mark.parametrize("spelling, key", ONE_MAILBOX)
def test_every_spelling_of_a_mailbox_has_its_key(spelling, key):
    assert normalise(spelling) == key


@pytest.mark.parametrize(
    "one, other",
    [
        ("a.nn@example.org", "ann@example.org"),  # dots count outside Gmail
        ('"ann@evil.org"@example.org', "ann@evil.org"),
        ("ann@example.org", "ann@example.org.evil.org"),
    ],
)
def test_different_mailboxes_keep_different_keys(one, other):
    assert normalise(one) != normalise(other)


def test_support_keys_donors_by_the_same_rule(db):
    from support.models import Donor

    donor = Donor.objects.create(email="a.nn+gifts@gmail.com")

    assert donor.mailbox == "ann@gmail.com"
