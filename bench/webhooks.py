"""Webhook ingestion under gunicorn: signed Stripe events per second against the bare floor.

    .venv/bin/python bench/webhooks.py [--events 3000] [--clients 4] [--workers 2] [--tiny]

Serves the site as bench/pages.py does (gunicorn, PostgreSQL, Redis as the broker), posts
N signed events of the handled types (20% of them duplicates, so the de-duplication path is
measured too), and in the same run hammers the bare Django view of bench/pages.py. Prints
events per second, p50/p99, and the ratios to the bare floor, then checks every distinct
event was recorded exactly once (exits non-zero if not). --tiny: 50 events from one client
(the test suite's smoke run).
"""

import argparse
import http.client
import json
import os
import random
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import stripe

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._services import bench_env, child, drop_database, fresh_database, wait_for  # noqa: E402
from bench.pages import HOST, _answers, free_port, hammer  # noqa: E402

DB = f"newsroom_bench_webhooks_{os.getpid()}"  # runs side by side do not share it
SECRET = "whsec_bench_only"
# Every type the endpoint handles (support.webhooks.HANDLERS), and one it ignores.
TYPES = [
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
    "checkout.session.async_payment_failed",
    "checkout.session.expired",
    "invoice.paid",
    "invoice.payment_failed",
    "customer.subscription.updated",
    "customer.subscription.deleted",
    "charge.refunded",
    "charge.refund.updated",
    "refund.created",
    "refund.updated",
    "refund.failed",
    "charge.dispute.created",
    "charge.dispute.updated",
    "charge.dispute.closed",
    "charge.dispute.funds_withdrawn",
    "charge.dispute.funds_reinstated",
    "customer.created",
]


def events(count: int) -> list[str]:
    distinct = int(count * 0.8)
    bodies = [
        json.dumps(
            {
                "id": f"evt_bench_{n}",
                "object": "event",
                "api_version": "2026-10-28.endive",
                "created": int(time.time()),
                "livemode": False,
                "type": TYPES[n % len(TYPES)],
                "data": {"object": {"id": f"obj_bench_{n}", "object": "unknown"}},
            }
        )
        for n in range(distinct)
    ]
    replay = bodies + random.Random(1).choices(bodies, k=count - distinct)
    random.Random(2).shuffle(replay)
    return replay


def post_all(port: int, bodies: list[str]) -> list[float]:
    latencies = []
    connection = http.client.HTTPConnection(HOST, port, timeout=10)
    for body in bodies:
        header = stripe.WebhookSignature.generate_signature_header(body, SECRET)
        start = time.perf_counter()
        connection.request(
            "POST",
            "/support/stripe/webhook/",
            body=body,
            headers={"Content-Type": "application/json", "Stripe-Signature": header},
        )
        response = connection.getresponse()
        response.read()
        latencies.append(time.perf_counter() - start)
        if response.status != 200:
            raise RuntimeError(f"webhook answered {response.status}")
    connection.close()
    return latencies


def summary(latencies: list[float], seconds: float) -> dict:
    latencies = sorted(latencies)
    return {
        "rps": len(latencies) / seconds,
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[int(len(latencies) * 0.99) - 1] * 1000,
    }


def main(count: int, clients: int, workers: int) -> None:
    env = bench_env(DB, STRIPE_WEBHOOK_SECRET=SECRET)
    fresh_database(DB, env)
    port = free_port()
    args = [
        sys.executable, "-m", "gunicorn", "bench.pages_wsgi:application",
        "--bind", f"{HOST}:{port}", "--workers", str(workers), "--log-level", "warning",
    ]  # fmt: skip
    log = Path(tempfile.gettempdir()) / "bench-webhooks-gunicorn.log"
    bodies = events(count)
    chunks = [bodies[i::clients] for i in range(clients)]
    try:
        with child(args, env, log), ProcessPoolExecutor(clients) as pool:
            if not wait_for(lambda: _answers(port), timeout=30):
                raise SystemExit(f"gunicorn did not start; see {log}")
            started = time.perf_counter()
            webhook = [
                x for f in [pool.submit(post_all, port, c) for c in chunks] for x in f.result()
            ]
            webhook_seconds = time.perf_counter() - started
            floor_seconds = max(3.0, min(webhook_seconds, 10.0))
            floor = [
                x
                for f in [
                    pool.submit(hammer, port, "/bench/bare/2/", floor_seconds)
                    for _ in range(clients)
                ]
                for x in f.result()
            ]
        recorded = ledger_count(env)
    finally:
        drop_database(DB)
    report(summary(webhook, webhook_seconds), summary(floor, floor_seconds), count, recorded)


def ledger_count(env: dict) -> int:
    import psycopg

    url = env["DATABASE_URL"].replace("postgres://", "postgresql://")
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT count(*) FROM support_stripeevent").fetchone()[0]


def report(webhook: dict, floor: dict, count: int, recorded: int) -> None:
    distinct = int(count * 0.8)
    print(f"{count} signed events ({count - distinct} duplicates); {recorded} recorded")
    print(f"{'case':<10}{'per s':>9}{'p50 ms':>9}{'p99 ms':>9}{'rps/bare':>10}")
    for name, r in (("bare", floor), ("webhook", webhook)):
        print(
            f"{name:<10}{r['rps']:>9.1f}{r['p50']:>9.2f}{r['p99']:>9.2f}"
            f"{r['rps'] / floor['rps']:>10.2f}"
        )
    if recorded != distinct:
        raise SystemExit(f"ledger mismatch: {recorded} recorded, {distinct} distinct events sent")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--tiny", action="store_true", help="50 events: a smoke run")
    options = parser.parse_args()
    if options.tiny:
        options.events, options.clients, options.workers = 50, 1, 1
    main(options.events, options.clients, options.workers)
