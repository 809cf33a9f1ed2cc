"""Enrolling, confirming and resetting staff members' second factors (django-otp)."""

import logging
from base64 import b32encode
from functools import partial

import segno
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django_otp import devices_for_user, user_has_device
from django_otp import verify_token as otp_verify_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import policy

logger = logging.getLogger(__name__)

RECOVERY_CODE_COUNT = 10
RECOVERY_DEVICE_NAME = "Recovery codes"
TOTP_DEVICE_NAME = "Authenticator app"


@transaction.atomic
def totp_device_start(*, user) -> TOTPDevice:
    """Return the user's unconfirmed authenticator device, creating it on first call."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def totp_qr_svg(*, device: TOTPDevice) -> str:
    """The enrolment QR code as inline SVG: drawn here, no request to anyone else."""
    return segno.make(device.config_url, error="m").svg_inline(
        scale=5, dark="#000", light="#fff", title="Two-factor enrolment code"
    )


def totp_secret(*, device: TOTPDevice) -> str:
    """The key in base32, in groups of four, for typing into an app without a camera."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


@transaction.atomic
def totp_device_confirm(*, device: TOTPDevice, token: str) -> bool:
    """Confirm an authenticator with its first code; False when the code is wrong."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    if not device.verify_token(token):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return True


@transaction.atomic
def recovery_codes_issue(*, user) -> list[str]:
    """Replace the user's recovery codes with new single-use ones and return them."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def two_factor_verify(*, user, token: str):
    """Return the confirmed device (authenticator or recovery code) that accepts the token."""
    for device in list(devices_for_user(user)):
        verified = otp_verify_token(user, device.persistent_id, token)
        if verified is not None:
            return verified
    return None


def two_factor_enrolled(*, user) -> bool:
    return user_has_device(user, confirmed=True)


def staff_with_two_factor():
    """Staff accounts, each with `enrolled` (a confirmed authenticator or recovery codes)."""
    confirmed = Q(user=OuterRef("pk"), confirmed=True)
    return (
        get_user_model()
        .objects.filter(is_staff=True, is_active=True)
        .annotate(
            enrolled=Exists(TOTPDevice.objects.filter(confirmed))
            | Exists(StaticDevice.objects.filter(confirmed))
        )
        .order_by("username")
    )


def staff_resettable_by(*, actor):
    """The staff whose second factor `actor` may reset (accounts.policy), with `enrolled`."""
    staff = staff_with_two_factor().exclude(pk=actor.pk)
    allowed = [user.pk for user in staff if policy.may_reset_two_factor_of(actor, user)]
    return staff.filter(pk__in=allowed)


RESET_MESSAGE = "Reset two-factor authentication (every device removed)."


@transaction.atomic
def two_factor_reset(*, user, by) -> int:
    """Remove every second factor of `user` at `by`'s request; they enrol again at their
    next login. The reset is recorded in the admin's log and emailed to the account."""
    removed = 0
    for device in list(devices_for_user(user, confirmed=None)):
        device.delete()
        removed += 1
    LogEntry.objects.log_actions(
        user_id=by.pk, queryset=[user], action_flag=CHANGE, change_message=RESET_MESSAGE
    )
    logger.warning(
        "Two-factor authentication of %s (id %s) reset by %s (id %s): %d device(s) removed.",
        user.get_username(), user.pk, by.get_username(), by.pk, removed,
    )  # fmt: skip
    transaction.on_commit(partial(_tell_owner, user=user, by=by, when=timezone.now()))
    return removed


def _tell_owner(*, user, by, when) -> None:
    if not user.email:
        logger.warning("%s has no email address: not told of the reset.", user.get_username())
        return
    context = {"user": user, "by": by, "when": when, "admin_url": settings.SITE_URL + "/admin/"}
    try:
        send_mail(
            "Your two-factor authentication was reset",
            render_to_string("accounts/email/two_factor_reset.txt", context),
            None,
            [user.email],
        )
    except OSError:  # SMTP down: the reset stands, its log entry says it happened
        logger.exception("Could not email %s about the reset.", user.get_username())
