"""The two tiers of the suite, and test processes running side by side (README, "Tests").

`make test` runs the tests that stay in this process: no browser, no child process. `make
test-all` adds every test marked `full` here, decided from what a test uses (the local
Stripe server, a Celery worker, a live server, Chromium) or where it lives (tests/browser,
tests/drills, tests/bench); only a test running a command is marked by hand (`command`).

pytest-xdist runs workers side by side, and two runs may share a machine: each test process
has its own database (newsroom/settings.py names the SQLite file by process; pytest-django
adds the worker's suffix), its own cache (a folder, or a Redis key prefix: below), its own
log folder (tests/processes.py) and, in each worker test, its own Celery queue
(tests/conftest.py).
"""

import os
import shutil
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
FULL_TIER_FIXTURES = {
    "stripe_server_process": "stripe",
    "celery_worker_process": "worker",
    "browser": "browser",
    "live_server": None,  # serves on a real port: the full tier, under no mark of its own
}
FULL_TIER_FOLDERS = {"browser": "browser", "drills": "drill", "bench": "bench"}
FULL_TIER_MARKS = {"browser", "worker", "stripe", "command", "drill", "bench", "alone"}


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by mark
def pytest_collection_modifyitems(items):
    for item in items:
        _refuse_plain_flush(item)
        folder = item.path.relative_to(TESTS).parts[0] if item.path.is_relative_to(TESTS) else ""
        uses = [name for name in item.fixturenames if name in FULL_TIER_FIXTURES]
        marks = {FULL_TIER_FOLDERS.get(folder), *(FULL_TIER_FIXTURES[name] for name in uses)}
        marks.discard(None)
        for mark in marks:
            item.add_marker(mark)
        if uses or marks or FULL_TIER_MARKS & {mark.name for mark in item.iter_markers()}:
            item.add_marker("full")


def _refuse_plain_flush(item):
    """Every transactional test restores the database's serialized contents: a plain flush
    makes the content types anew under other ids, and the next test that restores them then
    fails on a duplicate key, in whichever test process the two happen to share."""
    for mark in item.iter_markers("django_db"):
        if mark.kwargs.get("transaction") and not mark.kwargs.get("serialized_rollback"):
            raise pytest.UsageError(
                f"{item.nodeid}: django_db(transaction=True) needs serialized_rollback=True"
            )


def pytest_configure(config):
    """Give this process a cache of its own: a folder, or a Redis key prefix."""
    from django.conf import settings
    from django.core.cache import caches

    from tests.cache import with_own_keys

    cache = settings.CACHES["default"]
    own = f"test-{os.getpid()}"
    if cache["BACKEND"].endswith("FileBasedCache"):
        cache["LOCATION"] = f"{str(cache['LOCATION']).rstrip('/')}-{own}"
    elif cache["BACKEND"] != (backend := with_own_keys(cache["BACKEND"])):  # Redis
        cache["BACKEND"] = backend
        cache["KEY_PREFIX"] = f"{cache.get('KEY_PREFIX') or ''}{own}"
    caches.__dict__.pop("settings", None)  # read again on first use


def pytest_unconfigure(config):
    from django.conf import settings
    from django.core.cache import cache

    cache.clear()
    if settings.CACHES["default"]["BACKEND"].endswith("FileBasedCache"):
        shutil.rmtree(settings.CACHES["default"]["LOCATION"], ignore_errors=True)
