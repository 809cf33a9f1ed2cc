import datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"
PASSWORD = "a-long-editor-passphrase"


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def editor():
    return get_user_model().objects.create_user(
        username="editor", password=PASSWORD, is_staff=True, is_superuser=True
    )


def attempt(client, password, username="editor", ip="203.0.113.7"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_a_password_spray_from_one_address_is_locked_out_after_five_failures(client, editor):
    codes = [attempt(client, "guess", username=f"user{n}").status_code for n in range(5)]

    assert codes == [200, 200, 200, 200, 429]
    locked = attempt(client, PASSWORD)
    assert locked.status_code == 429
    assert "Too many login attempts" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_stranger_guessing_an_editors_password_cannot_lock_the_editor_out(client, editor):
    for _ in range(10):
        attempt(client, "guess", ip="198.51.100.66")

    assert attempt(client, PASSWORD, ip="198.51.100.66").status_code == 429
    assert attempt(client, PASSWORD, ip="203.0.113.7").status_code == 302


def test_guesses_spread_over_many_addresses_lock_none_of_them_out_for_the_editor(client, editor):
    for n in range(20):
        attempt(client, "guess", ip=f"198.51.100.{n + 10}")

    response = attempt(client, PASSWORD, ip="203.0.113.7")

    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_behind_the_proxy_a_strangers_failures_do_not_lock_the_editor_sharing_it(
    client, editor, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"

    for _ in range(5):
        client.post(
            LOGIN, {"username": "editor", "password": "guess"},
            REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.66",
        )  # fmt: skip
    editor_login = client.post(
        LOGIN, {"username": "editor", "password": PASSWORD},
        REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.7",
    )  # fmt: skip

    assert editor_login.status_code == 302


def test_the_lockout_ends_after_an_hour(client, editor):
    for _ in range(5):
        attempt(client, "guess")

    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=61)):
        response = attempt(client, PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_a_successful_login_clears_earlier_failures(client, editor):
    for _ in range(4):
        attempt(client, "guess")
    assert attempt(client, PASSWORD).status_code == 302
    client.logout()

    for _ in range(4):
        assert attempt(client, "guess").status_code == 200
    assert attempt(client, PASSWORD).status_code == 302


@pytest.mark.parametrize(
    "password", ["short-pw-1", "password1234", "123456789012", "editor-smith-2024"]
)
def test_weak_staff_passwords_are_refused(password):
    user = get_user_model()(username="editor-smith-2024", email="smith@example.org")

    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_the_admin_refuses_to_create_a_staff_account_with_a_weak_password(client, editor):
    client.force_login(editor)

    response = client.post(
        "/admin/auth/user/add/",
        {"username": "writer", "password1": "password", "password2": "password",
         "usable_password": "true"},
    )  # fmt: skip

    assert response.status_code == 200
    assert "This password is too short" in response.content.decode()
    assert not get_user_model().objects.filter(username="writer").exists()


def test_one_ipv6_network_cannot_step_through_its_addresses_past_the_lockout(client, editor):
    codes = [
        attempt(client, "guess", ip=f"2001:db8:1:2:{n:x}::{n:x}").status_code for n in range(12)
    ]

    assert codes[:4] == [200] * 4
    assert set(codes[4:]) == {429}
    assert attempt(client, PASSWORD, ip="2001:db8:1:2:ffff::1").status_code == 429
    assert attempt(client, PASSWORD, ip="2001:db8:1:3::1").status_code == 302


def test_a_good_login_to_ones_own_account_does_not_forgive_guesses_at_another(client, editor):
    get_user_model().objects.create_user(username="writer", password=PASSWORD, is_staff=True)
    codes = []
    for _ in range(3):
        codes += [attempt(client, "guess").status_code for _ in range(2)]
        assert attempt(client, PASSWORD, username="writer").status_code in (302, 429)
        client.logout()

    assert codes[:4] == [200] * 4
    assert codes[4:] == [429, 429]
    assert attempt(client, PASSWORD).status_code == 429


def test_a_good_login_still_clears_the_users_own_typos(client, editor):
    for _ in range(4):
        attempt(client, "typo")
    assert attempt(client, PASSWORD).status_code == 302
    client.logout()

    assert [attempt(client, "typo").status_code for _ in range(4)] == [200] * 4
    assert attempt(client, PASSWORD).status_code == 302


def test_behind_a_cdn_a_client_reaching_the_proxy_directly_is_locked_out_by_its_own_address(
    client, editor, settings
):
    settings.TRUSTED_PROXY_COUNT = 2
    settings.TRUSTED_PROXY_NETWORKS = ["10.0.0.0/8", "192.0.2.0/24"]  # the proxy, the CDN

    codes = [
        client.post(
            LOGIN, {"username": "editor", "password": "guess"},
            REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=f"{n}.{n}.{n}.{n}, 198.51.100.66",
        ).status_code
        for n in range(1, 8)
    ]  # fmt: skip
    through_the_cdn = client.post(
        LOGIN, {"username": "editor", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.7, 192.0.2.10",
    )  # fmt: skip

    assert codes == [200] * 4 + [429] * 3
    assert through_the_cdn.status_code == 302
