import json
import re
import subprocess
import sys

import pytest

from tests.processes import PROJECT_DIR

PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "x" * 60 + "-production-like-secret",
    "ALLOWED_HOSTS": "news.example.org",
    "SITE_URL": "https://news.example.org",
    "DEFAULT_FROM_EMAIL": "newsroom@news.example.org",
    "PATH": "/usr/bin:/bin",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.command
@pytest.mark.parametrize(
    "missing", ["SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL", "DEFAULT_FROM_EMAIL"]
)
def test_a_production_start_without_a_required_variable_fails_naming_it(missing):
    env = {**PRODUCTION_ENV, missing: ""}

    result = manage("check", **env)

    assert result.returncode != 0
    assert f"{missing} must be set when DEBUG is off" in result.stderr


@pytest.mark.command
def test_check_deploy_with_production_like_variables_prints_no_warnings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.command
def test_importing_the_celery_app_reads_no_django_setting():
    code = (
        "import newsroom.celery\n"
        "from django.conf import settings\n"
        "assert not settings.configured, 'newsroom.celery configured the settings'\n"
        "print('unconfigured')\n"
    )
    env = {**PRODUCTION_ENV, "SECRET_KEY": "", "DJANGO_SETTINGS_MODULE": "newsroom.settings"}

    # With SECRET_KEY empty, building production settings would fail: importing must not.
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_DIR, env=env, capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "unconfigured"


@pytest.mark.command
def test_a_settings_module_that_imports_the_projects_settings_starts(tmp_path):
    (tmp_path / "site_settings.py").write_text(
        "from newsroom.settings import *  # noqa\nSITE_NAME = 'Local News'\n"
    )
    env = {**PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE": "site_settings",
           "PYTHONPATH": f"{tmp_path}:{PROJECT_DIR}"}  # fmt: skip

    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c",
         "from django.conf import settings; print(settings.SITE_NAME)"],
        cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "Local News"


def test_beat_takes_its_schedule_from_the_settings(settings):
    from newsroom.celery import app

    assert app.conf.beat_schedule == settings.CELERY_BEAT_SCHEDULE
    assert set(settings.CELERY_BEAT_SCHEDULE) == {
        "health-ping", "dispatch-due-reminders", "sweep-support-work", "swap-expired-hero-photos",
        "sweep-photo-renditions", "publish-due-stories", "send-queued-purges",
        "sweep-pending-uploads", "sweep-outbox", "sweep-reader-links", "send-care-emails",
        "newsletters-due-and-swept",
        "fold-appeal-counts", "refresh-appeal-weights", "roll-up-appeal-counts",
    }  # fmt: skip


def test_every_variable_the_settings_read_is_listed_at_their_top_and_in_env_example():
    source = (PROJECT_DIR / "newsroom" / "settings.py").read_text()
    read = set(re.findall(r'(?:env(?:\.\w+)?|_required)\(\s*"([A-Z][A-Z0-9_]+)"', source))
    docstring = source.split('"""')[1]
    example = (PROJECT_DIR / ".env.example").read_text()

    assert {"SITE_URL", "TRUSTED_PROXY_COUNT", "S3_BUCKET"} <= read
    assert {name for name in read if name not in docstring} == set()
    assert {name for name in read if f"\n{name}=" not in example} == set()


@pytest.mark.command
def test_media_can_live_on_s3_compatible_storage_by_setting_variables_alone():
    show = (
        "import json; from django.conf import settings as s; "
        "print(json.dumps([s.STORAGES['default'], s.MEDIA_URL]))"
    )
    env = {
        **PRODUCTION_ENV,
        "MEDIA_STORAGE_BACKEND": "storages.backends.s3.S3Storage",
        "S3_BUCKET": "newsroom-media",
        "S3_ENDPOINT_URL": "https://objects.example.net",
        "S3_CUSTOM_DOMAIN": "media.news.example.org",
        "MEDIA_URL": "https://media.news.example.org/",
    }

    result = manage("shell", "-c", show, **env)

    assert result.returncode == 0, result.stderr
    storage, media_url = json.loads(result.stdout.strip().splitlines()[-1])
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"]["bucket_name"] == "newsroom-media"
    assert storage["OPTIONS"]["endpoint_url"] == "https://objects.example.net"
    assert storage["OPTIONS"]["custom_domain"] == "media.news.example.org"
    assert storage["OPTIONS"]["querystring_auth"] is False
    assert media_url == "https://media.news.example.org/"
