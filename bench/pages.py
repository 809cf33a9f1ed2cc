"""Requests per second and latency of reader pages under gunicorn, cached and uncached.

    .venv/bin/python bench/pages.py [--seconds 6] [--clients 4] [--workers 2] [--rounds 3] [--tiny]

Serves the site with gunicorn against PostgreSQL (a scratch database holding the
peacekeeper story) and Redis, then measures in the same run:
  bare             a Django view returning as many bytes as the article page
  article cached   the article page, served from the page cache
  article uncached the article page rendered afresh (a second server, PAGE_CACHE_SECONDS=0)
  home cached / home uncached   the same for the home page
and prints each case's requests per second, p50 and p99, and its ratios to the bare view,
then whether each page meets its goal (cached >= 0.90 of the bare view, uncached >= 0.10).
Each case gets its seconds in several rounds, interleaved with the others. Exits non-zero
when a goal is missed. --tiny: one client for a second (the test suite's smoke run: every
page must answer, the goals are printed but not judged).
"""

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._services import bench_env, child, drop_database, fresh_database, wait_for  # noqa: E402

DB = f"newsroom_bench_pages_{os.getpid()}"  # runs side by side do not share it
ARTICLE = "/2024/06/12/russian-peacekeepers-complete-withdrawal-from-nagorno-karabakh/"
HOST = "127.0.0.1"
# Issue 13's goals, as ratios of requests per second to the bare view's.
GOALS = {"cached": 0.90, "uncached": 0.10}


def get(port: int, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def hammer(port: int, path: str, seconds: float) -> list[float]:
    """Request the path in a loop for the given time; return each latency in seconds."""
    latencies, deadline = [], time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        start = time.perf_counter()
        status, _ = get(port, path)
        latencies.append(time.perf_counter() - start)
        if status != 200:
            raise RuntimeError(f"{path} answered {status}")
    return latencies


def measure(pool, cases: dict, *, seconds, clients, rounds) -> dict:
    """Measure every case in turn, round after round, so shifting load hits them alike."""
    latencies = {name: [] for name in cases}
    for port, path in cases.values():
        hammer(port, path, 0.5)  # warm up: connections, caches, templates
    for _ in range(rounds):
        for name, (port, path) in cases.items():
            futures = [pool.submit(hammer, port, path, seconds / rounds) for _ in range(clients)]
            latencies[name] += [x for f in futures for x in f.result()]
    return {name: summary(sorted(values), seconds) for name, values in latencies.items()}


def summary(latencies: list[float], seconds: float) -> dict:
    return {
        "rps": len(latencies) / seconds,
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[int(len(latencies) * 0.99) - 1] * 1000,
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def main(seconds: float, clients: int, workers: int, rounds: int) -> bool:
    media = tempfile.mkdtemp(prefix="bench-media-")
    env = bench_env(DB, MEDIA_ROOT=media)
    fresh_database(DB, env)
    subprocess.run(
        [sys.executable, "manage.py", "seed_demo"], cwd=Path(__file__).parent.parent, env=env,
        check=True, capture_output=True,
    )  # fmt: skip
    cached, uncached = free_port(), free_port()
    log = Path(tempfile.gettempdir()) / "bench-pages-gunicorn.log"
    off = log.with_name("bench-pages-gunicorn-uncached.log")
    try:
        with (
            child(_gunicorn(cached, workers), env, log),
            child(_gunicorn(uncached, workers), {**env, "PAGE_CACHE_SECONDS": "0"}, off),
            ProcessPoolExecutor(clients) as pool,
        ):
            for port in (cached, uncached):
                if not wait_for(lambda port=port: _answers(port), timeout=30):
                    raise SystemExit(f"gunicorn did not start; see {log}")
            status, page = get(cached, ARTICLE)
            if status != 200:
                raise SystemExit(f"the article page answered {status}; see {log}")
            cases = {
                "bare": (cached, f"/bench/bare/{len(page)}/"),
                "article cached": (cached, ARTICLE),
                "article uncached": (uncached, ARTICLE),
                "home cached": (cached, "/"),
                "home uncached": (uncached, "/"),
            }
            results = measure(pool, cases, seconds=seconds, clients=clients, rounds=rounds)
    finally:
        drop_database(DB)
    return report(results, len(page), workers, clients, seconds)


def _gunicorn(port: int, workers: int) -> list[str]:
    return [
        sys.executable, "-m", "gunicorn", "bench.pages_wsgi:application",
        "--bind", f"{HOST}:{port}", "--workers", str(workers), "--log-level", "warning",
    ]  # fmt: skip


def _answers(port: int) -> bool:
    try:
        return get(port, "/")[0] == 200
    except OSError:
        return False


def report(results: dict, size: int, workers: int, clients: int, seconds: float) -> bool:
    bare = results["bare"]
    print(
        f"gunicorn, {workers} sync workers, PostgreSQL + Redis; {clients} clients, "
        f"{seconds:g} s per case; article page {size} bytes; load average "
        f"{os.getloadavg()[0]:.1f} at the end"
    )
    print(f"{'case':<18}{'rps':>9}{'p50 ms':>9}{'p99 ms':>9}{'rps/bare':>10}{'p50/bare':>10}")
    for name, r in results.items():
        print(
            f"{name:<18}{r['rps']:>9.1f}{r['p50']:>9.2f}{r['p99']:>9.2f}"
            f"{r['rps'] / bare['rps']:>10.2f}{r['p50'] / bare['p50']:>10.2f}"
        )
    met = True
    for name, r in results.items():
        goal = GOALS.get(name.split(" ", 1)[-1])
        if goal is not None:
            ratio = r["rps"] / bare["rps"]
            met &= ratio >= goal
            print(f"{name}: {ratio:.2f} of the bare view (goal >= {goal}) "
                  f"{'ok' if ratio >= goal else 'MISSED'}")  # fmt: skip
    print("all goals met" if met else "some goals missed")
    return met


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=6)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--tiny", action="store_true", help="one client for 1 s: a smoke run")
    options = parser.parse_args()
    if options.tiny:
        options.seconds, options.clients, options.workers, options.rounds = 1, 1, 1, 1
    met = main(options.seconds, options.clients, options.workers, options.rounds)
    raise SystemExit(0 if met or options.tiny else 1)
