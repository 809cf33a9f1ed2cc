"""Values every reader page draws, kept by each process while the cache holds their version."""

import pytest
from django.core.cache import cache
from django.core.signals import request_finished, request_started

from newsroom import snapshots
from newsroom.snapshots import Snapshot

pytestmark = pytest.mark.django_db  # a request's end closes old database connections


@pytest.fixture
def headlines():
    """A snapshot built from a list standing for the database, counting its builds."""
    rows = ["Peacekeepers leave Nagorno-Karabakh"]
    builds = []

    def build():
        builds.append(1)
        return {"rows": list(rows)}

    snapshot = Snapshot("tests:headlines", build, timeout=60)
    yield snapshot, rows, builds
    snapshots._all.remove(snapshot)


def in_a_request(snapshot):
    request_started.send(sender=None)
    try:
        return snapshot(), snapshot()
    finally:
        request_finished.send(sender=None)


def test_it_is_built_once_then_read_from_the_process_while_its_version_holds(
    headlines, monkeypatch
):
    snapshot, rows, builds = headlines
    first, again = in_a_request(snapshot)
    reads = []
    original_get = cache.get
    monkeypatch.setattr(cache, "get", lambda key, *a, **kw: reads.append(key) or original_get(key))
    later, _ = in_a_request(snapshot)

    assert first is again  # once per request
    assert later is first and builds == [1]
    assert reads == ["tests:headlines:version"]  # a few bytes, not the value


def test_an_edit_shows_on_the_next_read(headlines):
    snapshot, rows, builds = headlines
    in_a_request(snapshot)
    rows.append("Baku takes over the checkpoints")
    snapshot.invalidate()

    latest, _ = in_a_request(snapshot)

    assert latest["rows"][-1] == "Baku takes over the checkpoints"
    assert len(builds) == 2


def test_a_value_another_process_rebuilt_replaces_this_process_s_copy(headlines):
    snapshot, rows, builds = headlines
    mine, _ = in_a_request(snapshot)
    theirs = {"rows": ["Rebuilt elsewhere"], "version": "elsewhere"}
    cache.set_many({"tests:headlines": theirs, "tests:headlines:version": "elsewhere"})

    latest, _ = in_a_request(snapshot)

    assert latest == theirs and builds == [1]


def test_a_value_kept_by_an_older_release_without_a_version_is_rebuilt(headlines):
    snapshot, rows, builds = headlines
    cache.set("tests:headlines", {"rows": ["old shape"]})

    value, _ = in_a_request(snapshot)

    assert value["rows"] == rows and "version" in value and builds == [1]


def test_an_uncached_reader_page_reads_the_versions_with_its_page_records(
    client, settings, monkeypatch
):
    from tests.articles.factories import ArticleFactory

    settings.PAGE_CACHE_SECONDS = 0
    story = ArticleFactory(live=True)
    client.get(story.get_absolute_url())  # the masthead and the appeals are built
    reads, inside_get_many = [], []
    original_get, original_get_many = cache.get, cache.get_many

    def get(key, *args, **kwargs):
        if not inside_get_many:  # a round trip of its own (the file cache's get_many loops)
            reads.append(key)
        return original_get(key, *args, **kwargs)

    def get_many(keys, *args, **kwargs):
        inside_get_many.append(keys)
        try:
            return original_get_many(keys, *args, **kwargs)
        finally:
            inside_get_many.pop()

    monkeypatch.setattr(cache, "get", get)
    monkeypatch.setattr(cache, "get_many", get_many)

    page = client.get(story.get_absolute_url())

    assert page.status_code == 200 and b"Support us" in page.content
    assert reads == []  # no read of its own for the masthead or the appeals
