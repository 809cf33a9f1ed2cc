"""Single-use links: kept as a hash, used once, within their lifetime, for their address."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from readers.models import Token
from readers.services import (
    TokenRefused,
    mailbox_get,
    mailbox_ref,
    token_check,
    token_issue,
    token_use,
    tokens_sweep,
)

pytestmark = pytest.mark.django_db
SIGN_IN = Token.Purpose.SIGN_IN
HALF_HOUR = timedelta(minutes=30)


@pytest.fixture
def ann():
    return mailbox_get("ann@example.org", create=True)


def refusal(**kwargs) -> str:
    with pytest.raises(TokenRefused) as refused:
        token_use(**kwargs)
    return refused.value.reason


def test_a_token_is_kept_only_as_its_hash(ann):
    token = token_issue(mailbox=ann, purpose=SIGN_IN, lifetime=HALF_HOUR)

    row = Token.objects.get()
    assert token not in str(list(Token.objects.values()))
    assert len(row.digest) == 64 and row.digest != token


def test_a_token_works_once(ann):
    token = token_issue(mailbox=ann, purpose=SIGN_IN, lifetime=HALF_HOUR)
    ref = mailbox_ref(ann)

    assert token_check(token=token, purpose=SIGN_IN, ref=ref).mailbox == ann  # a peek
    assert token_use(token=token, purpose=SIGN_IN, ref=ref).mailbox == ann

    assert refusal(token=token, purpose=SIGN_IN, ref=ref) == "used"


def test_a_token_expires_at_the_end_of_its_lifetime(ann):
    token = token_issue(mailbox=ann, purpose=SIGN_IN, lifetime=HALF_HOUR)

    with time_machine.travel(timezone.now() + HALF_HOUR - timedelta(seconds=1)):
        token_check(token=token, purpose=SIGN_IN)
    with time_machine.travel(timezone.now() + HALF_HOUR):
        assert refusal(token=token, purpose=SIGN_IN) == "expired"


def test_a_token_of_one_address_is_refused_in_a_link_naming_another(ann):
    bob = mailbox_get("bob@example.org", create=True)
    token = token_issue(mailbox=ann, purpose=SIGN_IN, lifetime=HALF_HOUR)

    assert refusal(token=token, purpose=SIGN_IN, ref=mailbox_ref(bob)) == "other_address"
    assert refusal(token=token, purpose=SIGN_IN, ref="not-a-ref") == "other_address"
    assert token_use(token=token, purpose=SIGN_IN, ref=mailbox_ref(ann)).mailbox == ann


@pytest.mark.parametrize("token", ["", "made-up", "x" * 500])
def test_an_unknown_token_is_refused(ann, token):
    token_issue(mailbox=ann, purpose=SIGN_IN, lifetime=HALF_HOUR)

    assert refusal(token=token, purpose=SIGN_IN) == "unknown"


def test_a_token_for_one_purpose_is_refused_for_another(ann):
    token = token_issue(mailbox=ann, purpose=SIGN_IN, lifetime=HALF_HOUR)

    assert refusal(token=token, purpose=Token.Purpose.CONFIRM) == "unknown"


def test_a_refused_used_or_expired_token_names_its_mailbox_so_a_new_link_can_go_there(ann):
    token = token_issue(mailbox=ann, purpose=SIGN_IN, lifetime=HALF_HOUR)
    token_use(token=token, purpose=SIGN_IN)

    with pytest.raises(TokenRefused) as refused:
        token_use(token=token, purpose=SIGN_IN)

    assert refused.value.token.mailbox == ann


def test_a_mailbox_has_one_pending_confirmation_the_newest(ann):
    first = token_issue(
        mailbox=ann, purpose=Token.Purpose.CONFIRM, lifetime=HALF_HOUR, subject="a:1"
    )
    second = token_issue(
        mailbox=ann, purpose=Token.Purpose.CONFIRM, lifetime=HALF_HOUR, subject="a:2"
    )

    assert refusal(token=first, purpose=Token.Purpose.CONFIRM) == "unknown"
    assert token_use(token=second, purpose=Token.Purpose.CONFIRM).subject == "a:2"


def test_one_mailbox_whatever_the_spelling():
    assert mailbox_get("A.nn+x@gmail.com", create=True) == mailbox_get("ann@googlemail.com")
    assert mailbox_get("someone-else@example.org") is None


def test_expired_tokens_are_forgotten_after_a_week(ann):
    token_issue(mailbox=ann, purpose=SIGN_IN, lifetime=HALF_HOUR)

    with time_machine.travel(timezone.now() + timedelta(days=7)):
        assert tokens_sweep() == 0
    with time_machine.travel(timezone.now() + timedelta(days=7, hours=1)):
        assert tokens_sweep() == 1
