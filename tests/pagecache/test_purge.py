"""Edits purge the edge cache by surrogate key, from a task after the commit."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from articles.models import Byline, Section
from pagecache.models import Purge
from tests.articles.factories import ArticleFactory, AuthorFactory, SectionFactory, TagFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def newsroom():
    world = SectionFactory(name="World", slug="world")
    tag, author = TagFactory(), AuthorFactory()
    edited = ArticleFactory(live=True, section=world, headline="Ceasefire talks")
    edited.tags.add(tag)
    Byline.objects.create(article=edited, author=author)
    unrelated = ArticleFactory(live=True, headline="Budget vote")
    return {"edited": edited, "unrelated": unrelated, "tag": tag, "author": author}


class FakeCdn(BaseHTTPRequestHandler):
    received: list = []

    delay = 0.0

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        FakeCdn.received.append((self.path, dict(self.headers), body))
        time.sleep(FakeCdn.delay)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    do_PURGE = do_POST

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_cdn(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeCdn)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    FakeCdn.received, FakeCdn.delay = [], 0.0
    settings.CDN_PURGE_URL = f"http://127.0.0.1:{server.server_port}"
    settings.CDN_SERVICE_ID = "svc123"
    settings.CDN_API_TOKEN = "token-abc"
    settings.PAGE_CACHE_RECHECK_SECONDS = 0  # see the test of the wait below
    yield FakeCdn.received
    server.shutdown()
    server.server_close()


def test_fastly_gets_the_edited_articles_keys_when_the_edit_commits(
    settings, fake_cdn, newsroom, django_capture_on_commit_callbacks
):
    settings.CDN_PURGE_BACKEND = "pagecache.purge.FastlyPurge"
    edited = newsroom["edited"]

    with django_capture_on_commit_callbacks(execute=True):
        edited.headline = "Ceasefire agreed"
        edited.save()

    keys = {key for path, headers, _ in fake_cdn for key in headers["Surrogate-Key"].split()}
    assert {path for path, _, _ in fake_cdn} == {"/service/svc123/purge"}
    assert {headers["Fastly-Key"] for _, headers, _ in fake_cdn} == {"token-abc"}
    assert {f"article:{edited.pk}", "list:home", f"list:section:{edited.section_id}",
            f"list:tag:{newsroom['tag'].pk}", f"list:author:{newsroom['author'].pk}",
            "feeds", "sitemaps"} <= keys  # fmt: skip
    assert f"article:{newsroom['unrelated'].pk}" not in keys


def test_cloudflare_gets_the_tags_of_a_renamed_section(
    settings, fake_cdn, newsroom, django_capture_on_commit_callbacks
):
    settings.CDN_PURGE_BACKEND = "pagecache.purge.CloudflarePurge"
    section = Section.objects.get(slug="world")

    with django_capture_on_commit_callbacks(execute=True):
        section.name = "World news"
        section.save()

    [(path, headers, body)] = fake_cdn
    assert path == "/zones/svc123/purge_cache"
    assert headers["Authorization"] == "Bearer token-abc"
    assert set(json.loads(body)["tags"]) == {f"section:{section.pk}", "lists"}


def test_a_purge_waits_until_no_process_still_serves_its_own_copy_of_the_old_page(
    settings, fake_cdn, newsroom, django_capture_on_commit_callbacks
):
    # Each process serves a page it found fresh for PAGE_CACHE_RECHECK_SECONDS without
    # asking again: purged any sooner, the edge could fetch such a copy again and keep it.
    settings.CDN_PURGE_BACKEND = "pagecache.purge.VarnishPurge"
    settings.PAGE_CACHE_RECHECK_SECONDS = 0.5
    received_at = []
    FakeCdn.received = _Noted(received_at)

    with django_capture_on_commit_callbacks(execute=True):
        newsroom["edited"].save()
        committed = time.monotonic()

    assert len(received_at) == 1
    assert received_at[0] - committed >= 0.5


class _Noted(list):
    def __init__(self, times):
        super().__init__()
        self.times = times

    def append(self, item):
        self.times.append(time.monotonic())
        super().append(item)


def test_no_cdn_configured_means_nothing_is_sent(
    fake_cdn, newsroom, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        newsroom["edited"].save()

    assert fake_cdn == []


def test_varnish_gets_a_purge_by_xkey(
    settings, fake_cdn, newsroom, django_capture_on_commit_callbacks
):
    settings.CDN_PURGE_BACKEND = "pagecache.purge.VarnishPurge"
    settings.CDN_PURGE_URL += "/"
    edited = newsroom["edited"]

    with django_capture_on_commit_callbacks(execute=True):
        edited.headline = "Ceasefire agreed"
        edited.save()

    [(path, headers, _)] = fake_cdn
    assert path == "/"
    assert (
        f"article:{edited.pk}" in {k.lower(): v for k, v in headers.items()}["xkey-purge"].split()
    )
    assert Purge.objects.count() == 0


def test_a_failing_purge_is_kept_with_its_error_and_sent_again_later(
    settings, fake_cdn, newsroom, django_capture_on_commit_callbacks
):
    from pagecache.purge import PurgeFailed, send_queued

    settings.CDN_PURGE_BACKEND = "pagecache.purge.FastlyPurge"
    working_url = settings.CDN_PURGE_URL
    settings.CDN_PURGE_URL = "http://127.0.0.1:9"  # nothing listens there

    with django_capture_on_commit_callbacks(execute=True):
        newsroom["edited"].save()

    [kept] = Purge.objects.all()
    assert kept.attempts >= 1 and "refused" in kept.last_error.lower()
    settings.CDN_PURGE_URL = working_url
    assert send_queued() == 0
    assert f"article:{newsroom['edited'].pk}" in fake_cdn[0][1]["Surrogate-Key"].split()
    with pytest.raises(PurgeFailed):
        settings.CDN_PURGE_URL = "http://127.0.0.1:9"
        Purge.objects.create(keys=["lists"])
        send_queued()


def test_an_editor_s_save_never_waits_for_a_slow_cdn(
    settings, fake_cdn, newsroom, django_capture_on_commit_callbacks
):
    from newsroom.celery import app

    settings.CDN_PURGE_BACKEND = "pagecache.purge.FastlyPurge"
    FakeCdn.delay = 3.0
    app.conf.task_always_eager = False  # the purge goes to the broker, as in production
    app.conf.broker_url = "memory://"
    try:
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            newsroom["edited"].save()
        took = time.monotonic() - started
    finally:
        app.conf.task_always_eager = True

    assert took < 1.5
    assert fake_cdn == []
    assert Purge.objects.count() == 1
