"""The compose stack commits no usable secret, and Mailpit is for this machine only."""

import re
import subprocess
import sys

import pytest
import yaml

from tests.processes import PROJECT_DIR

COMPOSE = yaml.safe_load((PROJECT_DIR / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
APP_SERVICES = ("migrate", "web", "worker", "beat")
# Compose's "${NAME:?message}": the stack refuses to start while NAME is unset or empty.
REQUIRED = re.compile(r"\$\{(\w+):\?[^}]+\}")

PRODUCTION_ENV = {
    "DEBUG": "0",
    "ALLOWED_HOSTS": "news.example.org",
    "SITE_URL": "https://news.example.org",
    "DEFAULT_FROM_EMAIL": "newsroom@news.example.org",
    "PATH": "/usr/bin:/bin",
}
OLD_COMPOSE_KEY = "compose-demo-secret-change-me-0123456789-abcdefghijklmnopqrstuvwxyz"


def compose_env() -> dict[str, str]:
    lines = (PROJECT_DIR / "compose.env").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def test_compose_env_holds_no_secret_key():
    assert "SECRET_KEY" not in compose_env()


@pytest.mark.parametrize("name", APP_SERVICES)
def test_the_app_takes_its_secret_key_from_outside_the_repository_or_does_not_start(name):
    value = SERVICES[name]["environment"]["SECRET_KEY"]

    assert REQUIRED.fullmatch(value).group(1) == "SECRET_KEY"


def test_mailpit_is_published_on_this_machine_only_and_asks_for_a_password():
    mailpit = SERVICES["mailpit"]

    assert mailpit["ports"] and all(p.startswith("127.0.0.1:") for p in mailpit["ports"])
    user, _, password = mailpit["environment"]["MP_UI_AUTH"].partition(":")
    assert user and REQUIRED.fullmatch(password).group(1) == "MAILPIT_PASSWORD"


@pytest.mark.parametrize("key", [OLD_COMPOSE_KEY, "dev-only-insecure-key-never-use-in-production"])
def test_a_published_secret_key_is_refused_by_a_production_start_and_check_deploy(key):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=PROJECT_DIR,
        env={**PRODUCTION_ENV, "SECRET_KEY": key},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode != 0
    assert "SECRET_KEY is a published example" in result.stderr


def test_production_refuses_two_proxies_without_their_networks():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=PROJECT_DIR,
        env={**PRODUCTION_ENV, "SECRET_KEY": "k" * 60, "TRUSTED_PROXY_COUNT": "2"},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode != 0
    assert "TRUSTED_PROXY_NETWORKS must list the proxies' networks" in result.stderr


@pytest.mark.parametrize(
    "name, value", [("CHECKOUT_SITE_RATE_LIMIT", "lots"), ("CLIENT_NETWORK_IPV6_PREFIX", "200")]
)
def test_a_limit_setting_that_makes_no_sense_stops_the_start(name, value):
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=PROJECT_DIR,
        env={**PRODUCTION_ENV, "SECRET_KEY": "k" * 60, name: value},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode != 0
    assert name in result.stderr
