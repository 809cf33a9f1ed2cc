"""Who else has a story's form open: a notice for the next person, never a block.

The form's page marks its reader as editing when it opens and once a minute while it stays
open (a heartbeat); a save ends it. A session not seen for EDITING_TIMEOUT has ended too:
the browser was closed or went offline.
"""

import datetime

from django.utils import timezone

from articles.models import EditingSession
from articles.workflow import user_name

HEARTBEAT_SECONDS = 60
EDITING_TIMEOUT = datetime.timedelta(seconds=3 * HEARTBEAT_SECONDS)


def editing_seen(*, article, user, now=None) -> EditingSession:
    """Record that the user has the article's form open (since now, unless still open)."""
    now = now or timezone.now()
    session, created = EditingSession.objects.get_or_create(
        article=article, user=user, defaults={"opened_at": now, "seen_at": now}
    )
    if not created:
        if session.seen_at < now - EDITING_TIMEOUT:
            session.opened_at = now  # that one ended; this is a new one
        session.seen_at = now
        session.save(update_fields=["opened_at", "seen_at"])
    return session


def editing_ended(*, article, user) -> None:
    EditingSession.objects.filter(article=article, user=user).delete()


def others_editing(*, article, user, now=None) -> list[EditingSession]:
    now = now or timezone.now()
    return list(
        EditingSession.objects.filter(article=article, seen_at__gte=now - EDITING_TIMEOUT)
        .exclude(user=user)
        .select_related("user")
        .order_by("opened_at", "pk")
    )


def editing_notice(*, article, user, now=None) -> str:
    """E.g. "Anna Petrova has been editing since 14:02." (empty when nobody else is)."""
    now = now or timezone.now()
    return " ".join(
        f"{user_name(session.user)} has been editing since {_since(session.opened_at, now)}."
        for session in others_editing(article=article, user=user, now=now)
    )


def _since(moment, now) -> str:
    local = timezone.localtime(moment)
    if local.date() == timezone.localtime(now).date():
        return f"{local:%H:%M}"
    return f"{local:%H:%M} on {local:%-d %B}"
