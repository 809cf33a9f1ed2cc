"""Send one newsletter edition to N subscribers through a real local SMTP server.

    .venv/bin/python bench/newsletter.py [--subscribers N] [--rate R] [--tiny]
                                         (default: 100,000 subscribers, the settings' rate)

A scratch PostgreSQL database gets one newsletter with N confirmed subscribers and an
edition of three live stories. An SMTP server (aiosmtpd, in this process) counts every
message it receives and the addresses it was for. One Celery worker with one process sends
the edition through it (EMAIL_URL=smtp://), as the admin's "Send now" starts it: deliveries
made in bulk, then batches of NEWSLETTER_BATCH_SIZE over one connection each, at most
NEWSLETTER_RATE_PER_SECOND.

Prints the time from "Send now" to the last delivery marked sent against the goal (100,000
in at most 10 minutes), the worker's resident memory when it started and when it finished
(it must stay flat: nothing is kept per message), and messages received against
subscribers. Exits non-zero when a subscriber received nothing or a message came twice, or,
at full size, when a goal is missed. --tiny: 300 subscribers (the test suite's smoke run;
the goals are printed but not judged).
"""

import argparse
import os
import socket
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._services import (  # noqa: E402
    PROJECT,
    bench_env,
    child,
    drop_database,
    fresh_database,
    wait_for,
)

DB = f"newsroom_bench_newsletter_{os.getpid()}"
FULL_SIZE = 100_000
GOAL_SECONDS = 600
# Flat: the worker may grow by what its first batches warm up (caches, compiled queries),
# not by the list's size.
FLAT_MIB = 30


class Counting:
    """An aiosmtpd handler that counts what it receives."""

    def __init__(self):
        self.lock = threading.Lock()
        self.messages = 0
        self.recipients: dict[str, int] = {}

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages += 1
            for address in envelope.rcpt_tos:
                self.recipients[address] = self.recipients.get(address, 0) + 1
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_mib(pid: int) -> float:
    """Resident memory now (VmRSS) of a process and its children, in MiB."""
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    total = 0
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except FileNotFoundError:
            continue
    return total / 1024


def seed(subscribers: int):
    import datetime

    from django.utils import timezone

    from articles.models import Article, Section
    from newsletters.models import Edition, EditionStory, Newsletter, Subscription
    from readers.models import Mailbox

    section = Section.objects.create(name="News", slug="news")
    edition_of = Newsletter.objects.create(name="The Morning Brief", slug="morning")
    edition = Edition.objects.create(
        newsletter=edition_of,
        subject="Morning Brief: the last convoy",
        intro="<p>Good morning. Three stories to start the day.</p>",
    )
    for n in range(3):
        article = Article.objects.create(
            headline=f"Story number {n} of the morning",
            slug=f"story-{n}",
            dek="What happened, and why it matters.",
            body="<p>Text.</p>",
            section=section,
            status="published",
            publish_at=timezone.now() - datetime.timedelta(hours=n + 1),
        )
        EditionStory.objects.create(edition=edition, article=article, position=n)
    chunk = 5000
    for start in range(0, subscribers, chunk):
        numbers = range(start, min(start + chunk, subscribers))
        boxes = Mailbox.objects.bulk_create(
            Mailbox(key=f"reader{n}@example.org", email=f"reader{n}@example.org") for n in numbers
        )
        Subscription.objects.bulk_create(
            Subscription(newsletter=edition_of, mailbox=box, state="confirmed") for box in boxes
        )
    return edition


