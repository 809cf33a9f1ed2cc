"""Dispatch N due reminders through one Celery worker on PostgreSQL + Redis.

    .venv/bin/python bench/reminders.py [N ...] [--concurrency C] [--tiny]
                                        (default: 2500 5000 10000)

For each N: N reminders fall due on a site that already holds 20,000 donations; one in a
hundred of the reminded addresses gave after asking, so those reminders must be cancelled,
not sent. One worker (as `docker compose` starts it, with the settings' concurrency unless
--concurrency is given) is sent the task beat sends, `dispatch_due_reminders`, and the clock
runs until no reminder is left pending or sending. Email goes to the local-memory backend.

Prints seconds, reminders per second and the worker's peak resident memory (main process
and children). Then, off the clock, the same N rows are dispatched again in this process
under tracemalloc, to show the dispatcher's own peak: it must stay flat as N grows because
rows are handled in batches. Target: under 60 s for 10,000. Exits non-zero when a reminder
is left unfinished or the wrong ones were sent or cancelled. --tiny: 200 reminders among
2,000 donations (the test suite's smoke run).
"""

import argparse
import os
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._services import (  # noqa: E402
    PROJECT,
    bench_env,
    child,
    drop_database,
    fresh_database,
    peak_rss_mib,
    wait_for,
)

DB = f"newsroom_bench_reminders_{os.getpid()}"  # runs side by side do not share it
DONATIONS = 20_000
GAVE_EVERY = 100
TARGET_SECONDS_FOR_10K = 60


def seed_donations(count: int) -> None:
    from support.models import Donation, Donor

    donors = Donor.objects.bulk_create(
        Donor(email=f"donor{n}@example.org") for n in range(count // 2)
    )
    Donation.objects.bulk_create(
        (
            Donation(
                donor=donors[n] if n < len(donors) else None,
                email=f"Donor{n}@Example.org",
                amount=2,
                frequency="monthly",
                status="active" if n % 3 else "pending",
            )
            for n in range(count)
        ),
        batch_size=2000,
    )


def seed_due_reminders(size: int):
    """Create `size` due reminders, then gifts from every GAVE_EVERY-th address; return today."""
    from django.utils import timezone

    from readers.addresses import normalise
    from support.models import Donation, Reminder
    from support.reminders import consent_text

    Reminder.objects.all().delete()
    Donation.objects.filter(email__istartswith="reader").delete()
    today = timezone.localdate()
    Reminder.objects.bulk_create(
        (
            Reminder(
                email=f"reader{n}@example.org",
                address=normalise(f"reader{n}@example.org"),  # as reminder_request() stores it
                due_on=today,
                consent_text=consent_text(today),
                consented_at=timezone.now(),
            )
            for n in range(size)
        ),
        batch_size=2000,
    )
    Donation.objects.bulk_create(
        Donation(email=f"Reader{n}@example.org", amount=5, frequency="once", status="paid")
        for n in range(0, size, GAVE_EVERY)
    )
    return today


def worker_args(concurrency: int | None) -> list[str]:
    args = [sys.executable, "-m", "celery", "-A", "newsroom", "worker", "--loglevel=WARNING"]
    args += ["--without-mingle", "--without-gossip"]
    return args + ([f"--concurrency={concurrency}"] if concurrency else [])


def timed_dispatch(env: dict, concurrency: int | None) -> tuple[float, float, dict]:
    from django.db.models import Count

    from newsroom.tasks import health_ping
    from support.models import Reminder
    from support.tasks import dispatch_due_reminders

    unfinished = Reminder.objects.filter(
        status__in=[Reminder.Status.PENDING, Reminder.Status.SENDING]
    )
    log = PROJECT / "test-artifacts" / "bench-reminders-worker.log"
    with child(worker_args(concurrency), env, log) as worker:
        health_ping.delay().get(timeout=60)  # the worker is up and reaches the database
        started = time.perf_counter()
        dispatch_due_reminders.delay()
        done = wait_for(lambda: not unfinished.exists(), timeout=600, interval=0.25)
        seconds = time.perf_counter() - started
        worker_mib = peak_rss_mib(worker.pid)
    states = dict(Reminder.objects.values_list("status").annotate(n=Count("id")).order_by())
    return (seconds if done else float("nan")), worker_mib, states


def dispatcher_peak_mib(today) -> float:
    """Dispatch the same rows again with no worker running; return the Python peak."""
    import redis

    from support.models import Reminder
    from support.reminders import reminders_dispatch_due

    Reminder.objects.update(status=Reminder.Status.PENDING, sending_since=None)
    tracemalloc.start()
    reminders_dispatch_due(today=today)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    redis.Redis.from_url(os.environ["CELERY_BROKER_URL"]).flushdb()
    return peak / 2**20


def main(sizes: list[int], concurrency: int | None, email_url: str, donations: int) -> int:
    env = bench_env(DB, EMAIL_URL=email_url)
    fresh_database(DB, env)
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "newsroom.settings"
    import django

    django.setup()
    from django.conf import settings

    seed_donations(donations)
    processes = concurrency or settings.CELERY_WORKER_CONCURRENCY
    print(f"one worker, {processes} processes; {donations:,} donations on file; {email_url}")
    print(
        f"{'reminders':>10} {'sent':>7} {'cancelled':>9} {'seconds':>8} {'per s':>6} "
        f"{'worker MiB':>11} {'dispatcher MiB':>15}"
    )
    wrong = 0
    try:
        for size in sizes:
            today = seed_due_reminders(size)
            seconds, worker_mib, states = timed_dispatch(env, concurrency)
            sent, cancelled = states.get("sent", 0), states.get("cancelled", 0)
            expected_cancelled = len(range(0, size, GAVE_EVERY))
            dispatcher_mib = dispatcher_peak_mib(today)
            print(
                f"{size:>10} {sent:>7} {cancelled:>9} {seconds:>8.1f} {size / seconds:>6.0f} "
                f"{worker_mib:>11.1f} {dispatcher_mib:>15.1f}"
            )
            if (sent, cancelled) != (size - expected_cancelled, expected_cancelled):
                print(f"  wrong outcome: {states}; expected {expected_cancelled} cancelled")
                wrong += 1
            if size == 10_000:
                print(
                    f"10,000 in {seconds:.1f} s: {seconds / TARGET_SECONDS_FOR_10K:.2f} of the "
                    f"{TARGET_SECONDS_FOR_10K} s target"
                )
    finally:
        from django.db import connections

        connections.close_all()
        drop_database(DB)
    return 1 if wrong else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[2500, 5000, 10000])
    parser.add_argument("--concurrency", type=int, help="worker processes (default: settings)")
    parser.add_argument(
        "--email-url",
        default="memorymail://",
        help="the local-memory backend keeps every message in the worker, so its memory grows "
        "by the outbox; dummymail:// discards them",
    )
    parser.add_argument("--tiny", action="store_true", help="200 reminders: a smoke run")
    options = parser.parse_args()
    donations = DONATIONS
    if options.tiny:
        options.sizes, options.concurrency, donations = [200], 1, 2000
    raise SystemExit(main(options.sizes, options.concurrency, options.email_url, donations))
