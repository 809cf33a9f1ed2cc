"""Fifty readers for a minute while donations and webhooks arrive; then check the ledger.

    .venv/bin/python bench/load.py [--readers 50] [--seconds 60] [--workers 3] [--tiny]

Runs what production runs, on this machine: gunicorn (sync workers, as in the compose file),
a Celery worker, PostgreSQL (a scratch database, dropped afterwards) and Redis, with the local
Stripe test-mode server delivering signed webhooks to the site as `stripe listen` would.
For the whole time:
  readers   browse the home page, 30 articles, sections, tags, authors, search and feeds
  donors    open the support page, submit the form (monthly, annual or one-time; a preset
            amount, or a typed one, which wins over a preset left ticked, as the form says),
            pay on the test server (one card in ten is declined), sometimes renew a gift
  replays   re-post one delivered event in ten, as Stripe's retries would (duplicates)
Then it waits for every webhook to be delivered and applied, and prints requests per second,
p50/p99 and the error count for each kind of client, and whether the ledger (donations,
payments, receipts, events) matches what was sent. Exits non-zero on any error or mismatch.
--tiny: 2 readers for 5 s (the test suite's smoke run).
"""

import argparse
import http.client
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._services import (  # noqa: E402
    PROJECT,
    REDIS,
    bench_env,
    child,
    drop_database,
    fresh_database,
    redis_dbs,
    wait_for,
)

