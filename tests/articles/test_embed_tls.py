"""The https path of an embed's fetch: the certificate is verified against the host's name
while the connection goes to the address that was checked."""

import http.server
import ssl
import subprocess
import threading

import pytest

from articles.safe_fetch import FetchError, fetch

pytestmark = pytest.mark.command  # openssl makes the certificates


def certificate(folder, name: str):
    cert, key = folder / f"{name}.pem", folder / f"{name}.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", f"/CN={name}", "-addext", f"subjectAltName=DNS:{name}",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.fixture
def tls_server(tmp_path, settings):
    settings.EMBED_TEST_ALLOW_LOCAL = True  # loopback, for this server only

    def serve(name):
        cert, key = certificate(tmp_path, name)

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                body = b'{"title": "Over TLS"}'
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server.server_port, cert

    servers = []
    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


def test_a_certificate_for_the_host_trusted_by_the_system_is_accepted(tls_server, monkeypatch):
    port, cert = tls_server("localhost")
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # the system's trust, for this test

    body = fetch(f"https://localhost:{port}/oembed", hosts={"localhost"}, limit=1000)

    assert body == b'{"title": "Over TLS"}'


def test_a_certificate_nobody_trusts_is_refused(tls_server):
    port, _ = tls_server("localhost")

    with pytest.raises(FetchError, match="did not answer"):
        fetch(f"https://localhost:{port}/oembed", hosts={"localhost"}, limit=1000)


def test_a_trusted_certificate_for_another_name_is_refused(tls_server, monkeypatch):
    port, cert = tls_server("other.example")
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))

    with pytest.raises(FetchError, match="did not answer"):
        fetch(f"https://localhost:{port}/oembed", hosts={"localhost"}, limit=1000)
