import socket
import sys
import time
import uuid
from contextlib import contextmanager

import pytest
import requests

from tests.conftest import ARTIFACTS
from tests.processes import celery_command, child_env, running
from tests.support.conftest import deliver, give  # noqa: F401

DOWN_BROKER = "redis://127.0.0.1:1/0"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(condition, *, timeout: float, procs=(), what="the condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for proc in procs:
            assert proc.poll() is None, f"a child process died; see {ARTIFACTS}/"
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


@contextmanager
def web_server(name: str, **env: str):
    """Serve the project with gunicorn against the test database; yield its base URL."""
    port = free_port()
    args = [sys.executable, "-m", "gunicorn", "newsroom.wsgi:application"]
    args += ["--bind", f"127.0.0.1:{port}", "--workers", "2", "--timeout", "60"]
    url = f"http://127.0.0.1:{port}"
    with running(args, ARTIFACTS / f"{name}.log", child_env(**env)) as proc:

        def answering():
            try:
                return requests.get(f"{url}/robots.txt", timeout=5).status_code == 200
            except requests.RequestException:
                return False

        wait_until(answering, timeout=30, procs=[proc], what="gunicorn to answer")
        yield url, proc


@pytest.fixture
def real_broker():
    """Send tasks through the configured broker, on a queue of this test's own.

    Other test runs on the machine may share the broker; a queue of its own keeps their
    workers from taking this test's messages, and this test's workers from taking theirs.
    """
    from newsroom.celery import app

    queue = f"drill-{uuid.uuid4().hex[:12]}"
    default_queue = app.conf.task_default_queue
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    yield queue
    app.conf.task_default_queue = default_queue


@contextmanager
def worker(name: str, queue: str, **env: str):
    """A real Celery worker on the queue that sends mail with the drills' recording backend."""
    args = celery_command(
        "worker", "--pool=solo", "--loglevel=INFO", "--without-mingle", "--without-gossip",
        "--hostname", f"{name}-{time.monotonic_ns()}@%h", "--queues", queue,
    )  # fmt: skip
    env = child_env(DJANGO_SETTINGS_MODULE="tests.drills.worker_settings", DRILL_QUEUE=queue, **env)
    with running(args, ARTIFACTS / f"{name}.log", env) as proc:
        yield proc


@pytest.fixture
def mail_file(tmp_path):
    return tmp_path / "sent-mail.txt"


def sent_to(mail_file) -> list[str]:
    return (
        [line.split("\t")[0] for line in mail_file.read_text().splitlines()]
        if (mail_file.exists())
        else []
    )
