"""The pages of emailed links: confirmations (GET shows a button, POST confirms; a used or
expired link offers a new one) and one-click opt-outs."""

from django.core import signing
from django.db import transaction
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from newsroom import ratelimit
from readers.confirmations import confirmable
from readers.models import Token
from readers.optout import opt_out_target
from readers.services import (
    UNKNOWN,
    TokenRefused,
    link_request_limited,
    mailbox_suppress,
    token_check,
    token_use,
)

CONFIRM = Token.Purpose.CONFIRM
# What a refused link's page says, by TokenRefused.reason.
REFUSALS = {
    "unknown": "This link is not valid: it may be incomplete, or older than a week.",
    "used": "This link has been used already: each link works once.",
    "expired": "This link has expired.",
    "other_address": "This link was made for another address.",
}


@never_cache
def confirm(request, ref, token):
    try:
        with transaction.atomic():
            found = token_check(token=token, purpose=CONFIRM, ref=ref)
            kind = confirmable(found.subject)
            if kind is None:
                raise TokenRefused(UNKNOWN)
            if request.method == "POST":
                found = token_use(token=token, purpose=CONFIRM, ref=ref)
                message = kind.confirmed(found.mailbox, found.subject)
                return render(request, "readers/confirmed.html", {"message": message})
    except TokenRefused as refused:
        return refused_page(request, refused, ref=ref, token=token)
    return render(request, "readers/confirm.html", {"what": kind.describe(found.subject)})


def refused_page(request, refused: TokenRefused, *, ref: str, token: str):
    """A link that cannot be used; a used or expired one offers a new one."""
    context = {
        "reason": REFUSALS[refused.reason],
        "renewable": refused.token is not None,
        "ref": ref,
        "token": token,
    }
    return render(request, "readers/link_refused.html", context, status=400)


@require_POST
@never_cache
def confirm_new(request):
    ref, token = request.POST.get("ref", ""), request.POST.get("token", "")
    try:
        found = token_check(token=token, purpose=CONFIRM, ref=ref)
    except TokenRefused as refused:
        found = refused.token
    kind = confirmable(found.subject) if found else None
    if kind is None:
        return refused_page(request, TokenRefused(UNKNOWN), ref=ref, token=token)
    email = found.mailbox.email
    limited = link_request_limited(network=ratelimit.client_network(request), email=email)
    if limited == "network":
        return render(request, "readers/too_many.html", status=429)
    if not limited:
        kind.resend(email, found.subject)
    return render(request, "readers/link_sent.html")


# The signed link is the credential; a mail provider's one-click POST (RFC 8058) carries no
# CSRF cookie. A GET only shows the button, so a link scanner opts no one out.
@csrf_exempt
@never_cache
def opt_out(request, token):
    try:
        digest, reason = opt_out_target(token)
    except (signing.BadSignature, KeyError, TypeError):
        return render(request, "readers/opt_out_invalid.html", status=400)
    if request.method != "POST":
        return render(request, "readers/opt_out.html", {"reason": reason})
    mailbox_suppress(digest=digest, reason=reason)
    return render(request, "readers/opted_out.html", {"reason": reason})
