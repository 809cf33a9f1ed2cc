"""Start and stop the real processes some tests need (a Celery worker, beat)."""

import json
import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

PROJECT_DIR = Path(__file__).resolve().parent.parent
# Children's logs; a folder per pytest-xdist worker (gw0, gw1...), so workers never share one.
ARTIFACTS = PROJECT_DIR / "test-artifacts" / os.environ.get("PYTEST_XDIST_WORKER", "")


def test_database_url() -> str:
    """Return a DATABASE_URL naming the database the test run is using."""
    db = settings.DATABASES["default"]
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] or ""
    if db.get("PASSWORD"):
        auth += f":{db['PASSWORD']}"
    host = db["HOST"] or "127.0.0.1"
    return f"postgres://{auth}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


def child_env(**extra: str) -> dict[str, str]:
    """The environment of a process a test starts: this test process's database and cache.

    tests.process_settings gives it this process's cache keys (tests/conftest.py) and, with
    TEST_CELERY_QUEUE, the Celery queue of the test that started it.
    """
    cache = settings.CACHES["default"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.process_settings",
        "DATABASE_URL": test_database_url(),
        "TEST_CACHE": json.dumps({k: cache[k] for k in ("LOCATION", "KEY_PREFIX") if k in cache}),
        # The test's media folder: a worker reads the uploads the test made.
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "PYTHONUNBUFFERED": "1",
        "TESTING": "1",
    }
    env.pop("DEBUG", None)
    env.update(extra)
    return env


@contextmanager
def running(args: list[str], log_path: Path, env: dict[str, str]):
    """Run a child process for the length of the block, then stop it."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            args, cwd=PROJECT_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        proc.log_path = log_path
        try:
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def celery_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "celery", "-A", "newsroom", *args]


def wait_for_result(result, proc, timeout: float = 60):
    """Return a task's result, failing fast if the worker process died.

    The test is not a task, so it may wait on one. Celery keeps "we are inside a task" in one
    flag per process, which eager tasks set and put back as they run: two of them at once on
    a live server's threads (a browser test earlier in this process) can leave it set, and
    every later `result.get()` here would refuse to wait.
    """
    import time

    from celery.exceptions import TimeoutError as CeleryTimeout
    from celery.result import allow_join_result

    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise AssertionError(f"worker exited with {proc.returncode}; see its log")
        try:
            with allow_join_result():
                return result.get(timeout=1)
        except CeleryTimeout:
            if time.monotonic() > deadline:
                raise
