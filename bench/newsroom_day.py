"""A newsroom's day in miniature: readers, an editor saving stories, and gifts arriving.

    .venv/bin/python bench/newsroom_day.py [--seconds 30] [--articles 10000] [--clients 4]
                                           [--workers 2] [--edit-every 5] [--gift-every 1]
                                           [--warmers 6] [--lifetime 3600]
                                           [--live-entries 50] [--poll-rate 20] [--tiny]

Serves the site with gunicorn against PostgreSQL (a scratch database of --articles
articles, built as bench/scale.py builds it) and Redis. Readers request articles with a
Zipf popularity (the n-th most read is read 1/n as often as the first), and the home page
and a section page one time in ten. Meanwhile an editor saves a random story every
--edit-every seconds and a gift is paid every --gift-every seconds (the goal meter moves).
The most read story is an open live blog: --live-entries entries are posted to it, evenly
over the run, while its open pages ask for its poll document (live.json) --poll-rate times
a second in all (20: 300 readers polling every 15 s); each entry stales the story's key.
Every article is requested once first, by --warmers concurrent clients (a warm cache, as
after a day of reading); pages live --lifetime seconds in the page cache for the run, so
the warmed pages are still there when the readers start (the run says so if warming took
longer: then its figures do not test the design). Every request of the readers counts,
cold ones included. It prints the page cache's hit ratio (from the X-Page-Cache header),
requests per second and their ratio to a bare Django view measured after, in the same run.
Goal: hit ratio >= 95%. Exits non-zero when a request failed or the goal is missed.
--tiny: 200 articles, one reader for 3 s and 5 entries (the test suite's smoke run: every
request must succeed, the goal is printed but not judged). --live-entries 0: no live blog.
"""

import argparse
import http.client
import os
import random
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from itertools import accumulate
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._services import bench_env, child, drop_database, fresh_database, wait_for  # noqa: E402
from bench.pages import free_port  # noqa: E402

DB = f"newsroom_bench_day_{os.getpid()}"  # runs side by side do not share it
HOST = "127.0.0.1"
GOAL = 0.95


def read(port: int, paths: list[str], seconds: float, seed: int) -> dict:
    """Request Zipf-chosen pages for the given time; count hits, misses and errors."""
    rng = random.Random(seed)
    weights = list(accumulate(1 / (n + 1) for n in range(len(paths))))
    counts = {"hit": 0, "miss": 0, "other": 0, "errors": 0}
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        roll = rng.random()
        path = "/" if roll < 0.05 else "/section/world/" if roll < 0.1 else None
        path = path or rng.choices(paths, cum_weights=weights)[0]
        connection = http.client.HTTPConnection(HOST, port, timeout=10)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                counts["errors"] += 1
            else:
                counts[response.getheader("X-Page-Cache") or "other"] += 1
        except OSError:
            counts["errors"] += 1
        finally:
            connection.close()
    return counts


def poll(port: int, path: str, rate: float, seconds: float) -> dict:
    """Ask for a live blog's poll document `rate` times a second (its open pages, in all)."""
    counts = {"hit": 0, "miss": 0, "other": 0, "errors": 0}
    began = time.perf_counter()
    deadline, asked = began + seconds, 0
    while (now := time.perf_counter()) < deadline:
        due = began + asked / rate
        if due > now:
            time.sleep(due - now)
        asked += 1
        connection = http.client.HTTPConnection(HOST, port, timeout=10)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                counts["errors"] += 1
            else:
                counts[response.getheader("X-Page-Cache") or "other"] += 1
        except OSError:
            counts["errors"] += 1
        finally:
            connection.close()
    return counts


def warm(port: int, paths: list[str]) -> int:
    """Request each path once, as a day of reading would have: the cache starts warm."""
    for path in paths:
        connection = http.client.HTTPConnection(HOST, port, timeout=30)
        try:
            connection.request("GET", path)
            connection.getresponse().read()
        finally:
            connection.close()
    return len(paths)


def bare(port: int, size: int, seconds: float) -> int:
    done, deadline = 0, time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        connection = http.client.HTTPConnection(HOST, port, timeout=10)
        connection.request("GET", f"/bench/bare/{size}/")
        connection.getresponse().read()
        connection.close()
        done += 1
    return done


