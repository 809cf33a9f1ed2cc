"""One-click opt-outs (RFC 8058) for emails that ask something of the reader (appeals).

`opt_out_headers(email)` gives the List-Unsubscribe headers; the link names the address only
by its suppression hash, signed, so neither the link nor the page shows the address.
"""

from django.core import signing
from django.urls import reverse

from newsroom.links import absolute_url
from readers.models import Suppression
from readers.services import suppression_digest

SALT = "readers.opt-out"
MAX_AGE = 60 * 60 * 24 * 400
REASONS = {Suppression.Reason.MARKETING, Suppression.Reason.NOTHING}


def opt_out_link(email: str, *, reason: str = Suppression.Reason.MARKETING) -> str:
    token = signing.dumps({"d": suppression_digest(email), "r": reason}, salt=SALT)
    return absolute_url(reverse("readers:opt-out", args=[token]))


def opt_out_headers(email: str, *, reason: str = Suppression.Reason.MARKETING) -> dict:
    return {
        "List-Unsubscribe": f"<{opt_out_link(email, reason=reason)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def opt_out_target(token: str) -> tuple[str, str]:
    """Return (digest, reason) a link names; raise signing.BadSignature when not ours."""
    data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    digest, reason = data["d"], data["r"]
    if reason not in REASONS or not isinstance(digest, str) or len(digest) != 64:
        raise signing.BadSignature("Not an opt-out this site makes.")
    return digest, reason
