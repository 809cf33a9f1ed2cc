import io
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from string import Template

import pytest
import requests
from PIL import Image

from tests.conftest import ARTIFACTS
from tests.processes import PROJECT_DIR, celery_command, child_env, running
from tests.support.conftest import deliver, give  # noqa: F401

DOWN_BROKER = "redis://127.0.0.1:1/0"
NGINX = shutil.which("nginx") or next(
    (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.access(p, os.X_OK)), None
)
WRAPPER = """
worker_processes 1;
pid $tmp/nginx.pid;
error_log $tmp/error.log;
events { worker_connections 1024; }
http {
    access_log $tmp/access.log;
    types { image/jpeg jpg; text/css css; }
    client_body_temp_path $tmp/body;
    proxy_temp_path $tmp/proxy;
    fastcgi_temp_path $tmp/fastcgi;
    uwsgi_temp_path $tmp/uwsgi;
    scgi_temp_path $tmp/scgi;
    include $tmp/newsroom.conf;
}
"""


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
                # A redirect is an answer too (to https, when SECURE_SSL_REDIRECT is on).
                robots = requests.get(f"{url}/robots.txt", timeout=5, allow_redirects=False)
                return robots.status_code in (200, 301)
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


@pytest.fixture
def proxy_files():
    """A static and a media folder nginx can read, with one file each."""
    root = Path(tempfile.mkdtemp(prefix="newsroom-proxy-"))
    root.chmod(0o755)
    (root / "static" / "css").mkdir(parents=True)
    (root / "media" / "photos").mkdir(parents=True)
    (root / "static" / "css" / "site.css").write_text("body { margin: 0 }\n")
    image = io.BytesIO()
    Image.new("RGB", (8, 8), "#336699").save(image, "JPEG")
    (root / "media" / "photos" / "hero.jpg").write_bytes(image.getvalue())
    for path in root.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    yield root
    shutil.rmtree(root, ignore_errors=True)


def start_nginx(app_url: str, files: Path):
    port = free_port()
    values = {
        "NEWSROOM_APP": app_url.removeprefix("http://"),
        "NEWSROOM_LISTEN": f"127.0.0.1:{port}",
        "NEWSROOM_STATIC": str(files / "static"),
        "NEWSROOM_MEDIA": str(files / "media"),
    }
    template = (PROJECT_DIR / "deploy" / "nginx" / "newsroom.conf.template").read_text()
    (files / "newsroom.conf").write_text(Template(template).safe_substitute(values))
    (files / "nginx.conf").write_text(Template(WRAPPER).substitute(tmp=files))
    log = open(ARTIFACTS / "drill-nginx.log", "wb")
    proc = subprocess.Popen(
        [NGINX, "-p", str(files), "-c", str(files / "nginx.conf"), "-g", "daemon off;"],
        stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    return proc, log, f"http://127.0.0.1:{port}"
