"""The HTTP server: Stripe's API under /v1/, hosted pages, and /_testserver/ controls."""

import base64
import binascii
import json
import logging
import re
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from . import api_checkout, api_objects, api_portal, control, pages, sdk_params  # noqa: F401
from .errors import AuthenticationError, IdempotencyError, InvalidRequest, NotFound, StripeError
from .params import parse_form
from .routes import resolve
from .store import Store, current_request, new_id

log = logging.getLogger(__name__)
TEST_KEY = re.compile(r"(sk|rk)_test_[A-Za-z0-9_]+")
MAX_BODY = 1024 * 1024


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, store: Store):
        super().__init__(address, Handler)
        self.store = store


class Handler(BaseHTTPRequestHandler):
    server: Server
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; with Nagle's algorithm on, each
    # keep-alive answer waits for the client's delayed ACK (about 40 ms on Linux).
    disable_nagle_algorithm = True
    server_version = "stripe-testserver"

    def log_message(self, format, *args):  # noqa: A002 (the base class names it so)
        log.info("%s %s", self.address_string(), format % args)

    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def do_DELETE(self):
        self._dispatch("DELETE")

    def _dispatch(self, method: str) -> None:
        url = urlsplit(self.path)
        self.url_path, self.query = url.path, url.query
        try:
            self.body = self._read_body()
            if url.path.startswith("/v1/"):
                self._api(method)
            elif url.path.startswith("/_testserver/"):
                control.handle(self, method)
            else:
                pages.handle(self, method)
        except StripeError as error:
            self.send_json(error.status, error.body())
        except Exception:
            log.exception("unexpected error on %s %s", method, self.path)
            error = StripeError("An unexpected error occurred in stripe_testserver.")
            error.type, error.status = "api_error", 500
            self.send_json(500, error.body())

    def _read_body(self) -> str:
        length = self.headers.get("Content-Length") or "0"
        length = int(length) if length.isdigit() else -1
        if not 0 <= length <= MAX_BODY:
            raise InvalidRequest("Bad Content-Length, or a request body over 1 MB.")
        return self.rfile.read(length).decode("utf-8", "replace") if length else ""

    def send_json(self, status: int, body, headers: dict | None = None) -> None:
        self.send(status, json.dumps(body, indent=2), "application/json", headers)

    def send(self, status: int, text: str, content_type: str, headers=None) -> None:
        data = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", f"{content_type}; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-cache, no-store")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def redirect(self, location: str) -> None:
        self.send_response(303)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _api(self, method: str) -> None:
        request_id = new_id("req_", 14)
        headers = {"Request-Id": request_id, "Stripe-Version": self.server.store.api_version}
        try:
            api_key = authenticate(self.headers.get("Authorization", ""))
            found = resolve(method, self.url_path)
            if found is None:
                raise NotFound(
                    f"Unrecognized request URL ({method}: {self.url_path}). Please see "
                    "https://stripe.com/docs or we can help at https://support.stripe.com/."
                )
            handler, groups = found
            params = parse_form(self.query)
            if method != "GET":
                params.update(parse_form(self.body))
            sdk_params.check(handler.sdk_params, params)
            key = self.headers.get("Idempotency-Key") if method == "POST" else None
            status, body = self._call(handler, groups, params, api_key, key, request_id, headers)
        except StripeError as error:
            status, body = error.status, error.body()
        self.send_json(status, body, headers)

    def _call(self, handler, groups, params, api_key, key, request_id, headers):
        store = self.server.store
        fingerprint = (self.command, self.url_path, params)
        with store.lock:
            if key:
                if len(key) > 255:
                    raise InvalidRequest(
                        "Idempotency-Key must be at most 255 characters long.",
                        param="Idempotency-Key",
                    )
                saved = store.idempotency.get((api_key, key))
                if saved is not None:
                    return self._replay(saved, fingerprint, key, headers)
                headers["Idempotency-Key"] = key
            token = current_request.set({"id": request_id, "idempotency_key": key})
            try:
                body = handler(store, params, **groups)
            finally:
                current_request.reset(token)
            if key:
                store.idempotency[(api_key, key)] = {
                    "fingerprint": fingerprint,
                    "body": body,
                    "request_id": request_id,
                }
            return 200, body

    @staticmethod
    def _replay(saved: dict, fingerprint, key: str, headers: dict):
        if saved["fingerprint"] != fingerprint:
            raise IdempotencyError(
                "Keys for idempotent requests can only be used with the same parameters they "
                f"were first used with. Try using a key other than '{key}' if you meant to "
                "execute a different request."
            )
        headers.update(
            {
                "Idempotency-Key": key,
                "Idempotent-Replayed": "true",
                "Original-Request": saved["request_id"],
            }
        )
        return 200, saved["body"]


def authenticate(authorization: str) -> str:
    """Return the API key of the request; raise AuthenticationError unless it is a test key."""
    scheme, _, credentials = authorization.partition(" ")
    key = ""
    if scheme.lower() == "bearer":
        key = credentials.strip()
    elif scheme.lower() == "basic":
        try:
            key = base64.b64decode(credentials).decode().partition(":")[0]
        except (binascii.Error, UnicodeDecodeError):
            key = ""
    if TEST_KEY.fullmatch(key):
        return key
    if not key:
        raise AuthenticationError(
            "You did not provide an API key. You need to provide your API key in the "
            "Authorization header, using Bearer auth (e.g. 'Authorization: Bearer "
            "YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, "
            "or we can help at https://support.stripe.com/."
        )
    if key.startswith(("sk_live_", "rk_live_")):
        raise AuthenticationError(
            "This is a local Stripe test server: it accepts test mode keys (sk_test_...) only.",
            code="api_key_invalid",
        )
    if key.startswith("pk_"):
        raise AuthenticationError(
            "This API call cannot be made with a publishable API key. Please use a secret API "
            "key. You can find a list of your API keys at https://dashboard.stripe.com/account/apikeys."
        )
    masked = key[:8] + "*" * max(len(key) - 12, 0) + key[-4:] if len(key) > 12 else key
    raise AuthenticationError(f"Invalid API Key provided: {masked}", code="api_key_invalid")
