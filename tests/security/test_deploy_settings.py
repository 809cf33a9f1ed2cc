import json
import subprocess
import sys

import pytest
from django.test import Client

from tests.processes import PROJECT_DIR

PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "y" * 60 + "-production-like-secret",
    "ALLOWED_HOSTS": "news.example.org",
    "SITE_URL": "https://news.example.org",
    "DEFAULT_FROM_EMAIL": "newsroom@news.example.org",
    "PATH": "/usr/bin:/bin",
}
SHOW = (
    "import json; from django.conf import settings as s; print(json.dumps({n: getattr(s, n)"
    " for n in ['SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_HSTS_PRELOAD',"
    " 'SECURE_SSL_REDIRECT', 'SESSION_COOKIE_SECURE', 'SESSION_COOKIE_HTTPONLY',"
    " 'CSRF_COOKIE_SECURE', 'SECURE_PROXY_SSL_HEADER', 'DEBUG', 'COOKIES_SECURE',"
    " 'TWO_FACTOR_REQUIRED']}))"
)


def production_settings(**extra) -> dict:
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SHOW],
        cwd=PROJECT_DIR,
        env={**PRODUCTION_ENV, **extra},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.command
def test_production_settings_turn_on_hsts_https_and_secure_httponly_cookies():
    values = production_settings()

    assert values["DEBUG"] is False
    assert values["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] and values["SECURE_HSTS_PRELOAD"]
    assert values["SECURE_SSL_REDIRECT"]
    assert values["SESSION_COOKIE_SECURE"] and values["SESSION_COOKIE_HTTPONLY"]
    assert values["CSRF_COOKIE_SECURE"]
    assert values["COOKIES_SECURE"]  # the site's own appeal_state cookie
    assert values["SECURE_PROXY_SSL_HEADER"] is None


@pytest.mark.command
def test_production_settings_require_a_second_factor_of_editors():
    assert production_settings()["TWO_FACTOR_REQUIRED"] is True


@pytest.mark.command
def test_the_proxy_header_is_trusted_only_when_the_setting_says_so():
    values = production_settings(TRUST_X_FORWARDED_PROTO="1")

    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


@pytest.fixture
def behind_a_proxy(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


@pytest.mark.django_db
def test_behind_the_proxy_https_requests_get_hsts_and_plain_http_is_redirected(behind_a_proxy):
    client = Client()

    plain = client.get("/robots.txt", HTTP_X_FORWARDED_PROTO="http")
    secure = client.get("/robots.txt", HTTP_X_FORWARDED_PROTO="https")

    assert plain.status_code == 301
    assert plain["Location"] == "https://testserver/robots.txt"
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"].startswith("max-age=31536000")
