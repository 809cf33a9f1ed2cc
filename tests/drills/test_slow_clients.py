"""Drill: clients that trickle their headers, in front of gunicorn's sync workers.

The proxy of the compose stack (deploy/nginx/newsroom.conf.template, run here with this
machine's nginx) reads each request whole before the app sees it, so 50 slow clients cost
the app nothing; without it, as many slow clients as workers stall the site.
Loopback only; every loop is bounded.
"""

import socket
import statistics
import threading
import time

import pytest
import requests

from tests.conftest import ARTIFACTS
from tests.drills.conftest import NGINX, start_nginx, wait_until, web_server

pytestmark = pytest.mark.django_db  # gunicorn only asks the database "SELECT 1"

SLOW_CLIENTS = 50
TRICKLE_SECONDS = 0.5  # one byte of header every half second


class Tricklers:
    """Connections that send a request line, then one header byte at a time, forever-ish."""

    def __init__(self, port: int, count: int, seconds: float):
        self.sockets = [socket.create_connection(("127.0.0.1", port)) for _ in range(count)]
        self.deadline = time.monotonic() + seconds
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._trickle, daemon=True)

    def _trickle(self):
        for sock in self.sockets:
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        while not self.stop.wait(TRICKLE_SECONDS) and time.monotonic() < self.deadline:
            for sock in self.sockets:
                try:
                    sock.sendall(b"X")
                except OSError:
                    pass  # the server gave up on this one: that is allowed

    def __enter__(self):
        self.thread.start()
        time.sleep(0.5)  # let the server accept them all
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(timeout=5)
        for sock in self.sockets:
            sock.close()


def timed_get(url: str, timeout: float = 10) -> float:
    started = time.monotonic()
    response = requests.get(url, timeout=timeout)
    assert response.status_code == 200, response.text
    return time.monotonic() - started


def healthz_seconds(base: str, times: int = 3) -> float:
    return statistics.median(timed_get(f"{base}/healthz") for _ in range(times))


@pytest.mark.skipif(NGINX is None, reason="no nginx on this machine (.ci/run installs it)")
def test_fifty_slow_clients_through_the_proxy_do_not_delay_a_normal_request(proxy_files):
    ARTIFACTS.mkdir(exist_ok=True)
    with web_server("drill-web-slow-clients") as (app, web):
        proc, log, proxy = start_nginx(app, proxy_files)
        try:

            def answering():
                try:
                    return requests.get(f"{proxy}/healthz", timeout=2).status_code == 200
                except requests.RequestException:
                    return False

            wait_until(answering, timeout=20, procs=[proc, web], what="nginx to answer")
            baseline = healthz_seconds(proxy)

            with Tricklers(int(proxy.rsplit(":", 1)[1]), SLOW_CLIENTS, seconds=15):
                under_load = healthz_seconds(proxy)
                photo = requests.get(f"{proxy}/media/photos/hero.jpg", timeout=5)
                css = requests.get(f"{proxy}/static/css/site.css", timeout=5)

            print(f"healthz via nginx: {baseline:.3f} s alone, {under_load:.3f} s beside "
                  f"{SLOW_CLIENTS} slow clients")  # fmt: skip
            assert under_load - baseline < 1.0
            assert photo.status_code == 200 and photo.headers["Content-Type"] == "image/jpeg"
            assert photo.content.startswith(b"\xff\xd8")
            assert css.status_code == 200 and css.text.startswith("body")
            assert requests.get(f"{proxy}/media/nothing.jpg", timeout=5).status_code == 404
        finally:
            proc.terminate()
            proc.wait(timeout=10)
            log.close()


def test_without_the_proxy_as_many_slow_clients_as_workers_stall_gunicorn():
    """The drill can fail: the same clients straight at gunicorn's two sync workers."""
    with web_server("drill-web-slow-clients-direct") as (app, _):
        port = int(app.rsplit(":", 1)[1])
        assert timed_get(f"{app}/healthz") < 5

        with Tricklers(port, 2, seconds=10):
            with pytest.raises(requests.Timeout):
                requests.get(f"{app}/healthz", timeout=3)
