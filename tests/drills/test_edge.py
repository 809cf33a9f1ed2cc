"""Drill: the production chain, TLS terminator -> Varnish -> nginx -> gunicorn.

The project's VCL (deploy/varnish/default.vcl) and nginx template run with this machine's
varnishd and nginx in front of the app. Kept pages come from Varnish without reaching
Python; an edit purges exactly the pages carrying its keys; the scheme the TLS terminator
reports survives the chain (no redirect loop); the app keys a client by the address the
edge saw, whatever the client wrote into X-Forwarded-For itself.
"""

import shutil
import subprocess
import uuid

import pytest
import requests

from tests.articles.factories import ArticleFactory, SectionFactory
from tests.conftest import ARTIFACTS
from tests.drills.conftest import NGINX, free_port, start_nginx, wait_until, web_server
from tests.processes import PROJECT_DIR

VARNISHD = shutil.which("varnishd") or (
    "/usr/sbin/varnishd" if shutil.which("varnishd", path="/usr/sbin") else None
)
TLS = {"X-Forwarded-Proto": "https"}  # what the TLS terminator in front says

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),  # gunicorn reads the rows
    pytest.mark.skipif(
        VARNISHD is None or NGINX is None,
        reason="no varnishd or nginx on this machine (.ci/run installs them)",
    ),
]


def start_varnish(backend_port: int, work):
    port = free_port()
    vcl = (PROJECT_DIR / "deploy" / "varnish" / "default.vcl").read_text()
    vcl = vcl.replace('.host = "proxy";', '.host = "127.0.0.1";')
    vcl = vcl.replace('.port = "80";', f'.port = "{backend_port}";')
    (work / "default.vcl").write_text(vcl)
    log = open(ARTIFACTS / "drill-varnish.log", "wb")
    args = [VARNISHD, "-F", "-j", "none", "-a", f"127.0.0.1:{port}", "-f"]
    args += [str(work / "default.vcl"), "-n", str(work / f"n-{uuid.uuid4().hex[:8]}")]
    args += ["-s", "malloc,32m", "-p", "default_grace=0"]
    proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
    return proc, log, f"http://127.0.0.1:{port}"


@pytest.fixture
def chain(proxy_files, tmp_path, settings):
    """Varnish -> nginx -> gunicorn; edits made here purge the edge, as the worker would."""
    ARTIFACTS.mkdir(exist_ok=True)
    env = {
        "TRUSTED_PROXY_COUNT": "2",
        "TRUSTED_PROXY_NETWORKS": "127.0.0.0/8",
        "TRUST_X_FORWARDED_PROTO": "1",
        "SECURE_SSL_REDIRECT": "1",
        "ADMIN_LOGIN_FAILURE_LIMIT": "3",
    }
    with web_server("drill-edge-web", **env) as (app, web):
        nginx, nginx_log, proxy = start_nginx(app, proxy_files)
        varnish, varnish_log, edge = start_varnish(int(proxy.rsplit(":", 1)[1]), tmp_path)
        try:

            def answering():
                try:
                    return requests.get(f"{edge}/robots.txt", headers=TLS, timeout=2).ok
                except requests.RequestException:
                    return False

            wait_until(answering, timeout=30, procs=[web, nginx, varnish], what="the edge")
            settings.CDN_PURGE_BACKEND = "pagecache.purge.VarnishPurge"
            settings.CDN_PURGE_URL = f"{edge}/"
            yield edge
        finally:
            for proc, log in ((varnish, varnish_log), (nginx, nginx_log)):
                proc.terminate()
                proc.wait(timeout=10)
                log.close()


def fetch(url: str, **headers) -> requests.Response:
    return requests.get(url, headers={**TLS, **headers}, timeout=10, allow_redirects=False)


def test_kept_pages_come_from_the_edge_and_an_edit_purges_exactly_its_pages(chain):
    world, sport = SectionFactory(slug="world"), SectionFactory(slug="sport")
    edited = ArticleFactory(live=True, section=world, headline="Ceasefire talks")
    unrelated = ArticleFactory(live=True, section=sport, headline="Cup final")
    pages = {
        "its page": edited.get_absolute_url(),
        "its section": "/section/world/",
        "unrelated article": unrelated.get_absolute_url(),
        "other section": "/section/sport/",
    }
    for path in pages.values():
        assert fetch(chain + path).headers["X-Cache"] == "miss"
    kept = {name: fetch(chain + path).headers["X-Cache"] for name, path in pages.items()}
    assert set(kept.values()) == {"hit"}
    # What a reader appends is not part of what the edge keeps.
    busted = fetch(f"{chain}{pages['its page']}?utm_source=x&cb=1")
    assert busted.headers["X-Cache"] == "hit"

    edited.headline = "Ceasefire agreed"
    edited.save()  # commits: the purge goes to Varnish by the page's keys

    after = {name: fetch(chain + path) for name, path in pages.items()}
    assert {name for name, r in after.items() if r.headers["X-Cache"] == "miss"} == {
        "its page",
        "its section",
    }
    assert "Ceasefire agreed" in after["its page"].text


def test_the_scheme_the_tls_terminator_reports_survives_the_chain(chain):
    article = ArticleFactory(live=True)

    over_tls = fetch(chain + article.get_absolute_url())
    plain = requests.get(chain + article.get_absolute_url(), timeout=10, allow_redirects=False)

    assert over_tls.status_code == 200  # not a redirect to itself
    assert plain.status_code == 301
    assert plain.headers["Location"].startswith("https://")


def test_a_client_writing_its_own_forwarded_for_is_still_locked_out(chain):
    def wrong_password(n: int) -> int:
        session = requests.Session()
        form = session.get(f"{chain}/admin/login/", headers=TLS, timeout=10)
        token = session.cookies.get("csrftoken") or form.cookies.get("csrftoken")
        response = session.post(
            f"{chain}/admin/login/",
            data={"username": "editor", "password": f"wrong-{n}", "csrfmiddlewaretoken": token},
            headers={
                **TLS,
                "X-Forwarded-For": f"203.0.113.{n}",
                "Referer": chain.replace("http://", "https://") + "/",
            },
            timeout=10,
        )
        return response.status_code

    statuses = [wrong_password(n) for n in range(5)]

    # Locked out at the third failure (ADMIN_LOGIN_FAILURE_LIMIT): the five addresses the
    # client wrote are not five clients.
    assert statuses == [200, 200, 429, 429, 429]


def test_the_appeals_weights_come_from_the_edge_and_their_beacons_leave_no_log_line(
    chain, proxy_files
):
    first = fetch(f"{chain}/support/appeals/weights.json?cb=1", Cookie="theme=dark")
    second = fetch(f"{chain}/support/appeals/weights.json")
    beacon = requests.post(
        f"{chain}/support/appeals/count", json={"v": 1, "e": "view"}, headers=TLS, timeout=10
    )

    assert first.status_code == 200 and "placements" in first.json()
    assert (first.headers["X-Cache"], second.headers["X-Cache"]) == ("miss", "hit")
    assert beacon.status_code == 204
    log = (proxy_files / "access.log").read_text()
    assert "/support/appeals/weights.json" in log  # nginx does log the rest
    assert "/support/appeals/count" not in log