DB = f"newsroom_bench_load_{os.getpid()}"  # runs side by side do not share it
HOST = "127.0.0.1"
SECRET = "whsec_bench_load_only"
DECLINED = "4000000000000002"
SEED_ARTICLES = """
import datetime
from django.utils import timezone
from articles.models import Article, Author, Byline, Section, Status, Tag
sections = [Section.objects.get_or_create(slug=s, defaults={"name": s.title()})[0]
            for s in ("news", "world", "politics")]
tags = [Tag.objects.get_or_create(slug=f"topic-{n}", defaults={"name": f"Topic {n}"})[0]
        for n in range(5)]
authors = [Author.objects.get_or_create(slug=f"reporter-{n}", defaults={"name": f"Reporter {n}"})[0]
           for n in range(3)]
for n in range(30):
    article = Article.objects.create(
        headline=f"Load test story {n}", slug=f"load-test-story-{n}",
        body="".join(f"<p>Paragraph {p} of story {n} about peacekeepers and budgets.</p>"
                     for p in range(12)),
        section=sections[n % 3], status=Status.PUBLISHED,
        publish_at=timezone.now() - datetime.timedelta(hours=n + 1),
    )
    article.tags.set([tags[n % 5], tags[(n + 1) % 5]])
    Byline.objects.create(article=article, author=authors[n % 3], position=0)
print("\\n".join(a.get_absolute_url() for a in Article.objects.all()))
"""


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def request(port, method, path, body=None, headers=None, timeout=30):
    """Send one request on a new connection (sync workers close it); return its parts."""
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def reader(port: int, paths: list[str], seconds: float, threads: int) -> dict:
    """Browse in several threads until time is up; return latencies and errors."""
    latencies, errors, lock = [], [], threading.Lock()
    deadline = time.monotonic() + seconds

    def browse(seed):
        rng = random.Random(seed)
        while time.monotonic() < deadline:
            path = rng.choice(paths)
            start = time.perf_counter()
            try:
                status, _, _ = request(port, "GET", path)
            except OSError as exc:
                status = type(exc).__name__
            elapsed = time.perf_counter() - start
            with lock:
                latencies.append(elapsed)
                if status != 200:
                    errors.append(f"{path}: {status}")

    workers = [threading.Thread(target=browse, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return {"latencies": latencies, "errors": errors}


class Donors(threading.Thread):
    """Give through the support form and pay on the Stripe test server, one gift at a time."""

    def __init__(self, port: int, stripe_port: int, seconds: float):
        super().__init__()
        self.port, self.stripe_port, self.seconds = port, stripe_port, seconds
        self.gifts: dict[str, dict] = {}
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.rng = random.Random(7)

    def run(self):
        deadline = time.monotonic() + self.seconds
        n = 0
        while time.monotonic() < deadline:
            n += 1
            try:
                self.give(n)
                if n % 4 == 0:
                    self.renew()
            except Exception as exc:  # noqa: BLE001 (every failure is counted and reported)
                self.errors.append(f"gift {n}: {exc!r}")
            time.sleep(0.3)

    def give(self, n: int) -> None:
        status, headers, page = request(self.port, "GET", "/support/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1].decode()
        cookie = headers["Set-Cookie"].split(";", 1)[0]
        frequency = self.rng.choice(["monthly", "monthly", "annual", "once"])
        offered = [value.decode() for value, shown_for in re.findall(
            rb'name="amount" value="([^"]+)" id="id_amount_([a-z]+)_', page
        ) if shown_for.decode() == frequency]  # fmt: skip
        amount = self.rng.choice(offered) if offered else "other"
        custom = f"{self.rng.randint(3, 300)}.{self.rng.choice(['00', '50', '99'])}"
        if offered and self.rng.random() < 0.5:
            custom = ""  # the preset alone; otherwise the typed amount wins
        form = {"frequency": frequency, "amount": amount, "custom_amount": custom,
                "email": f"donor{n}@example.org", "placement": "end_of_article",
                "csrfmiddlewaretoken": token}  # fmt: skip
        start = time.perf_counter()
        status, headers, _ = request(
            self.port, "POST", "/support/", urlencode(form),
            {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
        )  # fmt: skip
        self.latencies.append(time.perf_counter() - start)
        if status != 303:
            raise RuntimeError(f"the support form answered {status} to {form}")
        session = urlsplit(headers["Location"]).path.rstrip("/").rsplit("/", 1)[1]
        declined = n % 10 == 0
        paid = self.control("POST", f"checkout/{session}/pay",
                            {"card": DECLINED if declined else "4242424242424242"})  # fmt: skip
        self.gifts[session] = {
            "frequency": frequency,
            "amount": Decimal(custom or amount),
            "paid": not declined,
            "subscription": paid.get("subscription"),
            "renewals": 0,
        }

    def renew(self) -> None:
        live = [g for g in self.gifts.values() if g["paid"] and g["subscription"]]
        if live:
            gift = self.rng.choice(live)
            self.control("POST", f"subscriptions/{gift['subscription']}/renew", {"outcome": "paid"})
            gift["renewals"] += 1

    def control(self, method: str, path: str, body=None) -> dict:
        status, _, data = request(
            self.stripe_port, method, f"/_testserver/{path}", json.dumps(body or {}),
            {"Content-Type": "application/json"},
        )  # fmt: skip
        if status not in (200, 402):
            raise RuntimeError(f"test server {path} answered {status}: {data[:200]!r}")
        return json.loads(data)


class Replayer(threading.Thread):
    """Re-post delivered events now and then, as Stripe does when it retries."""

    def __init__(self, port: int, stripe_port: int, seconds: float):
        super().__init__()
        self.port, self.stripe_port, self.seconds = port, stripe_port, seconds
        self.latencies: list[float] = []
        self.errors: list[str] = []

    def run(self):
        rng, deadline = random.Random(3), time.monotonic() + self.seconds
        while time.monotonic() < deadline:
            time.sleep(1)
            _, _, data = request(self.stripe_port, "GET", "/_testserver/deliveries")
            delivered = [d for d in json.loads(data)["data"] if d["status"] == "delivered"]
            for record in rng.sample(delivered, k=min(3, len(delivered))):
                start = time.perf_counter()
                status, _, body = request(
                    self.port, "POST", "/support/stripe/webhook/", record["payload"].encode(),
                    {"Content-Type": "application/json",
                     "Stripe-Signature": record["signature_header"]},
                )  # fmt: skip
                self.latencies.append(time.perf_counter() - start)
                if status != 200 or body != b"duplicate":
                    self.errors.append(f"replay {record['event_id']}: {status} {body[:40]!r}")


def ledger_problems(database_url: str, gifts: dict, deliveries: list[dict]) -> list[str]:
    """Compare the database with what the donors sent and Stripe delivered."""
    problems = []
    with psycopg.connect(database_url) as conn:
        donations = {
            row[0]: row[1:]
            for row in conn.execute(
                "select stripe_checkout_session_id, status, amount, frequency, id"
                " from support_donation"
            )
        }
        payments = {}
        for donation_id, amount in conn.execute("select donation_id, amount from support_payment"):
            payments.setdefault(donation_id, []).append(amount)
        events, distinct, pending = conn.execute(
            "select count(*), count(distinct event_id),"
            " count(*) filter (where processed_at is null) from support_stripeevent"
        ).fetchone()
        receipts = conn.execute(
            "select count(*), count(*) filter (where status = 'sent') from outbox_email"
            " where kind = 'support.receipt'"
        ).fetchone()
    expected_payments = 0
    for session, gift in gifts.items():
        if session not in donations:
            problems.append(f"{session}: no donation")
            continue
        status, amount, frequency, pk = donations[session]
        want = ("paid" if gift["frequency"] == "once" else "active") if gift["paid"] else "pending"
        paid = [gift["amount"]] * (1 + gift["renewals"]) if gift["paid"] else []
        expected_payments += len(paid)
        if (status, amount, frequency) != (want, gift["amount"], gift["frequency"]):
            problems.append(f"{session}: {status} {amount} {frequency}, sent {want} {gift}")
        if sorted(payments.get(pk, [])) != paid:
            problems.append(f"{session}: payments {payments.get(pk)}, expected {paid}")
    if len(donations) != len(gifts):
        problems.append(f"{len(donations)} donations stored for {len(gifts)} gifts")
    if (events, distinct, pending) != (len(deliveries), len(deliveries), 0):
        problems.append(f"{events} events ({distinct} distinct, {pending} unapplied) stored "
                        f"for {len(deliveries)} delivered")  # fmt: skip
    if receipts != (expected_payments, expected_payments):
        problems.append(f"receipts (owed, sent) {receipts}, expected {expected_payments}")
    return problems


def summary(latencies: list[float], seconds: float) -> str:
    if not latencies:
        return "no requests"
    ordered = sorted(latencies)
    p99 = ordered[max(0, int(len(ordered) * 0.99) - 1)]
    return (
        f"{len(ordered):>7} requests {len(ordered) / seconds:>8.1f}/s   "
        f"p50 {statistics.median(ordered) * 1000:>7.1f} ms   p99 {p99 * 1000:>7.1f} ms"
    )


def start_services(stack, env, port, stripe_port, workers, logs):
    stripe_args = [
        sys.executable,
        "-m",
        "stripe_testserver",
        "--host",
        HOST,
        "--port",
        str(stripe_port),
        "--webhook-secret",
        SECRET,
        "--webhook-url",
        f"http://{HOST}:{port}/support/stripe/webhook/",
    ]
    web_args = [
        sys.executable,
        "-m",
        "gunicorn",
        "newsroom.wsgi:application",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(workers),
        "--log-level",
        "warning",
    ]
    worker_args = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "newsroom",
        "worker",
        "--loglevel=WARNING",
        "--concurrency=2",
        "--without-mingle",
        "--without-gossip",
    ]
    return [
        stack.enter_context(child(args, env, logs / f"{name}.log"))
        for name, args in (("stripe", stripe_args), ("gunicorn", web_args),
                           ("worker", worker_args))
    ]  # fmt: skip


def main(readers: int, seconds: float, workers: int, processes: int) -> int:
    port, stripe_port = free_port(), free_port()
    logs = Path(tempfile.mkdtemp(prefix="bench-load-"))
    broker, results, cache = redis_dbs((7, 8, 9))
    env = bench_env(
        DB, MEDIA_ROOT=str(logs / "media"), SITE_URL=f"http://{HOST}:{port}",
        CELERY_BROKER_URL=f"{REDIS}/{broker}", CELERY_RESULT_BACKEND=f"{REDIS}/{results}",
        CACHE_URL=f"{REDIS}/{cache}", EMAIL_URL="dummymail://",
        STRIPE_SECRET_KEY="sk_test_bench_load", STRIPE_API_BASE=f"http://{HOST}:{stripe_port}",
        STRIPE_WEBHOOK_SECRET=SECRET, CHECKOUT_RATE_LIMIT="1000000/h",
        CHECKOUT_SITE_RATE_LIMIT="1000000/m",
    )  # fmt: skip
    fresh_database(DB, env)
    manage = [sys.executable, "manage.py"]
    for command in (["collectstatic", "--noinput"], ["seed_demo"]):
        subprocess.run([*manage, *command], cwd=PROJECT, env=env, check=True, capture_output=True)
    seeded = subprocess.run([*manage, "shell", "-c", SEED_ARTICLES], cwd=PROJECT, env=env,
                            check=True, capture_output=True, text=True)  # fmt: skip
    articles = [line for line in seeded.stdout.splitlines() if line.startswith("/")]
    paths = ["/", "/?page=2", "/section/news/", "/section/world/", "/tag/topic-1/",
             "/author/reporter-2/", "/search/?q=peacekeepers", "/search/?q=budget",
             "/rss/", "/sitemap.xml"] + articles * 2  # fmt: skip
    try:
        with ExitStack() as stack:
            procs = start_services(stack, env, port, stripe_port, workers, logs)
            health = "/_testserver/health"
            ready = wait_for(lambda: _answers(port) and _answers(stripe_port, health), timeout=60)
            if not ready:
                raise SystemExit(f"the services did not start; see {logs}")
            for path in paths:
                request(port, "GET", path)  # warm the page cache and the workers
            result = run_load(port, stripe_port, paths, readers, seconds, processes)
            result["deliveries"] = settle(port, stripe_port, env["DATABASE_URL"], procs)
            result["problems"] = ledger_problems(
                env["DATABASE_URL"], result["donors"].gifts, result["deliveries"]
            )
    finally:
        drop_database(DB)
    return report(result, readers, seconds, workers, logs)


def run_load(port, stripe_port, paths, readers, seconds, processes) -> dict:
    donors = Donors(port, stripe_port, seconds)
    replayer = Replayer(port, stripe_port, seconds)
    started = time.monotonic()
    with ProcessPoolExecutor(processes) as pool:
        shares = [readers // processes + (n < readers % processes) for n in range(processes)]
        futures = [pool.submit(reader, port, paths, seconds, share) for share in shares]
        donors.start()
        replayer.start()
        results = [f.result() for f in futures]
        donors.join()
        replayer.join()
    return {
        "elapsed": time.monotonic() - started,
        "latencies": [x for r in results for x in r["latencies"]],
        "errors": [x for r in results for x in r["errors"]],
        "donors": donors,
        "replayer": replayer,
    }


def settle(port, stripe_port, database_url, procs) -> list[dict]:
    """Wait until Stripe has delivered every event and the worker has applied them."""
    _, _, data = request(stripe_port, "GET", "/_testserver/deliveries?wait=1&timeout=60",
                         timeout=90)  # fmt: skip
    deliveries = json.loads(data)["data"]

    def applied():
        assert all(p.poll() is None for p in procs), "a service died"
        with psycopg.connect(database_url) as conn:
            pending = conn.execute(
                "select (select count(*) from support_stripeevent where processed_at is null)"
                " + (select count(*) from outbox_email where status = 'pending')"
            ).fetchone()[0]
        return pending == 0

    wait_for(applied, timeout=120, interval=0.5)
    return deliveries


def _answers(port: int, path: str = "/robots.txt") -> bool:
    try:
        return request(port, "GET", path, timeout=5)[0] == 200
    except OSError:
        return False


def report(result: dict, readers: int, seconds: float, workers: int, logs: Path) -> int:
    donors, replayer, deliveries = result["donors"], result["replayer"], result["deliveries"]
    failed = [d for d in deliveries if d["status"] != "delivered" or d["attempts"] != 1]
    paid = sum(g["paid"] for g in donors.gifts.values())
    renewals = sum(g["renewals"] for g in donors.gifts.values())
    elapsed = result["elapsed"]
    print(f"gunicorn ({workers} sync workers) + Celery worker + PostgreSQL + Redis, "
          f"local Stripe test server; {readers} readers for {seconds:g} s")  # fmt: skip
    print(f"readers   {summary(result['latencies'], elapsed)}   errors {len(result['errors'])}")
    print(f"donors    {summary(donors.latencies, elapsed)}   errors {len(donors.errors)}"
          f"   ({len(donors.gifts)} gifts: {paid} paid, {len(donors.gifts) - paid} declined;"
          f" {renewals} renewals)")  # fmt: skip
    print(f"replays   {summary(replayer.latencies, elapsed)}   errors {len(replayer.errors)}"
          f"   (duplicates answered 200 \"duplicate\")")  # fmt: skip
    print(f"webhooks  {len(deliveries)} events delivered by the Stripe test server, "
          f"{len(failed)} needed a retry or failed")  # fmt: skip
    problems = result["problems"]
    print("ledger    " + ("matches what was sent: every gift, payment, receipt and event"
                          if not problems else f"MISMATCH ({len(problems)})"))  # fmt: skip
    for line in (result["errors"] + donors.errors + replayer.errors + problems)[:20]:
        print(f"  {line}")
    print(f"logs in {logs}")
    errors = len(result["errors"]) + len(donors.errors) + len(replayer.errors) + len(failed)
    return 1 if errors or problems else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--readers", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers")
    parser.add_argument("--processes", type=int, default=5, help="client processes for readers")
    parser.add_argument("--tiny", action="store_true", help="2 readers for 5 s: a smoke run")
    args = parser.parse_args()
    if args.tiny:
        args.readers, args.seconds, args.workers, args.processes = 2, 5, 1, 1
    raise SystemExit(main(args.readers, args.seconds, args.workers, args.processes))
