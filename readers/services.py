"""Readers' addresses: the mailbox record, single-use links, suppressions, and the privacy
hooks every app that keeps something about an address contributes to.

Mailboxes::

    mailbox = mailbox_get(email, create=True)     # one row per normalised address

Single-use links (sign-in, confirm): only the token's SHA-256 is stored; the token itself
goes into the emailed link and nowhere else::

    token = token_issue(mailbox=mailbox, purpose=SIGN_IN, lifetime=timedelta(minutes=30))
    link = f"/.../{mailbox_ref(mailbox)}/{token}/"
    found = token_check(token=token, purpose=..., ref=ref)   # peek (a GET shows a button)
    found = token_use(token=token, purpose=..., ref=ref)     # consume it (the POST)

Both raise TokenRefused, whose `reason` says why (unknown, used, expired, other_address)
and whose `token` is the row when one was found (so a page can offer a new link to it).

Suppressions (kept as a hash, so they outlast an erasure)::

    mailbox_suppress(email=..., reason=Suppression.Reason.BOUNCE)
    if mailbox_suppressed(email, marketing=True): ...   # True: send nothing

Privacy (apps register in their AppConfig.ready; the donor_export and donor_erase commands
call these)::

    privacy_register("support", export=fn(email) -> dict, erase=fn(email, **options) -> dict,
                     check=fn(email, **options))   # check raises ErasureRefused
    mailbox_export(email) -> dict
    mailbox_erase(email, **options) -> dict
"""

import hashlib
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from newsroom import ratelimit
from readers.addresses import normalise
from readers.models import Mailbox, Suppression, Token

logger = logging.getLogger(__name__)

UNKNOWN, USED, EXPIRED, OTHER_ADDRESS = "unknown", "used", "expired", "other_address"
MAX_TOKEN_LENGTH = 100


def mailbox_get(email: str, *, create: bool = False) -> Mailbox | None:
    """The mailbox an address reaches; made (keeping this spelling) when `create`."""
    key = normalise(email)
    if not create:
        return Mailbox.objects.filter(key=key).first()
    try:
        with transaction.atomic():
            mailbox, _ = Mailbox.objects.get_or_create(key=key, defaults={"email": email.strip()})
    except IntegrityError:  # made by another request in between
        mailbox = Mailbox.objects.get(key=key)
    return mailbox


def mailbox_ref(mailbox: Mailbox) -> str:
    """The mailbox as a link names it (its id, URL-safe), beside a token."""
    return urlsafe_base64_encode(force_bytes(mailbox.pk))


def _mailbox_id(ref: str) -> int | None:
    try:
        text = force_str(urlsafe_base64_decode(ref))
    except (ValueError, TypeError, UnicodeDecodeError):
        return None
    return int(text) if text.isascii() and text.isdigit() and len(text) < 19 else None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class TokenRefused(Exception):
    """A link that cannot be used: `reason` is unknown, used, expired or other_address."""

    def __init__(self, reason: str, token: Token | None = None):
        super().__init__(reason)
        self.reason = reason
        self.token = token


def token_issue(*, mailbox: Mailbox, purpose: str, lifetime: timedelta, subject: str = "") -> str:
    """Make a single-use token for the mailbox and return it (only its hash is kept).

    A confirmation replaces the mailbox's pending one: one pending confirmation per mailbox.
    """
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        if purpose == Token.Purpose.CONFIRM:
            Token.objects.filter(mailbox=mailbox, purpose=purpose, used_at__isnull=True).delete()
        Token.objects.create(
            mailbox=mailbox,
            purpose=purpose,
            subject=subject,
            digest=_digest(token),
            expires_at=timezone.now() + lifetime,
        )
    return token


def token_check(*, token: str, purpose: str, ref: str | None = None) -> Token:
    """Return the token's row if it may be used now; raise TokenRefused otherwise.

    `ref` (mailbox_ref) is the mailbox the link names: a token of another mailbox is
    refused, so a link cannot be pointed at someone else's address.
    """
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise TokenRefused(UNKNOWN)
    found = (
        Token.objects.select_related("mailbox")
        .filter(digest=_digest(token), purpose=purpose)
        .first()
    )
    if found is None:
        raise TokenRefused(UNKNOWN)
    if ref is not None and _mailbox_id(ref) != found.mailbox_id:
        raise TokenRefused(OTHER_ADDRESS)
    if found.used_at is not None:
        raise TokenRefused(USED, found)
    if found.expires_at <= timezone.now():
        raise TokenRefused(EXPIRED, found)
    return found


def token_use(*, token: str, purpose: str, ref: str | None = None) -> Token:
    """Use a token once (as token_check, then marked used); raise TokenRefused."""
    found = token_check(token=token, purpose=purpose, ref=ref)
    now = timezone.now()
    claimed = Token.objects.filter(pk=found.pk, used_at__isnull=True, expires_at__gt=now)
    if not claimed.update(used_at=now):
        raise TokenRefused(USED, found)  # another request used it first
    found.used_at = now
    return found


