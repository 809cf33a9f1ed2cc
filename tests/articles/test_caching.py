import datetime
import time

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone

from articles.models import Status
from tests.articles.factories import ArticleFactory, PhotoFactory, UserFactory
from tests.articles.html import find

pytestmark = pytest.mark.django_db


def variant_from_test_cookie(request) -> str:
    return request.COOKIES.get("test_variant", "")


@pytest.fixture
def article():
    return ArticleFactory(live=True, headline="Original headline", hero_photo=PhotoFactory())


def test_a_repeated_anonymous_request_is_served_from_the_page_cache(
    client, article, django_assert_num_queries
):
    first = client.get(article.get_absolute_url())

    with django_assert_num_queries(0):
        second = client.get(article.get_absolute_url())

    assert second.status_code == 200
    assert second.content == first.content


def test_anonymous_readers_get_cache_control_etag_and_last_modified(client, article):
    response = client.get(article.get_absolute_url())

    assert response["Cache-Control"] == "public, max-age=0, s-maxage=600, stale-while-revalidate=60"
    assert "Vary" not in response or "Cookie" not in response["Vary"]
    assert response["ETag"]
    assert response["Last-Modified"]


def test_a_reader_with_a_fresh_copy_gets_304(client, article):
    first = client.get(article.get_absolute_url())

    by_etag = client.get(article.get_absolute_url(), headers={"If-None-Match": first["ETag"]})
    by_date = client.get(
        article.get_absolute_url(), headers={"If-Modified-Since": first["Last-Modified"]}
    )

    assert by_etag.status_code == 304
    assert by_date.status_code == 304


@pytest.mark.parametrize("change", ["article", "photo", "section"])
def test_an_edit_is_visible_on_the_next_request(client, article, change):
    client.get(article.get_absolute_url())
    client.get("/")

    if change == "article":
        article.headline = "Corrected headline"
        article.save()
        expected = "Corrected headline"
    elif change == "photo":
        article.hero_photo.agency = "Reuters"
        article.hero_photo.save()
        expected = "Stringer / Reuters"
    else:
        article.section.name = "World news"
        article.section.save()
        expected = "World news"

    assert expected in client.get(article.get_absolute_url()).content.decode()
    if change != "photo":
        assert expected in client.get("/").content.decode()


def test_logged_in_staff_bypass_the_cache_and_get_private_pages(client, article):
    client.get(article.get_absolute_url())
    client.force_login(UserFactory(is_staff=True))

    response = client.get(article.get_absolute_url())

    assert "private" in response["Cache-Control"]
    assert "no-cache" in response["Cache-Control"]


def test_pages_are_cached_per_variant_but_not_per_cookie(
    client, article, settings, django_assert_num_queries, django_assert_max_num_queries
):
    settings.PAGE_CACHE_VARIANT = "tests.articles.test_caching.variant_from_test_cookie"
    client.get(article.get_absolute_url())

    client.cookies["unrelated"] = "abc"
    with django_assert_num_queries(0):
        client.get(article.get_absolute_url())

    client.cookies["test_variant"] = "given"
    with django_assert_max_num_queries(10) as captured:
        client.get(article.get_absolute_url())
    assert len(captured) > 0


def test_a_scheduled_article_appears_on_the_cached_home_page_on_time(client):
    publish_at = timezone.now() + datetime.timedelta(minutes=30)
    ArticleFactory(status=Status.SCHEDULED, publish_at=publish_at, headline="Scheduled story")
    assert b"Scheduled story" not in client.get("/").content

    with time_machine.travel(publish_at - datetime.timedelta(seconds=1), tick=False):
        assert b"Scheduled story" not in client.get("/").content
    with time_machine.travel(publish_at + datetime.timedelta(seconds=1), tick=False):
        headlines = [h["text"] for h in find(client.get("/").content, "h2")]
    assert "Scheduled story" in headlines


def test_not_found_pages_are_not_cached(client, django_assert_max_num_queries):
    path = "/2030/01/01/coming-soon/"
    client.get(path)

    with django_assert_max_num_queries(5) as captured:
        response = client.get(path)

    assert response.status_code == 404
    assert len(captured) > 0
    assert "public" not in response.get("Cache-Control", "")


def test_the_page_cache_says_whether_it_served_a_hit(client, article):
    assert client.get(article.get_absolute_url())["X-Page-Cache"] == "miss"
    assert client.get(article.get_absolute_url())["X-Page-Cache"] == "hit"


def test_after_the_cache_is_emptied_pages_are_kept_their_whole_lifetime(client, settings):
    # A restarted Redis has forgotten when the next scheduled story is due: pages were then
    # kept a minute only, until an editor happened to save a story.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.PAGE_CACHE_SECONDS = 600
    with time_machine.travel(timezone.now(), tick=False) as clock:
        article = ArticleFactory(live=True)
        cache.clear()
        assert client.get(article.get_absolute_url())["X-Page-Cache"] == "miss"
        clock.shift(datetime.timedelta(minutes=5))

        assert client.get(article.get_absolute_url())["X-Page-Cache"] == "hit"


