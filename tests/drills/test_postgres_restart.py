"""Drill: PostgreSQL restarts while gunicorn is serving readers and donors."""

import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest
import requests
from django.db import connection

from tests.articles.factories import ArticleFactory
from tests.drills.conftest import wait_until, web_server

pytestmark = [
    pytest.mark.alone,  # every other test's database goes down with it
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql"
        or connection.settings_dict["HOST"] not in ("127.0.0.1", "localhost", "")
        or not shutil.which("pg_ctlcluster"),
        reason="restarts the local PostgreSQL cluster; needs DATABASE_URL on this machine",
    ),
]


def cluster(action: str) -> subprocess.CompletedProcess:
    version = sorted(p.name for p in Path("/etc/postgresql").iterdir())[-1]
    return subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def accepting() -> bool:
    return subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1"], timeout=10).returncode == 0


@pytest.fixture
def restartable_cluster():
    """Leave the cluster running whatever happens, and this process reconnected."""
    yield
    if not accepting():
        cluster("start")
    wait_until(accepting, timeout=60, what="PostgreSQL to accept connections")
    connection.close()


class Readers(threading.Thread):
    """Request the pages in a loop, recording every answer, until stopped."""

    def __init__(self, base: str, paths: list[str]):
        super().__init__(daemon=True)
        self.base, self.paths = base, paths
        self.answers: list[tuple[float, str, int | str]] = []
        self.stopping = threading.Event()

    def run(self):
        session = requests.Session()
        while not self.stopping.is_set():
            for path in self.paths:
                try:
                    status = session.get(self.base + path, timeout=10).status_code
                except requests.RequestException as exc:
                    status = type(exc).__name__
                self.answers.append((time.monotonic(), path, status))


def test_requests_fail_cleanly_while_postgresql_restarts_and_succeed_after_without_an_app_restart(
    restartable_cluster,
):
    article = ArticleFactory(live=True)
    paths = [article.get_absolute_url(), "/support/", "/healthz", "/section/news/"]

    with web_server("drill-web-postgres-restart") as (url, web):
        pid = web.pid
        assert {requests.get(url + p, timeout=10).status_code for p in paths} == {200}
        readers = Readers(url, paths)
        readers.start()
        time.sleep(1)
        restart = cluster("restart")
        assert restart.returncode == 0, restart.stderr
        wait_until(accepting, timeout=60, what="PostgreSQL to accept connections")

        def all_fine_again():
            recent = [a for a in readers.answers if a[0] > time.monotonic() - 1]
            return len(recent) >= 8 and {a[2] for a in recent} == {200}

        wait_until(all_fine_again, timeout=30, procs=[web], what="every page to answer 200")
        recovered_at = time.monotonic()
        time.sleep(2)
        readers.stopping.set()
        readers.join(timeout=15)
        assert web.poll() is None and web.pid == pid

    statuses = [a[2] for a in readers.answers]
    assert set(statuses) <= {200, 503}, sorted(set(map(str, statuses)))
    assert 503 in statuses, "the outage was never seen; the drill proved nothing"
    after = [a[2] for a in readers.answers if a[0] > recovered_at]
    assert after and set(after) == {200}
