"""A lost phone: another Editor resets the device from the list of users."""

import pytest

from accounts import services
from tests.accounts.conftest import code_for, enrol, staff

pytestmark = pytest.mark.django_db

USERS = "/admin/auth/user/"


def verified(client, user):
    device, _ = enrol(user)
    client.force_login(user)
    assert client.post("/admin/2fa/verify/", {"token": code_for(device)}).status_code == 302
    return user


def reset(client, *users):
    return client.post(
        USERS, {"action": "reset_two_factor", "_selected_action": [u.pk for u in users]}
    )


def test_an_editor_resets_a_colleagues_lost_device_and_the_colleague_enrols_again(client, editor):
    colleague = staff("colleague", "Editors")
    enrol(colleague)
    verified(client, editor)

    page = client.get(USERS)
    assert "Reset two-factor authentication" in page.content.decode()
    response = reset(client, colleague)

    assert response.status_code == 302
    assert not services.two_factor_enrolled(user=colleague)
    assert services.two_factor_enrolled(user=editor)  # not the one who pressed it
    client.force_login(colleague)
    assert client.get("/admin/")["Location"].startswith("/admin/2fa/setup/")


def test_an_editor_cannot_reset_their_own_device(client, editor):
    verified(client, editor)

    reset(client, editor)

    assert services.two_factor_enrolled(user=editor)


def test_a_writer_cannot_reset_anyones_device(client, writer, editor):
    enrol(editor)
    client.force_login(writer)

    response = reset(client, editor)

    assert response.status_code == 403
    assert services.two_factor_enrolled(user=editor)
