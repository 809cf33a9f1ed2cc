"""Shared plumbing for the benchmarks: a scratch PostgreSQL database and child processes."""

import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import psycopg
import redis

PROJECT = Path(__file__).resolve().parent.parent
PG_ADMIN = os.environ.get("BENCH_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379")
# The Redis databases of the broker, the results and the cache (emptied by every run), e.g.
# BENCH_REDIS_DBS=13,14,15; the test suite's smoke runs give the suite's own.
REDIS_DBS = os.environ.get("BENCH_REDIS_DBS", "")


def redis_dbs(default: tuple[int, int, int] = (13, 14, 15)) -> tuple[int, ...]:
    return tuple(int(n) for n in REDIS_DBS.split(",")) if REDIS_DBS else default


def bench_env(db_name: str, **extra: str) -> dict[str, str]:
    """Environment for a production-like child: PostgreSQL, Redis, DEBUG off."""
    admin = psycopg.conninfo.conninfo_to_dict(PG_ADMIN)
    broker, results, cache = redis_dbs()
    return {
        **os.environ,
        "DEBUG": "0",
        "TESTING": "0",
        "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-0123",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": "http://127.0.0.1:8000",
        "DEFAULT_FROM_EMAIL": "bench@localhost",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": f"postgres://{admin.get('user', 'postgres')}@{admin.get('host')}:"
        f"{admin.get('port', 5432)}/{db_name}",
        "CELERY_BROKER_URL": f"{REDIS}/{broker}",
        "CELERY_RESULT_BACKEND": f"{REDIS}/{results}",
        "CACHE_URL": f"{REDIS}/{cache}",
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def fresh_database(db_name: str, env: dict[str, str], *, flush_redis: bool = True) -> None:
    """Drop and recreate a scratch database, then migrate it (and empty the bench's Redis)."""
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{db_name}"')
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=PROJECT,
        env=env,
        check=True,
    )
    if flush_redis:  # the broker, results and the page cache: no page of an earlier run
        for name in ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "CACHE_URL"):
            if env[name].startswith("redis://"):
                redis.Redis.from_url(env[name]).flushdb()


def drop_database(db_name: str) -> None:
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')


@contextmanager
def child(args: list[str], env: dict[str, str], log: Path):
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as out:
        proc = subprocess.Popen(args, cwd=PROJECT, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


def peak_rss_mib(pid: int) -> float:
    """Peak resident memory of a process and its children (VmHWM), in MiB."""
    total = 0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1])
        except FileNotFoundError:
            continue
    return total / 1024


def wait_for(predicate, timeout: float, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False
