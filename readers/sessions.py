"""A reader's session: a signed cookie of its own, short-lived, apart from the staff's.

Started once a sign-in link is used (`session_start`), read on each private page
(`session_mailbox`), ended by signing out (`session_end`), which also ends every other
session of that mailbox. An erased mailbox has no session.
"""

import time

from django.conf import settings
from django.utils import timezone

from readers.models import Mailbox

COOKIE = "reader_session"
SALT = "readers.session"


def session_start(response, *, mailbox: Mailbox) -> None:
    Mailbox.objects.filter(pk=mailbox.pk).update(signed_in_at=timezone.now())
    response.set_signed_cookie(
        COOKIE,
        f"{mailbox.pk}:{int(time.time() * 1000)}",
        salt=SALT,
        max_age=settings.READER_SESSION_SECONDS,
        httponly=True,
        samesite="Lax",
        secure=settings.COOKIES_SECURE,
    )


def session_mailbox(request) -> Mailbox | None:
    """The mailbox this browser signed in as, or None (no session, expired, or ended)."""
    raw = request.get_signed_cookie(
        COOKIE, default=None, salt=SALT, max_age=settings.READER_SESSION_SECONDS
    )
    pk, _, started = (raw or "").partition(":")
    if not (pk.isdigit() and started.isdigit()):
        return None
    mailbox = Mailbox.objects.filter(pk=int(pk)).first()
    ended = mailbox and mailbox.sessions_ended_at
    if mailbox is None or (ended and ended.timestamp() * 1000 >= int(started)):
        return None
    return mailbox


def session_end(request, response) -> None:
    """Sign this browser out, and every other session of its mailbox with it."""
    mailbox = session_mailbox(request)
    if mailbox is not None:
        Mailbox.objects.filter(pk=mailbox.pk).update(sessions_ended_at=timezone.now())
    response.delete_cookie(COOKIE, samesite="Lax")
