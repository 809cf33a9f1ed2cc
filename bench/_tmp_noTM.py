"""Dispatch N due reminders through one Celery worker on PostgreSQL + Redis.

    .venv/bin/python bench/reminders.py [N ...]      (default: 2500 5000 10000)

Prints, per N: seconds until every reminder is marked sent, reminders per second, the
dispatcher's peak Python memory and the worker's peak resident memory. Memory must stay
flat as N grows (rows are handled in batches); the target is under 60 s for 10,000.
"""

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

DB = "newsroom_bench_reminders"
TARGET_SECONDS_FOR_10K = 60


def main(sizes: list[int]) -> None:
    env = bench_env(DB, EMAIL_URL="memorymail://")
    fresh_database(DB, env)
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "newsroom.settings"
    import django

    django.setup()
    from django.db.models import Count
    from django.utils import timezone

    from support.models import Reminder
    from support.reminders import consent_text, reminders_dispatch_due

    print(f"{'reminders':>10} {'seconds':>8} {'per s':>8} {'dispatch MiB':>13} {'worker MiB':>11}")
    try:
        for size in sizes:
            Reminder.objects.all().delete()
            today = timezone.localdate()
            Reminder.objects.bulk_create(
                (
                    Reminder(
                        email=f"reader{n}@example.org",
                        due_on=today,
                        consent_text=consent_text(today),
                        consented_at=timezone.now(),
                    )
                    for n in range(size)
                ),
                batch_size=2000,
            )
            args = [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "newsroom",
                "worker",
                *os.environ.get("WARGS","--concurrency=2").split(),
                "--loglevel=WARNING",
                "--without-mingle",
                "--without-gossip",
            ]
            with child(args, env, PROJECT / "test-artifacts" / "bench-reminders-worker.log") as w:
                time.sleep(3)  # let the worker connect before the clock starts
                started = time.perf_counter()
                pass
                reminders_dispatch_due(today=today)
                dispatch_peak=0
                pass
                sent = Reminder.objects.filter(status=Reminder.Status.SENT)
                done = wait_for(lambda q=sent, n=size: q.count() == n, timeout=120, interval=0.5)
                seconds = time.perf_counter() - started
                worker_mib = peak_rss_mib(w.pid)
            if not done:
                states = dict(
                    Reminder.objects.values_list("status").annotate(n=Count("id")).order_by()
                )
                print(f"{size:>10} did not finish: {states}")
                continue
            print(
                f"{size:>10} {seconds:>8.1f} {size / seconds:>8.0f} "
                f"{dispatch_peak / 2**20:>13.1f} {worker_mib:>11.1f}"
            )
            if size == 10_000:
                print(
                    f"10,000 in {seconds:.1f} s: {seconds / TARGET_SECONDS_FOR_10K:.2f} of the "
                    f"{TARGET_SECONDS_FOR_10K} s target"
                )
    finally:
        from django.db import connections

        connections.close_all()
        drop_database(DB)


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [2500, 5000, 10000])
