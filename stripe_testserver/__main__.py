"""`python -m stripe_testserver --host 127.0.0.1 --port 12111 [--webhook-url URL] ...`"""

import argparse
import logging
import secrets
import signal
import threading

import stripe

from .app import Server
from .store import Store
from .webhooks import Deliverer


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m stripe_testserver",
        description="A local Stripe test-mode server for development and tests.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=12111, help="0 picks a free port")
    parser.add_argument("--webhook-url", help="where events are POSTed (default: not sent)")
    parser.add_argument("--webhook-secret", help="whsec_... used to sign events (default: random)")
    parser.add_argument("--public-url", help="base URL of the hosted pages (default: own address)")
    parser.add_argument(
        "--delivery-concurrency",
        type=int,
        default=1,
        choices=range(1, 17),
        metavar="N",
        help="webhook deliveries in flight at once (default 1: one at a time, in order)",
    )
    parser.add_argument("--verbose", action="store_true", help="log every request")
    return parser.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
    )
    secret = args.webhook_secret or "whsec_" + secrets.token_hex(16)
    if not secret.startswith("whsec_"):
        raise SystemExit("--webhook-secret must start with whsec_")
    store = Store(
        public_url="",
        webhook_url=args.webhook_url,
        webhook_secret=secret,
        api_version=stripe.api_version,
        delivery_concurrency=args.delivery_concurrency,
    )
    server = Server((args.host, args.port), store)
    port = server.server_address[1]
    own_url = f"http://{args.host}:{port}"
    reachable = "127.0.0.1" if args.host in ("0.0.0.0", "", "::") else args.host  # noqa: S104
    store.public_url = (args.public_url or f"http://{reachable}:{port}").rstrip("/")
    deliverer = Deliverer(store)
    deliverer.start()
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    serving = threading.Thread(target=server.serve_forever, args=(0.1,), name="http", daemon=True)
    serving.start()
    print(f"stripe test server listening on {own_url}", flush=True)
    while not stop.wait(0.5):
        pass
    server.shutdown()
    server.server_close()
    deliverer.stop()


if __name__ == "__main__":
    main()
