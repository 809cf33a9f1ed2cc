"""A local stand-in for a provider's oEmbed endpoint, thumbnails and player, on 127.0.0.1."""

import io
import json
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from PIL import Image


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (480, 360), (200, 40, 40)).save(out, "JPEG")
    return out.getvalue()


class FakeProvider:
    """Serves /oembed, /thumb.jpg and /embed/<id>; `mode` makes it misbehave."""

    def __init__(self):
        self.requests: list[str] = []
        self.mode = "ok"
        self.thumbnail = _jpeg()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.origin = f"http://127.0.0.1:{self.server.server_port}"

    def _handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                provider.requests.append(self.path)
                path = urlsplit(self.path).path
                if path == "/oembed":
                    return provider.oembed(self)
                if path == "/thumb.jpg":
                    return self.answer(200, provider.thumbnail, "image/jpeg")
                if path.startswith("/embed/"):
                    return self.answer(
                        200, b"<!doctype html><title>Player</title><p>Playing", "text/html"
                    )
                return self.answer(404, b"", "text/plain")

            def answer(self, status, body, kind, headers=()):
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                for name, value in headers:
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        return Handler

    def oembed(self, handler):
        if self.mode == "slow":
            time.sleep(1)
        if self.mode == "down":
            return handler.answer(503, b"down", "text/plain")
        if self.mode == "redirect":
            return handler.answer(302, b"", "text/plain", [("Location", "http://10.0.0.1/")])
        if self.mode == "huge":
            return handler.answer(200, b"{" + b" " * 200_000 + b"}", "application/json")
        url = parse_qs(urlsplit(handler.path).query)["url"][0]
        video = parse_qs(urlsplit(url).query).get("v", ["x"])[0]
        answer = {
            "type": "video",
            "title": "Council <b>meeting</b>, in full",
            "author_name": "City Hall TV",
            "thumbnail_url": f"{self.origin}/thumb.jpg",
            "html": f'<iframe src="{self.origin}/embed/{video}" onload="alert(1)"></iframe>'
            "<script>alert(1)</script>",
        }
        handler.answer(200, json.dumps(answer).encode(), "application/json")

    def settings_for(self, provider="youtube") -> dict:
        return {
            provider: {
                "oembed": f"{self.origin}/oembed?url={{url}}",
                "thumbnail_hosts": ["127.0.0.1"],
                "frame_origin": self.origin,
            }
        }


@contextmanager
def fake_provider():
    provider = FakeProvider()
    thread = threading.Thread(target=provider.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        provider.server.shutdown()
        provider.server.server_close()
