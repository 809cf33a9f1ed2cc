"""In production every cookie the site sets is Secure: Django's and the site's own."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def production_cookies(settings):
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    settings.COOKIES_SECURE = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_with_production_settings_every_cookie_is_secure(
    client, production_cookies, give, stripe_server
):
    seen = {}
    seen.update(client.get(reverse("support:give")).cookies)
    seen.update(client.post(reverse("support:remind"), {"when": "week"}).cookies)
    _, donation = give()
    stripe_server.pay(donation.stripe_checkout_session_id, "4242424242424242")
    thanks = client.get(
        reverse("support:thanks"), {"session_id": donation.stripe_checkout_session_id}
    )
    get_user_model().objects.create_user("editor", password="a-long-passphrase", is_staff=True)
    login = client.post("/admin/login/", {"username": "editor", "password": "a-long-passphrase"})

    assert thanks.cookies["appeal_state"].value  # the thank-you page's cookie
    seen.update(thanks.cookies)
    seen.update(login.cookies)
    assert {"csrftoken", "appeal_state", "sessionid"} <= set(seen)
    assert {name for name, morsel in seen.items() if not morsel["secure"]} == set()
