import uuid

import pytest

from tests.processes import ARTIFACTS, celery_command, child_env, running
from tests.stripe_fixtures import stripe_server, stripe_server_process  # noqa: F401
from tests.tiers import (  # noqa: F401 (the tiers; test processes side by side)
    pytest_collection_modifyitems,
    pytest_configure,
    pytest_unconfigure,
)


@pytest.fixture
def celery_queue():
    """A queue of this test's own: the tasks it sends go there, and its worker reads only it."""
    from newsroom.celery import app

    queue = f"test-{uuid.uuid4().hex[:12]}"
    default_queue = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    yield queue
    app.conf.task_default_queue = default_queue


@pytest.fixture
def celery_worker_process(transactional_db, django_db_serialized_rollback, celery_queue):
    """A real `celery worker` process on the configured broker, stopped afterwards."""
    args = celery_command(
        "worker",
        "--pool=solo",
        "--loglevel=INFO",
        "--without-mingle",
        "--without-gossip",
        "--hostname",
        f"{celery_queue}@%h",
        "--queues",
        celery_queue,
    )
    env = child_env(EMAIL_URL="consolemail://", TEST_CELERY_QUEUE=celery_queue)
    with running(args, ARTIFACTS / "celery-worker.log", env) as proc:
        yield proc


@pytest.fixture(autouse=True)
def cheap_password_hashing(settings):
    """Many tests make users with passwords; a hash costs a fraction of a second of CPU each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def celery_runs_tasks_inline(request):
    """Run tasks in-process unless the test starts a real worker."""
    from newsroom.celery import app

    if "celery_worker_process" in request.fixturenames:
        yield
        return
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager = False


@pytest.fixture(autouse=True)
def empty_caches():
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
    yield


@pytest.fixture
def drawn_templates():
    """The names of the templates drawn while the test runs, in order."""
    from django.test.signals import template_rendered

    names = []

    def drawn(sender, template, **kwargs):
        names.append(template.name)

    template_rendered.connect(drawn)
    yield names
    template_rendered.disconnect(drawn)


@pytest.fixture
def celery_beat_process(celery_worker_process, celery_queue, tmp_path):
    """A real `celery beat` beside the worker, dispatching reminders every second."""
    args = celery_command(
        "beat", "--loglevel=INFO", "--schedule", str(tmp_path / "celerybeat-schedule")
    )
    env = child_env(REMINDER_DISPATCH_SECONDS="1", TEST_CELERY_QUEUE=celery_queue)
    with running(args, ARTIFACTS / "celery-beat.log", env) as proc:
        yield proc


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """Let serialized rollback work on every connection wrapper, not only the first.

    Playwright's sync API runs tests inside a greenlet, where Django's context-local
    connection handler hands out a fresh wrapper that lacks the test database's serialized
    contents; transactional tests would then lose the rows data migrations made (groups,
    appeals). Keeping the contents on the wrapper class makes every wrapper see them.
    """
    from django.db import connections

    for connection in connections.all():
        contents = getattr(connection, "_test_serialized_contents", None)
        if contents is not None:
            type(connection)._test_serialized_contents = contents
    yield


@pytest.fixture
def fake_youtube(settings):
    """A local fake oEmbed server standing in for YouTube: embeds resolve with no network."""
    from tests.articles.fake_oembed import fake_provider

    with fake_provider() as fake:
        settings.EMBED_TEST_ALLOW_LOCAL = True
        settings.EMBED_TEST_PROVIDERS = fake.settings_for("youtube")
        yield fake