def newsroom(stop: threading.Event, edit_every: float, gift_every: float, articles: int, live):
    """Save a story every edit_every seconds and record a gift every gift_every seconds;
    post to the live blog every live["every"] seconds, live["entries"] times."""
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from articles.live import live_entry_post
    from articles.models import Article
    from support.models import Donation, Payment
    from support.services import goal_changed

    rng = random.Random(7)
    next_edit = next_gift = next_entry = time.monotonic()
    counts = {"edits": 0, "gifts": 0, "entries": 0}
    blog = Article.objects.get(pk=live["pk"]) if live["entries"] else None
    editor = get_user_model().objects.create(
        username="live-editor", is_staff=True, is_superuser=True
    )
    while not stop.is_set():
        now = time.monotonic()
        if blog is not None and counts["entries"] < live["entries"] and now >= next_entry:
            live_entry_post(
                article=blog,
                user=editor,
                headline=f"Update {counts['entries'] + 1}" if counts["entries"] % 3 == 0 else "",
                body=f"<p>{' '.join(rng.choices(WORDS, k=40)).capitalize()}.</p>",
            )
            counts["entries"] += 1
            next_entry += live["every"]
        if now >= next_edit:
            article = Article.objects.get(pk=rng.randint(1, articles))
            article.dek += " Updated."
            article.save()
            counts["edits"] += 1
            next_edit += edit_every
        if now >= next_gift:
            donation = Donation.objects.create(
                amount=Decimal(5), frequency="once", status="paid", placement="end_of_article"
            )
            Payment.objects.create(
                donation=donation, kind="one_time", amount=Decimal(5), paid_at=timezone.now()
            )
            goal_changed()  # as the payment webhook does
            counts["gifts"] += 1
            next_gift += gift_every
        stop.wait(0.05)
    return counts


WORDS = "the convoy crossed checkpoint road border officials said troops base handed over".split()


def main(options) -> int:
    media = tempfile.mkdtemp(prefix="bench-media-")
    env = bench_env(DB, MEDIA_ROOT=media, PAGE_CACHE_SECONDS=str(options.lifetime))
    print(f"building {DB} with {options.articles:,} articles ...", flush=True)
    fresh_database(DB, env)
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "newsroom.settings"
    import django

    django.setup()
    from articles.models import Article
    from bench import scale_data

    rng = random.Random(13)
    scale_data.taxonomy(rng)
    scale_data.articles(rng, scale_data.Words(rng), 0, options.articles)
    scale_data.vacuum_analyze()
    stories = [(a.pk, a.get_absolute_url()) for a in Article.objects.order_by("pk")]
    rng.shuffle(stories)  # popularity does not follow age
    paths = [path for _, path in stories]
    live = {"entries": options.live_entries, "every": options.seconds / (options.live_entries or 1)}
    if options.live_entries:  # the most read story is an open live blog
        Article.objects.filter(pk=stories[0][0]).update(live_blog="open")
        live.update(pk=stories[0][0], poll=paths[0] + "live.json")
    port = free_port()
    args = [
        sys.executable, "-m", "gunicorn", "bench.pages_wsgi:application",
        "--bind", f"{HOST}:{port}", "--workers", str(options.workers), "--log-level", "warning",
    ]  # fmt: skip
    log = Path(tempfile.gettempdir()) / "bench-day-gunicorn.log"
    stop = threading.Event()
    try:
        pool_size = max(options.clients, options.warmers)
        with child(args, env, log), ProcessPoolExecutor(pool_size) as pool:
            if not wait_for(lambda: _answers(port), timeout=30):
                raise SystemExit(f"gunicorn did not start; see {log}")
            size = len(_get(port, paths[0]))
            began = time.perf_counter()
            warming = paths + ([live["poll"]] if options.live_entries else [])
            chunks = [warming[n :: options.warmers] for n in range(options.warmers)]
            warmed = sum(pool.map(warm, [port] * options.warmers, chunks))
            warm_seconds = time.perf_counter() - began
            print(f"warmed {warmed:,} pages in {warm_seconds:.0f} s", flush=True)
            if warm_seconds + options.seconds > options.lifetime:
                print(
                    f"INVALID: warming and reading take longer than pages live "
                    f"({options.lifetime} s); raise --lifetime",
                    flush=True,
                )
            result = {}
            editor = threading.Thread(
                target=lambda: result.update(
                    newsroom(stop, options.edit_every, options.gift_every, options.articles, live)
                )
            )
            editor.start()
            futures = [
                pool.submit(read, port, paths, options.seconds, n) for n in range(options.clients)
            ]
            polling = None
            if options.live_entries and options.poll_rate:
                polling = pool.submit(poll, port, live["poll"], options.poll_rate, options.seconds)
            counts = {"hit": 0, "miss": 0, "other": 0, "errors": 0}
            for future in futures:
                for name, value in future.result().items():
                    counts[name] += value
            polls = polling.result() if polling else {}
            for name, value in polls.items():
                counts[name] += value
            stop.set()
            editor.join()
            floor = sum(
                f.result()
                for f in [
                    pool.submit(bare, port, size, options.seconds / 2)
                    for _ in range(options.clients)
                ]
            ) / (options.seconds / 2)
    finally:
        django.db.connections.close_all()
        drop_database(DB)
    return report(counts, result, floor, options, warm_seconds, polls)


