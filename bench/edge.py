"""Throughput of the story page from the edge cache, as a ratio to the bare floor, with wrk.

    .venv/bin/python bench/edge.py [--seconds 10] [--connections 16] [--rounds 3] [--tiny]

Runs the production chain on this machine: Varnish (deploy/varnish/default.vcl) in front
of nginx (deploy/nginx/newsroom.conf.template) in front of gunicorn (2 sync workers, the
page cache on, PostgreSQL and Redis), and measures with wrk, round after round:
  bare    a Django view under the same gunicorn returning as many bytes as the story page
  edge    the story page through Varnish (a kept page never reaches Python)
and prints each one's requests per second and the edge's ratio to the bare view (goal:
>= 5). A Python client would saturate two cores before Varnish does, hence wrk. Needs
varnishd, nginx and wrk (Debian's varnish, varnish-modules, nginx, wrk); exits non-zero
when the goal is missed. --tiny: one round of a second (the test suite's smoke run).
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from string import Template

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._services import (  # noqa: E402
    PROJECT,
    bench_env,
    child,
    drop_database,
    fresh_database,
    wait_for,
)
from bench.pages import ARTICLE, HOST, free_port, get  # noqa: E402

DB = f"newsroom_bench_edge_{os.getpid()}"
GOAL = 5.0
NGINX_WRAPPER = """
worker_processes 1;
pid $tmp/nginx.pid;
error_log $tmp/nginx-error.log;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $tmp/body;
    proxy_temp_path $tmp/proxy;
    fastcgi_temp_path $tmp/fastcgi;
    uwsgi_temp_path $tmp/uwsgi;
    scgi_temp_path $tmp/scgi;
    include $tmp/newsroom.conf;
}
"""


def tool(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/local/sbin")
    if found is None:
        raise SystemExit(f"bench/edge.py needs {name} (apt-get install {name.rstrip('d')})")
    return found


def nginx_args(app_port: int, port: int, work: Path) -> list[str]:
    (work / "static").mkdir(exist_ok=True)
    (work / "media").mkdir(exist_ok=True)
    template = (PROJECT / "deploy" / "nginx" / "newsroom.conf.template").read_text()
    values = {
        "NEWSROOM_APP": f"{HOST}:{app_port}",
        "NEWSROOM_LISTEN": f"{HOST}:{port}",
        "NEWSROOM_STATIC": str(work / "static"),
        "NEWSROOM_MEDIA": str(work / "media"),
    }
    (work / "newsroom.conf").write_text(Template(template).safe_substitute(values))
    (work / "nginx.conf").write_text(Template(NGINX_WRAPPER).substitute(tmp=work))
    return [tool("nginx"), "-p", str(work), "-c", str(work / "nginx.conf"), "-g", "daemon off;"]


def varnish_args(backend_port: int, port: int, work: Path) -> list[str]:
    vcl = (PROJECT / "deploy" / "varnish" / "default.vcl").read_text()
    vcl = vcl.replace('.host = "proxy";', f'.host = "{HOST}";')
    vcl = vcl.replace('.port = "80";', f'.port = "{backend_port}";')
    (work / "default.vcl").write_text(vcl)
    return [
        tool("varnishd"), "-F", "-j", "none", "-a", f"{HOST}:{port}",
        "-f", str(work / "default.vcl"), "-n", str(work / "varnish"), "-s", "malloc,64m",
    ]  # fmt: skip


def wrk(url: str, seconds: float, connections: int) -> float:
    """Requests per second wrk measures at the URL (a second's warm-up first)."""
    args = [tool("wrk"), "-t2", f"-c{connections}", f"-d{max(1, round(seconds))}s", url]
    subprocess.run([*args[:3], "-d1s", url], capture_output=True, check=True)
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise RuntimeError(f"{url}: {errors.group(1)} answers were not 2xx or 3xx")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def main(seconds: float, connections: int, rounds: int) -> bool:
    work = Path(tempfile.mkdtemp(prefix="bench-edge-"))
    env = bench_env(DB, MEDIA_ROOT=str(work / "media"))
    fresh_database(DB, env)
    subprocess.run(
        [sys.executable, "manage.py", "seed_demo"], cwd=PROJECT, env=env, check=True,
        capture_output=True,
    )  # fmt: skip
    app, proxy, edge = free_port(), free_port(), free_port()
    gunicorn = [
        sys.executable, "-m", "gunicorn", "bench.pages_wsgi:application",
        "--bind", f"{HOST}:{app}", "--workers", "2", "--log-level", "warning",
    ]  # fmt: skip
    log = Path(tempfile.gettempdir()) / "bench-edge.log"
    try:
        with (
            child(gunicorn, env, log),
            child(nginx_args(app, proxy, work), env, work / "nginx.log"),
            child(varnish_args(proxy, edge, work), env, work / "varnish.log"),
        ):
            ready = wait_for(lambda: _answers(edge), timeout=30)
            if not ready:
                raise SystemExit(f"the chain did not answer; see {log} and {work}")
            size = len(get(edge, ARTICLE)[1])
            urls = {
                "bare": f"http://{HOST}:{app}/bench/bare/{size}/",
                "edge": f"http://{HOST}:{edge}{ARTICLE}",
            }
            found = {name: [] for name in urls}
            for _ in range(rounds):
                for name, url in urls.items():
                    found[name].append(wrk(url, seconds / rounds, connections))
                    time.sleep(0.5)
    finally:
        drop_database(DB)
        shutil.rmtree(work, ignore_errors=True)
    return report(found, size, connections)


def _answers(port: int) -> bool:
    try:
        return get(port, ARTICLE)[0] == 200
    except OSError:
        return False


def report(found: dict, size: int, connections: int) -> bool:
    bare, edge = (sorted(found[name])[len(found[name]) // 2] for name in ("bare", "edge"))
    ratios = [e / b for b, e in zip(found["bare"], found["edge"], strict=True)]
    ratio = sorted(ratios)[len(ratios) // 2]
    print(
        f"wrk, 2 threads, {connections} connections; story page {size} bytes; gunicorn 2 sync "
        f"workers behind nginx and Varnish; load average {os.getloadavg()[0]:.1f} at the end"
    )
    print(f"bare (gunicorn)   {bare:10.1f} req/s")
    print(f"edge (Varnish)    {edge:10.1f} req/s")
    print(f"edge: {ratio:.1f} of the bare view, rounds {', '.join(f'{r:.1f}' for r in ratios)} "
          f"(goal >= {GOAL}) {'ok' if ratio >= GOAL else 'MISSED'}")  # fmt: skip
    return ratio >= GOAL


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--tiny", action="store_true", help="one round of a second: a smoke run")
    options = parser.parse_args()
    if options.tiny:
        options.seconds, options.rounds = 1, 1
    met = main(options.seconds, options.connections, options.rounds)
    raise SystemExit(0 if met or options.tiny else 1)
