"""Editors' accounts: a password alone does not open the newsroom when DEBUG is off."""

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from accounts import services
from tests.accounts.conftest import code_for, enrol, next_step

pytestmark = pytest.mark.django_db

ADMIN = "/admin/"
VERIFY = reverse("accounts:verify")
SETUP = reverse("accounts:setup")


def log_in_with_password(client, user):
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": user.username, "password": "a-long-editor-passphrase"},
    )
    assert response.status_code == 302
    return response


def test_an_editor_without_a_device_is_sent_to_enrol_and_gets_in_after_the_first_code(
    client, editor, clock
):
    log_in_with_password(client, editor)

    blocked = client.get(ADMIN)
    assert blocked.status_code == 302
    assert blocked["Location"] == f"{SETUP}?next=%2Fadmin%2F"

    page = client.get(blocked["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html and "Two-factor enrolment code" in html
    assert "<script" not in html.split("</header>")[-1]  # nothing inline in the page body
    assert "script-src 'self'" in page["Content-Security-Policy"]
    assert not re.search(r'(src|href)="https?://', html)  # the QR code is drawn here

    device = services.totp_device_start(user=editor)
    done = client.post(SETUP, {"token": code_for(device), "next": "/admin/"})

    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", done.content.decode())
    assert done.status_code == 200
    assert len(codes) == 10
    assert client.get(ADMIN).status_code == 200


def test_a_wrong_first_code_enrols_nothing(client, editor):
    log_in_with_password(client, editor)
    client.get(SETUP)

    response = client.post(SETUP, {"token": "000000"})

    assert response.status_code == 400
    assert "That code is not right" in response.content.decode()
    assert not services.two_factor_enrolled(user=editor)
    assert client.get(ADMIN).status_code == 302


def test_an_enrolled_editor_confirms_a_code_after_the_password(client, editor, clock):
    """A wrong code also holds the device back a moment (django-otp's throttling)."""
    device, _ = enrol(editor)
    log_in_with_password(client, editor)

    blocked = client.get(ADMIN)
    assert blocked["Location"] == f"{VERIFY}?next=%2Fadmin%2F"
    assert client.get("/admin/articles/article/").status_code == 302
    wrong = client.post(VERIFY, {"token": "123456"})
    assert wrong.status_code == 400
    assert client.get(ADMIN).status_code == 302
    next_step(clock)

    right = client.post(VERIFY, {"token": code_for(device), "next": "/admin/"})

    assert right.status_code == 302 and right["Location"] == "/admin/"
    assert client.get(ADMIN).status_code == 200


def test_a_recovery_code_lets_an_editor_in_once(client, editor, clock):
    _, codes = enrol(editor)
    log_in_with_password(client, editor)

    assert client.post(VERIFY, {"token": codes[0].upper()}).status_code == 302
    assert client.get(ADMIN).status_code == 200

    client.logout()
    log_in_with_password(client, editor)
    assert client.post(VERIFY, {"token": codes[0]}).status_code == 400
    next_step(clock)
    assert client.post(VERIFY, {"token": codes[0]}).status_code == 400
    assert client.get(ADMIN).status_code == 302


def test_a_stolen_password_cannot_enrol_a_new_device_for_an_enrolled_editor(client, editor):
    enrol(editor)
    log_in_with_password(client, editor)

    response = client.get(SETUP)

    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)
    assert client.post(SETUP, {"token": "123456"}).status_code == 302


def test_an_account_given_the_editors_permissions_directly_must_use_a_second_factor(client, writer):
    writer.groups.clear()
    writer.user_permissions.add(*Group.objects.get(name="Editors").permissions.all())
    log_in_with_password(client, writer)

    assert client.get(ADMIN)["Location"].startswith(SETUP)
    assert client.get("/admin/support/donor/")["Location"].startswith(SETUP)


def test_one_permission_beyond_the_writers_through_any_group_asks_for_a_second_factor(
    client, writer
):
    desk = Group.objects.create(name="Night desk")
    desk.permissions.add(Permission.objects.get(codename="view_donor"))
    writer.groups.add(desk)
    log_in_with_password(client, writer)

    assert client.get(ADMIN)["Location"].startswith(SETUP)


def test_a_superuser_outside_every_group_must_use_a_second_factor(client, django_user_model):
    root = django_user_model.objects.create_superuser(
        "root", "root@example.org", "a-long-editor-passphrase"
    )
    log_in_with_password(client, root)

    assert client.get(ADMIN)["Location"].startswith(SETUP)


def test_a_writer_who_enrolled_is_asked_for_the_code(client, writer, clock):
    device, _ = enrol(writer)
    log_in_with_password(client, writer)

    assert client.get(ADMIN)["Location"].startswith(VERIFY)
    assert client.post(VERIFY, {"token": code_for(device)}).status_code == 302
    assert client.get(ADMIN).status_code == 200


def test_writers_may_go_without_and_nobody_must_when_the_rule_is_off(
    client, writer, editor, settings
):
    client.force_login(writer)
    assert client.get(ADMIN).status_code == 200

    settings.TWO_FACTOR_REQUIRED = False
    client.force_login(editor)
    assert client.get(ADMIN).status_code == 200


def test_the_second_step_pages_are_for_staff_only(client, django_user_model):
    reader = django_user_model.objects.create_user("reader", password="a-long-passphrase-1")
    assert client.get(SETUP)["Location"].startswith("/admin/login/")

    client.force_login(reader)

    assert client.get(SETUP)["Location"].startswith("/admin/login/")
    assert client.get(VERIFY)["Location"].startswith("/admin/login/")


def test_an_offsite_next_address_is_not_followed(client, editor):
    device, _ = enrol(editor)
    log_in_with_password(client, editor)

    response = client.post(VERIFY, {"token": code_for(device), "next": "https://evil.example/"})

    assert response["Location"] == "/admin/"


def test_a_verified_editor_gets_new_recovery_codes_and_the_old_ones_stop_working(
    client, editor, clock
):
    device, old = enrol(editor)
    log_in_with_password(client, editor)
    client.post(VERIFY, {"token": code_for(device)})

    page = client.post(reverse("accounts:recovery"))

    new = re.findall(r"<li><code>([a-z2-7]+)</code></li>", page.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert services.two_factor_verify(user=editor, token=old[1]) is None
