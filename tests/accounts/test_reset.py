"""A lost phone: a colleague's device reset, by a superuser or for an account that can do less."""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
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


def superuser(username):
    return get_user_model().objects.create_superuser(
        username, f"{username}@example.org", "a-long-editor-passphrase"
    )


def test_an_editor_resets_a_writers_lost_device(client, editor, writer):
    enrol(writer)
    verified(client, editor)

    page = client.get(RESET).content.decode()
    assert "Reset writer" in page and "Reset editor" not in page
    response = client.post(RESET, {"user": writer.pk})

    assert response.status_code == 302
    assert not services.two_factor_enrolled(user=writer)
    assert services.two_factor_enrolled(user=editor)


def test_a_superuser_resets_an_editors_device_and_the_editor_enrols_again(client, editor):
    enrol(editor)
    verified(client, superuser("root"))

    assert client.post(RESET, {"user": editor.pk}).status_code == 302

    assert not services.two_factor_enrolled(user=editor)
    client.force_login(editor)
    assert client.get("/admin/")["Location"].startswith(reverse("accounts:setup"))


def test_a_superuser_resets_another_superusers_device(client):
    other = superuser("other-root")
    enrol(other)
    verified(client, superuser("root"))

    assert "Reset other-root" in client.get(RESET).content.decode()
    assert client.post(RESET, {"user": other.pk}).status_code == 302
    assert not services.two_factor_enrolled(user=other)


def test_an_editor_neither_sees_nor_resets_a_superusers_device(client, editor):
    root = superuser("root")
    enrol(root)
    verified(client, editor)

    page = client.get(RESET).content.decode()
    response = client.post(RESET, {"user": root.pk})

    assert "root" not in page.split("<tbody>")[1]
    assert response.status_code == 400
    assert "Choose a colleague" in response.content.decode()
    assert services.two_factor_enrolled(user=root)


def test_an_editor_cannot_reset_another_editors_device(client, editor):
    colleague = staff("colleague", "Editors")
    enrol(colleague)
    verified(client, editor)

    assert "colleague" not in client.get(RESET).content.decode().split("<tbody>")[1]
    assert client.post(RESET, {"user": colleague.pk}).status_code == 400
    assert services.two_factor_enrolled(user=colleague)


def test_an_editor_cannot_reset_an_account_that_holds_a_permission_the_editor_lacks(
    client, editor, writer
):
    writer.user_permissions.add(Permission.objects.get(codename="change_user"))
    enrol(writer)
    verified(client, editor)

    response = client.post(RESET, {"user": writer.pk})

    assert response.status_code == 400
    assert services.two_factor_enrolled(user=writer)


def test_the_right_to_reset_comes_from_permissions_not_from_a_groups_name(client, writer):
    desk = staff("desk", "Writers")
    desk.groups.clear()
    desk.user_permissions.add(*Group.objects.get(name="Editors").permissions.all())
    enrol(writer)
    verified(client, desk)

    assert client.post(RESET, {"user": writer.pk}).status_code == 302
    assert not services.two_factor_enrolled(user=writer)


def test_every_reset_is_emailed_to_the_account_and_kept_in_the_admins_log(
    client, editor, django_capture_on_commit_callbacks, mailoutbox
):
    editor.email = "editor@example.org"
    editor.save()
    enrol(editor)
    root = verified(client, superuser("root"))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(RESET, {"user": editor.pk}, follow=True)

    assert "They have been emailed" in response.content.decode()
    (email,) = mailoutbox
    assert email.to == ["editor@example.org"]
    assert "root reset the two-factor authentication" in email.body
    assert "tell a superuser at once" in email.body
    entry = LogEntry.objects.get(object_id=str(editor.pk))
    assert entry.user == root
    assert entry.change_message == services.RESET_MESSAGE
    history = client.get(reverse("admin:auth_user_history", args=[editor.pk])).content.decode()
    assert "Reset two-factor authentication" in history


def test_a_reset_of_an_account_without_an_email_address_says_so(
    client, editor, writer, django_capture_on_commit_callbacks, mailoutbox
):
    enrol(writer)
    verified(client, editor)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(RESET, {"user": writer.pk}, follow=True)

    assert "no email address here: tell them yourself" in response.content.decode()
    assert mailoutbox == []
    assert LogEntry.objects.filter(object_id=str(writer.pk)).exists()


@pytest.mark.parametrize(
    "chosen", ["self", "", "abc", "99999", "1 OR 1=1", "²", "99999999999999999999", "-1"]
)
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


def test_an_editor_who_has_not_confirmed_a_code_is_sent_to_do_so_first(client, editor, writer):
    enrol(writer)
    enrol(editor)
    client.force_login(editor)

    response = client.post(RESET, {"user": writer.pk})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:verify"))
    assert services.two_factor_enrolled(user=writer)
