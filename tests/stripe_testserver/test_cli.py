import signal
import subprocess
import sys

import pytest

from tests.processes import PROJECT_DIR
from tests.stripe_testserver.conftest import make_client, session_params

pytestmark = pytest.mark.stripe  # starts servers of its own


def start(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "stripe_testserver", "--port", "0", *args],
        cwd=PROJECT_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_the_server_announces_its_address_uses_the_public_url_and_stops_cleanly(signum):
    process = start("--webhook-secret", "whsec_cli", "--public-url", "http://pay.example.test/")
    try:
        line = process.stdout.readline()
        assert line.startswith("stripe test server listening on http://127.0.0.1:")
        client = make_client(line.split()[-1])

        session = client.v1.checkout.sessions.create(params=session_params())

        assert session.url == f"http://pay.example.test/checkout/{session.id}"
    finally:
        process.send_signal(signum)
        assert process.wait(timeout=10) == 0
        process.stdout.close()
        process.stderr.close()


def test_a_webhook_secret_that_is_not_whsec_is_refused_at_start():
    process = start("--webhook-secret", "secret")
    _, err = process.communicate(timeout=10)

    assert process.returncode != 0
    assert "whsec_" in err