def test_a_hit_reads_the_page_and_its_tags_records_in_one_round_trip(client, article, monkeypatch):
    client.get(article.get_absolute_url())
    reads = []
    get_many = cache.get_many
    monkeypatch.setattr(cache, "get_many", lambda keys: reads.append(keys) or get_many(keys))

    hit = client.get(article.get_absolute_url())

    assert hit["X-Page-Cache"] == "hit"
    assert len(reads) == 1
    assert f"articles:tag:article:{article.pk}" in reads[0]


def test_an_edit_after_several_hits_is_still_seen_on_the_next_request(client, article):
    for _ in range(3):
        assert "Original headline" in client.get(article.get_absolute_url()).content.decode()

    article.headline = "Corrected headline"
    article.save()
    cache.delete("articles:tag:all")  # a lost record counts as stale too

    page = client.get(article.get_absolute_url())
    assert page["X-Page-Cache"] == "miss"
    assert "Corrected headline" in page.content.decode()


def test_a_copy_kept_from_before_the_cache_was_emptied_is_not_served(client, article):
    # Each server process keeps copies of the pages it served. A restarted Redis loses the
    # records of what was edited; another page registering the same tags afresh must not
    # make the old copy look fresh.
    client.get("/")
    assert client.get("/")["X-Page-Cache"] == "hit"
    article.headline = "Corrected headline"
    article.save()
    cache.clear()  # Redis restarted

    client.get("/?page=1")  # the same tags, registered again
    page = client.get("/")

    assert page["X-Page-Cache"] == "miss"
    assert "Corrected headline" in page.content.decode()


def test_a_hit_runs_no_session_csrf_or_auth_middleware(client, article, monkeypatch):
    from django.contrib.sessions.middleware import SessionMiddleware

    client.get(article.get_absolute_url())
    calls = []
    monkeypatch.setattr(SessionMiddleware, "process_request", lambda *a: calls.append(a))

    hit = client.get(article.get_absolute_url())

    assert hit["X-Page-Cache"] == "hit"
    assert hit["X-Frame-Options"] == "DENY"
    assert hit["Content-Security-Policy"]
    assert calls == []


def _edited_elsewhere(article, headline):
    """Change the story as another server process would: its records, not this process's."""
    from articles.models import Article

    Article.objects.filter(pk=article.pk).update(headline=headline)
    cache.set(f"articles:tag:article:{article.pk}", time.time_ns(), None)


def test_another_process_s_edit_shows_once_the_copy_is_checked_again(client, article, settings):
    settings.PAGE_CACHE_RECHECK_SECONDS = 60
    client.get(article.get_absolute_url())
    assert client.get(article.get_absolute_url())["X-Page-Cache"] == "hit"  # checked now

    _edited_elsewhere(article, "Corrected headline")
    within = client.get(article.get_absolute_url())
    settings.PAGE_CACHE_RECHECK_SECONDS = 0
    after = client.get(article.get_absolute_url())

    assert "Original headline" in within.content.decode()
    assert after["X-Page-Cache"] == "miss"
    assert "Corrected headline" in after.content.decode()


def test_this_process_s_own_edit_shows_at_once_however_recently_the_copy_was_checked(
    client, article, settings
):
    settings.PAGE_CACHE_RECHECK_SECONDS = 60
    client.get(article.get_absolute_url())
    assert client.get(article.get_absolute_url())["X-Page-Cache"] == "hit"

    article.headline = "Corrected headline"
    article.save()
    page = client.get(article.get_absolute_url())

    assert page["X-Page-Cache"] == "miss"
    assert "Corrected headline" in page.content.decode()


def test_a_hit_with_a_bad_host_is_refused_like_any_request(client, article):
    client.get(article.get_absolute_url())
    assert client.get(article.get_absolute_url())["X-Page-Cache"] == "hit"

    response = client.get(article.get_absolute_url(), headers={"host": "evil.example"})

    assert response.status_code == 400


def test_copies_of_pages_survive_threads_keeping_using_and_dropping_them_at_once(settings):
    # runserver and threaded gunicorn workers serve requests in threads of one process.
    import sys
    import threading

    from articles import caching

    settings.PAGE_CACHE_LOCAL_BYTES = 4_000  # a few pages: evictions all the time
    errors = []

    def churn(n):
        try:
            for i in range(3_000):
                key = f"page-{(n * 7 + i) % 13}"
                caching._keep_local(key, {"content": b"x" * 300})
                caching._touch_local(key)
                if i % 3 == 0:
                    caching._forget_local(f"page-{i % 13}")
        except Exception as error:  # noqa: BLE001 (any error fails the test below)
            errors.append(error)

    threads = [threading.Thread(target=churn, args=(n,)) for n in range(6)]
    switching = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads take turns as often as they can
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(switching)

    assert errors == []
    assert caching._local_size[0] == sum(len(e["content"]) for e in caching._local.values())
    assert caching._local_size[0] <= settings.PAGE_CACHE_LOCAL_BYTES
