"""Who sees an appeal: one signed cookie holds the reader's appeal state, and a second,
readable by the page's script, hints which kind of gift this browser made (for the appeal
picker's audience rules, decided in the browser: static/js/appeal-picker.js)."""

from datetime import date, timedelta

from django.conf import settings

COOKIE = "appeal_state"
SALT = "support.appeal-state"
GIVEN_DAYS = 30
HINT_COOKIE = "support_hint"
HINT_SALT = "support.donor-hint"
HINT_DAYS_AFTER = 400  # kept past the paid-through date, so the picker can tell "lapsed"
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


def donor_hint(donation, today: date | None = None) -> str:
    """ "monthly|2027-01-07": the kind of gift and the day it is paid through."""
    today = today or date.today()
    if donation.current_period_end:
        through = donation.current_period_end.date()
    elif donation.frequency == "monthly":
        through = _next_month(today)
    elif donation.frequency == "annual":
        through = (
            today.replace(year=today.year + 1)
            if (today.month, today.day) != (2, 29)
            else (date(today.year + 1, 3, 1))
        )
    else:
        through = today
    return f"{donation.frequency}|{through.isoformat()}"


def set_donor_hint(response, donation) -> None:
    """Signed so the site could trust it, readable (not HttpOnly) so the picker can read it;
    it holds no identifier: only the kind of gift and a date."""
    hint = donor_hint(donation)
    through = date.fromisoformat(hint.partition("|")[2])
    days = max(0, (through - date.today()).days) + HINT_DAYS_AFTER
    response.set_signed_cookie(
        HINT_COOKIE,
        hint,
        salt=HINT_SALT,
        max_age=days * 86400,
        httponly=False,
        samesite="Lax",
        secure=settings.COOKIES_SECURE,
    )
