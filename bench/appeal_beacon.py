"""Requests per second of the appeals' beacon under gunicorn, against a bare floor.

    .venv/bin/python bench/appeal_beacon.py [--seconds 6] [--clients 4] [--workers 2] [--tiny]

Serves the site with gunicorn against PostgreSQL (a scratch database with the seeded appeals)
and Redis, then posts, in interleaved rounds:
  bare     a CSRF-exempt Django view that reads the body and answers 204
  beacon   /support/appeals/count with a view of the seeded end-of-article appeal (one
           HINCRBY in Redis), as the appeal picker sends it
The per-network cap is raised for the run (one client address sends everything), so every
beacon takes the counting path. Prints requests per second, p50 and p99 and the beacon's
ratio to the floor; goal >= 0.5 (the beacon is sent on one page view in ten). Exits
non-zero when the goal is missed or no view was counted. --tiny: one client for a second.
"""

import argparse
import http.client
import json
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import redis

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._services import bench_env, child, drop_database, fresh_database, wait_for  # noqa: E402
from bench.pages import HOST, _answers, _gunicorn, free_port  # noqa: E402

DB = f"newsroom_bench_beacon_{os.getpid()}"
GOAL = 0.5


def post(port: int, path: str, body: bytes) -> int:
    connection = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        connection.request("POST", path, body, {"Content-Type": "application/json"})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def hammer(port: int, path: str, body: bytes, seconds: float) -> list[float]:
    latencies, deadline = [], time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        start = time.perf_counter()
        status = post(port, path, body)
        latencies.append(time.perf_counter() - start)
        if status != 204:
            raise RuntimeError(f"{path} answered {status}")
    return latencies


def main(seconds: float, clients: int, workers: int, rounds: int) -> bool:
    env = bench_env(DB, APPEAL_BEACON_RATE_LIMIT="100000000/m")
    fresh_database(DB, env)
    port = free_port()
    log = Path(tempfile.gettempdir()) / "bench-beacon-gunicorn.log"
    try:
        with child(_gunicorn(port, workers), env, log), ProcessPoolExecutor(clients) as pool:
            if not wait_for(lambda: _answers(port), timeout=30):
                raise SystemExit(f"gunicorn did not start; see {log}")
            weights = http.client.HTTPConnection(HOST, port, timeout=10)
            weights.request("GET", "/support/appeals/weights.json")
            shares = json.loads(weights.getresponse().read())["placements"]["end_of_article"]
            variant = int(next(iter(shares)))
            body = json.dumps({"v": variant, "e": "view", "a": None}).encode()
            cases = {
                "bare": ("/bench/bare-post/", body),
                "beacon": ("/support/appeals/count", body),
            }
            latencies = {name: [] for name in cases}
            for path, data in cases.values():
                hammer(port, path, data, 0.5)  # warm up
            for _ in range(rounds):
                for name, (path, data) in cases.items():
                    futures = [
                        pool.submit(hammer, port, path, data, seconds / rounds)
                        for _ in range(clients)
                    ]
                    latencies[name] += [x for f in futures for x in f.result()]
        counted = _counted(env["CACHE_URL"])
    finally:
        drop_database(DB)
    return report(latencies, seconds, workers, clients, counted)


def _counted(cache_url: str) -> int:
    client = redis.Redis.from_url(cache_url)
    total = 0
    for key in client.keys("*support:appeal-counts*"):
        total += sum(int(v) for v in client.hgetall(key).values())
    return total


def report(latencies: dict, seconds: float, workers: int, clients: int, counted: int) -> bool:
    print(
        f"gunicorn, {workers} sync workers, PostgreSQL + Redis; {clients} clients, "
        f"{seconds:g} s per case; load average {os.getloadavg()[0]:.1f} at the end"
    )
    rates = {}
    print(f"{'case':<10}{'rps':>9}{'p50 ms':>9}{'p99 ms':>9}")
    for name, values in latencies.items():
        values.sort()
        rates[name] = len(values) / seconds
        p99 = values[max(0, int(len(values) * 0.99) - 1)] * 1000
        print(f"{name:<10}{rates[name]:>9.1f}{statistics.median(values) * 1000:>9.2f}{p99:>9.2f}")
    ratio = rates["beacon"] / rates["bare"]
    met = ratio >= GOAL and counted > 0
    print(f"beacon: {ratio:.2f} of the bare view (goal >= {GOAL}) {'ok' if met else 'MISSED'}; "
          f"views counted in Redis: {counted:,}")  # fmt: skip
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