def _get(port: int, path: str) -> bytes:
    connection = http.client.HTTPConnection(HOST, port, timeout=10)
    connection.request("GET", path)
    body = connection.getresponse().read()
    connection.close()
    return body


def _answers(port: int) -> bool:
    try:
        return bool(_get(port, "/"))
    except OSError:
        return False


def report(
    counts: dict, newsroom: dict, floor: float, options, warm_seconds: float, polls: dict
) -> int:
    total = counts["hit"] + counts["miss"] + counts["other"]
    ratio = counts["hit"] / total if total else 0
    rps = (total + counts["errors"]) / options.seconds
    print(
        f"{options.seconds:g} s, {options.clients} readers over {options.articles:,} articles "
        f"(Zipf), gunicorn {options.workers} workers; {newsroom.get('edits', 0)} stories saved, "
        f"{newsroom.get('gifts', 0)} gifts, {newsroom.get('entries', 0)} live blog entries; "
        f"warmed by {options.warmers} clients in "
        f"{warm_seconds:.0f} s ({options.articles / warm_seconds:.0f} pages/s), pages live "
        f"{options.lifetime} s; load average {os.getloadavg()[0]:.1f}"
    )
    print(
        f"requests {total:,} (errors {counts['errors']}), hits {counts['hit']:,}, "
        f"misses {counts['miss']:,}: hit ratio {ratio:.1%} (goal >= {GOAL:.0%}) "
        f"{'ok' if ratio >= GOAL else 'MISSED'}"
    )
    if polls:
        asked = polls["hit"] + polls["miss"] + polls["other"]
        print(
            f"of which the live blog's poll document: {asked:,} (errors {polls['errors']}), "
            f"hits {polls['hit']:,}, misses {polls['miss']:,}: "
            f"hit ratio {polls['hit'] / asked if asked else 0:.1%}"
        )
    print(f"throughput {rps:.1f} rps; bare Django view {floor:.1f} rps; ratio {rps / floor:.2f}")
    posted = newsroom.get("entries", 0) == options.live_entries
    failed = counts["errors"] or not total or not posted
    return 1 if failed or (ratio < GOAL and not options.tiny) else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--edit-every", type=float, default=5)
    parser.add_argument("--gift-every", type=float, default=1)
    parser.add_argument("--warmers", type=int, default=6, help="concurrent clients warming")
    parser.add_argument("--lifetime", type=int, default=3600, help="PAGE_CACHE_SECONDS for the run")
    parser.add_argument("--live-entries", type=int, default=50, help="entries posted (0: none)")
    parser.add_argument("--poll-rate", type=float, default=20, help="live.json requests a second")
    parser.add_argument("--tiny", action="store_true", help="200 articles, 3 s: a smoke run")
    options = parser.parse_args()
    if options.tiny:
        options.seconds, options.articles, options.clients, options.workers = 3, 200, 1, 1
        options.warmers, options.edit_every = 2, 1
        options.live_entries = min(options.live_entries, 5)
    raise SystemExit(main(options))
