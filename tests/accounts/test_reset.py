"""A lost phone: another Editor resets the device from the reset page."""

import pytest
from django.urls import reverse

from accounts import services
from tests.accounts.conftest import code_for, enrol, staff

pytestmark = pytest.mark.django_db

RESET = reverse("accounts:reset")


def verified(client, user):
    device, _ = enrol(user)
    client.force_login(user)
    assert client.post(reverse("accounts:verify"), {"token": code_for(device)}).status_code == 302
    return user


def test_an_editor_resets_a_colleagues_lost_device_and_the_colleague_enrols_again(client, editor):
    colleague = staff("colleague", "Editors")
    enrol(colleague)
    verified(client, editor)

    page = client.get(RESET).content.decode()
    assert "Reset colleague" in page and "Reset editor" not in page
    response = client.post(RESET, {"user": colleague.pk})

    assert response.status_code == 302
    assert not services.two_factor_enrolled(user=colleague)
    assert services.two_factor_enrolled(user=editor)
    client.force_login(colleague)
    assert client.get("/admin/")["Location"].startswith(reverse("accounts:setup"))


@pytest.mark.parametrize("chosen", ["self", "", "abc", "99999", "1 OR 1=1"])
def test_an_editor_cannot_reset_their_own_device_or_a_made_up_one(client, editor, chosen):
    verified(client, editor)
    value = str(editor.pk) if chosen == "self" else chosen

    response = client.post(RESET, {"user": value})

    assert response.status_code == 400
    assert "Choose a colleague" in response.content.decode()
    assert services.two_factor_enrolled(user=editor)


def test_a_writer_cannot_reset_anyones_device(client, writer, editor):
    enrol(editor)
    verified(client, writer)

    response = client.post(RESET, {"user": editor.pk})

    assert response.status_code == 403
    assert services.two_factor_enrolled(user=editor)


def test_an_editor_who_has_not_confirmed_a_code_is_sent_to_do_so_first(client, editor):
    colleague = staff("colleague", "Editors")
    enrol(colleague)
    enrol(editor)
    client.force_login(editor)

    response = client.post(RESET, {"user": colleague.pk})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:verify"))
    assert services.two_factor_enrolled(user=colleague)