def main(subscribers: int, rate: float | None, batch: int | None, judged: bool) -> int:
    from aiosmtpd.controller import Controller

    handler = Counting()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    extra = {"EMAIL_URL": f"smtp://127.0.0.1:{port}", "DEFAULT_FROM_EMAIL": "news@example.org"}
    if rate is not None:
        extra["NEWSLETTER_RATE_PER_SECOND"] = str(rate)
    if batch is not None:
        extra["NEWSLETTER_BATCH_SIZE"] = str(batch)
    env = bench_env(DB, **extra)
    fresh_database(DB, env)
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "newsroom.settings"
    import django

    django.setup()
    from django.conf import settings

    from newsletters import sending
    from newsletters.models import Delivery, Edition
    from newsroom.tasks import health_ping

    failures = []
    try:
        started_seeding = time.perf_counter()
        edition = seed(subscribers)
        print(
            f"{subscribers:,} confirmed subscribers seeded in "
            f"{time.perf_counter() - started_seeding:.0f} s; batches of "
            f"{settings.NEWSLETTER_BATCH_SIZE}, at most {settings.NEWSLETTER_RATE_PER_SECOND:g} "
            f"messages/s; SMTP to aiosmtpd on port {port}"
        )
        args = [sys.executable, "-m", "celery", "-A", "newsroom", "worker", "--loglevel=WARNING"]
        args += ["--without-mingle", "--without-gossip", "--concurrency=1"]
        log = PROJECT / "test-artifacts" / "bench-newsletter-worker.log"
        with child(args, env, log) as worker:
            health_ping.delay().get(timeout=60)
            rss_start = rss_mib(worker.pid)
            started = time.perf_counter()
            sending.edition_send(edition)
            owed = Delivery.objects.filter(status__in=["pending", "sending"])

            def finished():
                status = Edition.objects.values_list("status", flat=True).get(pk=edition.pk)
                return status == Edition.Status.SENT and not owed.exists()

            last_print = [started]

            def progress():
                now = time.perf_counter()
                if now - last_print[0] > 30:
                    last_print[0] = now
                    print(f"  {now - started:5.0f} s: {handler.messages:,} received", flush=True)
                return finished()

            done = wait_for(progress, timeout=max(1800, subscribers / 50), interval=0.5)
            seconds = time.perf_counter() - started
            rss_end = rss_mib(worker.pid)
        received = len(handler.recipients)
        twice = sum(1 for count in handler.recipients.values() if count > 1)
        sent = Delivery.objects.filter(status="sent").count()
        print(
            f"elapsed {seconds:.1f} s for {subscribers:,} ({subscribers / seconds:.0f}/s); goal "
            f"≤ {GOAL_SECONDS} s for {FULL_SIZE:,}: {seconds / GOAL_SECONDS:.2f} of it"
            + ("" if judged else " (not judged at this size)")
        )
        print(f"worker RSS: {rss_start:.1f} MiB at start, {rss_end:.1f} MiB at the end")
        print(
            f"received {handler.messages:,} messages for {received:,} of {subscribers:,} "
            f"subscribers ({twice} twice); deliveries marked sent: {sent:,}"
        )
        if not done:
            failures.append("the edition did not finish")
        if received != subscribers or sent != subscribers:
            failures.append("not every subscriber received the edition")
        if twice:
            failures.append(f"{twice} subscribers received it twice with no worker killed")
        if judged and seconds > GOAL_SECONDS:
            failures.append(f"slower than the goal ({seconds:.0f} s > {GOAL_SECONDS} s)")
        if judged and rss_end - rss_start > FLAT_MIB:
            failures.append(f"the worker grew by {rss_end - rss_start:.0f} MiB")
    finally:
        controller.stop()
        from django.db import connections

        connections.close_all()
        drop_database(DB)
    print("; ".join(failures) if failures else "goal met: every subscriber received it once")
    return 1 if failures else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=FULL_SIZE)
    parser.add_argument("--rate", type=float, help="NEWSLETTER_RATE_PER_SECOND (default: settings)")
    parser.add_argument("--batch", type=int, help="NEWSLETTER_BATCH_SIZE (default: settings)")
    parser.add_argument("--tiny", action="store_true", help="300 subscribers: a smoke run")
    options = parser.parse_args()
    if options.tiny:
        options.subscribers = 300
    judged = options.subscribers >= FULL_SIZE
    raise SystemExit(main(options.subscribers, options.rate, options.batch, judged))
