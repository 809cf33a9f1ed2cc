import datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from django_otp.oath import TOTP

from accounts import services


@pytest.fixture(autouse=True)
def two_factor_required(settings):
    """Production's rule, which the test suite otherwise leaves off."""
    settings.TWO_FACTOR_REQUIRED = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def clock():
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


def next_step(clock):
    """Move past the current 30-second step: a TOTP code is accepted once."""
    clock.shift(datetime.timedelta(seconds=31))


def staff(username, group):
    user = get_user_model().objects.create_user(
        username, password="a-long-editor-passphrase", is_staff=True
    )
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editor(db):
    return staff("editor", "Editors")


@pytest.fixture
def writer(db):
    return staff("writer", "Writers")


def code_for(device) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def enrol(user):
    """An authenticator confirmed earlier, and recovery codes; return (device, codes)."""
    device = services.totp_device_start(user=user)
    device.confirmed = True
    device.save()
    return device, services.recovery_codes_issue(user=user)
