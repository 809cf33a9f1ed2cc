from urllib.parse import urlsplit

import pytest

from newsroom.security import STRIPE_CHECKOUT_ORIGIN

pytestmark = pytest.mark.django_db


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


def test_every_reader_page_allows_only_its_own_origin_and_no_inline_code(client, reader_pages):
    for url in reader_pages:
        response = client.get(url)
        policy = directives(response)

        assert response.status_code in (200, 404), url
        assert policy["default-src"] == ["'self'"], url
        assert policy["script-src"] == ["'self'"], url
        assert policy["style-src"] == ["'self'"], url
        assert policy["img-src"] == ["'self'"], url
        assert policy["object-src"] == ["'none'"], url
        assert policy["frame-ancestors"] == ["'none'"], url
        header = response["Content-Security-Policy"]
        assert "unsafe-inline" not in header and "nonce-" not in header, url


def test_every_reader_page_sends_the_other_protective_headers(client, reader_pages):
    for url in reader_pages:
        response = client.get(url)

        assert response["X-Content-Type-Options"] == "nosniff", url
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin", url
        assert response["X-Frame-Options"] == "DENY", url
        permissions = response["Permissions-Policy"]
        for feature in ("camera=()", "geolocation=()", "microphone=()", "browsing-topics=()"):
            assert feature in permissions, url


def test_a_page_from_the_page_cache_carries_the_same_policy_as_a_fresh_one(client, story):
    fresh = client.get(story.get_absolute_url())
    cached = client.get(story.get_absolute_url())

    assert fresh.content == cached.content
    assert fresh["ETag"] == cached["ETag"]
    assert fresh["Content-Security-Policy"] == cached["Content-Security-Policy"]


def test_the_policy_lets_the_support_form_lead_to_stripe_checkout(client, stripe_server):
    response = client.post("/support/", {"frequency": "monthly", "amount": "2"})

    assert response.status_code == 303
    location = urlsplit(response["Location"])
    allowed = directives(client.get("/support/"))["form-action"]
    assert f"{location.scheme}://{location.netloc}" in allowed
    assert STRIPE_CHECKOUT_ORIGIN in allowed
    assert "'self'" in allowed


def test_without_a_local_stripe_server_only_stripe_checkout_is_an_outside_form_target(
    client, settings
):
    settings.STRIPE_API_BASE = ""

    allowed = directives(client.get("/support/"))["form-action"]

    assert allowed == ["'self'", STRIPE_CHECKOUT_ORIGIN]


def test_error_and_admin_pages_get_the_policy_too(client):
    for url in ("/admin/login/", "/no-such-page/", "/healthz"):
        assert "default-src 'self'" in client.get(url)["Content-Security-Policy"], url
