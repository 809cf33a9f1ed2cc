"""Bounces and complaints reported by the sending provider: Mailgun's signed webhooks, and a
generic signed form for any other provider (through a small relay of one's own).

Mailgun signs each event: HMAC-SHA256 of its timestamp and token under the webhook signing
key (MAILGUN_WEBHOOK_SIGNING_KEY). An event whose signature does not match, whose timestamp
is more than five minutes away, or whose token was seen before (a replay) is refused. A
permanent failure (a hard bounce) or a complaint suppresses the address for every list and
every email (readers' suppressions, kept as a hash); the delivery it names by our Message-ID
is counted in its edition's figures.
"""

import hashlib
import hmac
import json
import re
import time

from django.conf import settings
from django.core.cache import cache

from newsletters.models import Delivery
from readers.models import Suppression
from readers.services import mailbox_suppress

MAX_SKEW = 300
OUR_MESSAGE_ID = re.compile(r"<?edition-(\d{1,18})\.reader-(\d{1,18})@[^>\s]+>?")


class Refused(Exception):
    """Not a genuine event: its signature, age or token."""


def mailgun_verify(signature: dict) -> None:
    key = settings.MAILGUN_WEBHOOK_SIGNING_KEY
    if not key:
        raise Refused("no signing key is configured")
    try:
        timestamp, token, given = (str(signature[k]) for k in ("timestamp", "token", "signature"))
    except (KeyError, TypeError) as missing:
        raise Refused("the signature is incomplete") from missing
    expected = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected.encode(), given.encode()):
        raise Refused("the signature does not match")
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > MAX_SKEW:
        raise Refused("the event is too old or from the future")
    if not cache.add(f"newsletters:mailgun-token:{token[:100]}", 1, MAX_SKEW * 2):
        raise Refused("the token was used before")


def mailgun_event(payload: dict) -> str:
    """Verify one webhook post and act on it; return what was done. Raise Refused."""
    if not isinstance(payload, dict):
        raise Refused("not an event")
    mailgun_verify(payload.get("signature"))
    data = payload.get("event-data")
    if not isinstance(data, dict):
        return "ignored"
    event, recipient = str(data.get("event", "")), str(data.get("recipient", ""))
    if event == "failed" and data.get("severity") == "permanent":
        kind = "bounce"
    elif event == "complained":
        kind = "complaint"
    else:
        return "ignored"
    headers = (data.get("message") or {}).get("headers") or {}
    return address_reported(kind=kind, recipient=recipient, message_id=headers.get("message-id"))


def generic_event(body: bytes, *, timestamp: str, signature: str) -> str:
    """The generic form: a JSON object {"event": "bounce" | "complaint", "recipient": …,
    "message_id": …} posted with X-Newsroom-Timestamp (Unix seconds) and
    X-Newsroom-Signature (hex HMAC-SHA256 of "<timestamp>." + the body, under
    BOUNCE_WEBHOOK_SECRET). Raise Refused."""
    key = settings.BOUNCE_WEBHOOK_SECRET
    if not key:
        raise Refused("no secret is configured")
    signed = timestamp.encode() + b"." + body
    expected = hmac.new(key.encode(), signed, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected.encode(), signature.encode()):
        raise Refused("the signature does not match")
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > MAX_SKEW:
        raise Refused("the event is too old or from the future")
    if not cache.add(f"newsletters:generic-signature:{expected}", 1, MAX_SKEW * 2):
        raise Refused("the event was posted before")
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as odd:
        raise Refused("not JSON") from odd
    if not isinstance(data, dict) or data.get("event") not in ("bounce", "complaint"):
        return "ignored"
    return address_reported(
        kind=data["event"], recipient=str(data.get("recipient", "")),
        message_id=data.get("message_id"),
    )  # fmt: skip


def address_reported(*, kind: str, recipient: str, message_id=None) -> str:
    """A hard bounce or a complaint: the address gets nothing more, from any list."""
    reason, field = {
        "bounce": (Suppression.Reason.BOUNCE, "bounced"),
        "complaint": (Suppression.Reason.COMPLAINT, "complained"),
    }[kind]
    if "@" not in recipient:
        return "ignored"
    mailbox_suppress(email=recipient, reason=reason)
    found = OUR_MESSAGE_ID.fullmatch(str(message_id or "").strip())
    if found:
        edition_id, subscription_id = (int(n) for n in found.groups())
        Delivery.objects.filter(edition_id=edition_id, subscription_id=subscription_id).update(
            **{field: True}
        )
    return field
