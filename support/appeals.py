"""Who sees an appeal: one signed cookie holds the reader's appeal state."""

from datetime import date, timedelta

from django.conf import settings

COOKIE = "appeal_state"
SALT = "support.appeal-state"
GIVEN_DAYS = 30
SHOWN, SNOOZED, GIVEN = "shown", "snoozed", "given"


def appeal_state(request) -> str:
    """Return "shown", "snoozed" or "given" for this browser; a bad cookie counts as none."""
    raw = request.get_signed_cookie(COOKIE, default=None, salt=SALT)
    if not raw:
        return SHOWN
    if raw == GIVEN:
        return GIVEN
    kind, _, until = raw.partition(":")
    try:
        if kind == SNOOZED and date.fromisoformat(until) > date.today():
            return SNOOZED
    except ValueError:
        pass
    return SHOWN


def mark_given(response) -> None:
    response.set_signed_cookie(
        COOKIE,
        GIVEN,
        salt=SALT,
        max_age=GIVEN_DAYS * 86400,
        httponly=True,
        samesite="Lax",
        secure=settings.COOKIES_SECURE,
    )


def mark_snoozed(response, *, until: date) -> None:
    max_age = max(1, (until - date.today()).days) * 86400
    response.set_signed_cookie(
        COOKIE,
        f"{SNOOZED}:{until.isoformat()}",
        salt=SALT,
        max_age=max_age,
        httponly=True,
        samesite="Lax",
        secure=settings.COOKIES_SECURE,
    )


def default_snooze_dates(today: date | None = None) -> dict[str, date]:
    today = today or date.today()
    return {"week": today + timedelta(days=7), "month": _next_month(today)}


def _next_month(today: date) -> date:
    year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    for day in (today.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")
