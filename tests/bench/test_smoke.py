"""Every script in bench/ at its smallest size (`--tiny`), so none rots unnoticed.

A smoke run fails when the script crashes or its own checks fail (each exits non-zero then);
its speed goals are printed but not judged at this size. The Python scripts need PostgreSQL
and Redis, and empty the suite's Redis databases as they start: they run with the tests
marked `alone`, after the others (make test-all). Lighthouse needs Node.js and Chromium.
"""

import os
import shutil
import subprocess
import sys
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from tests.processes import PROJECT_DIR

BENCH = PROJECT_DIR / "bench"
PYTHON_SCRIPTS = {
    "appeal_beacon.py": ["--tiny"],
    "edge.py": ["--tiny"],
    "goal_meter.py": ["--tiny"],
    "load.py": ["--tiny"],
    "newsletter.py": ["--tiny"],
    "newsroom_day.py": ["--tiny"],
    "pages.py": ["--tiny"],
    "reminders.py": ["--tiny"],
    "scale.py": ["--tiny", "--database", f"newsroom_scale_smoke_{os.getpid()}"],
    "webhooks.py": ["--tiny"],
}
# Scripts that need no database or Redis (a simulation): run in any environment.
PLAIN_SCRIPTS = {"appeals.py": ["--tiny"]}
REDIS_URLS = ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "CACHE_URL")  # BENCH_REDIS_DBS order


def bench_services() -> dict[str, str] | None:
    """The suite's PostgreSQL server and Redis databases, as the scripts take them; or None."""
    urls = [os.environ.get(name, "") for name in REDIS_URLS]
    if connection.vendor != "postgresql" or not all(u.startswith("redis://") for u in urls):
        return None
    db = settings.DATABASES["default"]
    user = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    redis = urlsplit(urls[0])
    return {
        "BENCH_PG_ADMIN_URL": f"postgresql://{user}@{host}/postgres",
        "BENCH_REDIS_URL": f"redis://{redis.netloc}",
        "BENCH_REDIS_DBS": ",".join(urlsplit(u).path.strip("/") or "0" for u in urls),
    }


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    result = subprocess.run(
        args, cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=900
    )
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.mark.alone
@pytest.mark.parametrize("script", sorted(PYTHON_SCRIPTS))
def test_the_script_runs_at_its_smallest_size_and_its_own_checks_pass(script):
    services = bench_services()
    if services is None:
        pytest.skip("the benchmarks need DATABASE_URL on PostgreSQL and Redis for the rest")
    needs = {"edge.py": ("varnishd", "nginx", "wrk")}.get(script, ())
    missing = [name for name in needs if not shutil.which(name, path=f"{os.defpath}:/usr/sbin")]
    if missing:
        pytest.skip(f"{script} needs {', '.join(missing)} (.ci/run installs them)")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DJANGO_"))}

    result = run([sys.executable, str(BENCH / script), *PYTHON_SCRIPTS[script]], env | services)

    assert result.stdout.strip(), "the script printed nothing"


@pytest.mark.parametrize("script", sorted(PLAIN_SCRIPTS))
def test_the_simulation_runs_at_its_smallest_size(script):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DJANGO_"))}

    result = run([sys.executable, str(BENCH / script), *PLAIN_SCRIPTS[script]], env)

    assert "revenue vs the oracle: median" in result.stdout
    assert "uniform split" in result.stdout


# Serialized rollback, as every live-server test here: a plain flush would make the content
# types anew, under other ids than the ones the next such test restores.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(
    not (shutil.which("npx") and shutil.which("chromium")),
    reason="Lighthouse needs Node.js (npx) and Debian's chromium",
)
def test_lighthouse_scores_the_article_page_of_a_live_site(live_server):
    call_command("seed_demo", verbosity=0)

    result = run(["bash", str(BENCH / "lighthouse.sh"), "--tiny", live_server.url], {**os.environ})

    assert "(mobile): performance" in result.stdout


def test_every_script_in_bench_has_a_smoke_run():
    scripts = {
        path.name
        for path in BENCH.glob("*.*")
        if path.suffix == ".sh"
        or (path.suffix == ".py" and 'if __name__ == "__main__"' in path.read_text())
    }

    assert scripts == {*PYTHON_SCRIPTS, *PLAIN_SCRIPTS, "lighthouse.sh"}