def link_request_limited(*, network: str, email: str) -> str:
    """Count a request for a link sent by email (sign-in, a new confirmation).

    Return "" when it may be sent; "network" when the client's network asked too often
    (answer 429); "address" when the address was asked for too often, from anywhere (send
    nothing, and answer as if it were sent: no one can fill a stranger's inbox).
    """
    if ratelimit.hit("link-network", network, settings.SIGN_IN_RATE_LIMIT_NETWORK):
        return "network"
    if ratelimit.hit("link-address", normalise(email), settings.SIGN_IN_RATE_LIMIT_EMAIL):
        return "address"
    return ""


def tokens_sweep(*, older_than: timedelta = timedelta(days=7)) -> int:
    """Forget tokens expired this long ago (their links then read as unknown)."""
    return Token.objects.filter(expires_at__lt=timezone.now() - older_than).delete()[0]


def suppression_digest(email: str) -> str:
    """The hash a suppression is kept under: SHA-256 of the normalised address."""
    return hashlib.sha256(normalise(email).encode()).hexdigest()


def mailbox_suppress(*, reason: str, email: str = "", digest: str = "") -> bool:
    """Send the address nothing more (or no appeal: MARKETING); return whether it is new."""
    digest = digest or suppression_digest(email)
    try:
        with transaction.atomic():
            _, created = Suppression.objects.get_or_create(digest=digest, reason=reason)
    except IntegrityError:
        created = False
    return created


def mailbox_unsuppress(*, email: str, reasons=(Suppression.Reason.NOTHING,)) -> int:
    """Lift the reader's own choices (never a bounce or a complaint: staff lift those)."""
    digest = suppression_digest(email)
    return Suppression.objects.filter(digest=digest, reason__in=list(reasons)).delete()[0]


def mailbox_suppressed(email: str, *, marketing: bool = False) -> bool:
    """Whether the address must be sent nothing; with `marketing`, not even an appeal."""
    reasons = [*Suppression.EVERYTHING, *([Suppression.Reason.MARKETING] if marketing else [])]
    digest = suppression_digest(email)
    return Suppression.objects.filter(digest=digest, reason__in=reasons).exists()


def suppression_reasons(email: str) -> set[str]:
    return set(
        Suppression.objects.filter(digest=suppression_digest(email)).values_list(
            "reason", flat=True
        )
    )


class ErasureRefused(Exception):
    """An app cannot erase the address yet (e.g. a live recurring gift); nothing was erased."""


@dataclass(frozen=True)
class Contributor:
    export: Callable[[str], dict]
    erase: Callable[..., dict]
    check: Callable[..., None] | None = None


_contributors: dict[str, Contributor] = {}


def privacy_register(name: str, *, export, erase, check=None) -> None:
    """Let an app add what it keeps about an address to exports and erasures.

    `export(email)` returns plain data; `check(email, **options)` raises ErasureRefused
    before anything is erased; `erase(email, **options)` erases and returns counts.
    """
    _contributors[name] = Contributor(export=export, erase=erase, check=check)


def mailbox_export(email: str) -> dict:
    """Everything the site holds about an address, by the app that holds it."""
    email = email.strip().lower()
    data = {"email": email, "mailbox": normalise(email), "readers": _own_export(email)}
    for name, contributor in sorted(_contributors.items()):
        data[name] = contributor.export(email)
    return data


def mailbox_erase(email: str, **options) -> dict:
    """Erase an address everywhere; raise ErasureRefused (nothing erased) if an app cannot.

    The suppressions stay: they hold no address, and they are what keeps an erased reader
    from being written to again.
    """
    email = email.strip().lower()
    for contributor in _contributors.values():
        if contributor.check:
            contributor.check(email, **options)
    erased = {"email": email}
    for name, contributor in sorted(_contributors.items()):
        erased[name] = contributor.erase(email, **options)
    erased["readers"] = _own_erase(email)
    logger.info(
        "Erased the data of one reader: %s", {k: v for k, v in erased.items() if k != "email"}
    )
    return erased


def _own_export(email: str) -> dict:
    mailbox = mailbox_get(email)
    tokens = mailbox.tokens.all() if mailbox else []
    skip = ["digest"]  # what a link was is not the reader's data, and no use to anyone
    return {
        "mailbox": model_to_dict(mailbox) | {"created_at": mailbox.created_at} if mailbox else None,
        "links": [model_to_dict(t, exclude=skip) | {"created_at": t.created_at} for t in tokens],
        "suppressed": sorted(suppression_reasons(email)),
    }


def _own_erase(email: str) -> dict:
    deleted, counts = Mailbox.objects.filter(key=normalise(email)).delete()
    return {
        "mailboxes": counts.get(Mailbox._meta.label, 0),
        "links": counts.get(Token._meta.label, 0),
    }
