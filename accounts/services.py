"""Enrolling, confirming and resetting staff members' second factors (django-otp)."""

from base64 import b32encode

import segno
from django.db import transaction
from django_otp import devices_for_user, user_has_device
from django_otp import verify_token as otp_verify_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

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
    from django.contrib.auth import get_user_model
    from django.db.models import Exists, OuterRef, Q

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


@transaction.atomic
def two_factor_reset(*, user) -> int:
    """Remove every second factor of the user; they enrol again at their next login."""
    removed = 0
    for device in list(devices_for_user(user, confirmed=None)):
        device.delete()
        removed += 1
    return removed
