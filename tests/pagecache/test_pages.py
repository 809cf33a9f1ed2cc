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
    settings.PAGE_CACHE_VARIANT = "tests.pagecache.test_pages.variant_from_test_cookie"
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
    settings.PAGE_CACHE_SECONDS = 600
    with time_machine.travel(timezone.now(), tick=False) as clock:
        article = ArticleFactory(live=True)
        cache.clear()
        assert client.get(article.get_absolute_url())["X-Page-Cache"] == "miss"
        clock.shift(datetime.timedelta(minutes=5))

        assert client.get(article.get_absolute_url())["X-Page-Cache"] == "hit"


@pytest.fixture
def round_trips(monkeypatch):
    """Count the calls made to the shared cache (a call inside another counts once)."""
    calls = []
    depth = [0]
    for name in ("get", "get_many", "set", "set_many", "add", "delete", "delete_many", "incr"):
        method = getattr(cache, name)

        def counted(*args, _method=method, _name=name, **kwargs):
            if depth[0] == 0:
                calls.append(_name)
            depth[0] += 1
            try:
                return _method(*args, **kwargs)
            finally:
                depth[0] -= 1

        monkeypatch.setattr(cache, name, counted)
    return calls


def a_second_later():
    """Past PAGE_CACHE_RECHECK_SECONDS: this process asks the shared cache again."""
    return time_machine.travel(time.time() + 1.5, tick=False)


def test_a_hit_is_one_round_trip_to_the_cache_and_none_within_a_second(
    client, article, round_trips
):
    client.get(article.get_absolute_url())
    round_trips.clear()

    at_once = client.get(article.get_absolute_url())
    within = len(round_trips)
    with a_second_later():
        later = client.get(article.get_absolute_url())

    assert at_once["X-Page-Cache"] == later["X-Page-Cache"] == "hit"
    assert within == 0
    assert len(round_trips) == 1


def test_after_an_unrelated_edit_a_page_is_checked_once_then_served_in_one_round_trip(
    client, article, round_trips
):
    client.get(article.get_absolute_url())
    ArticleFactory(live=True, headline="Another story").save()
    round_trips.clear()

    checked = client.get(article.get_absolute_url())
    checks = len(round_trips)
    round_trips.clear()
    with a_second_later():
        again = client.get(article.get_absolute_url())

    assert checked["X-Page-Cache"] == again["X-Page-Cache"] == "hit"
    assert checks == 3  # the page, its tags' stamps, and its new check stamp
    assert len(round_trips) == 1


def test_an_edit_after_several_hits_is_still_seen_on_the_next_request(client, article):
    for _ in range(3):
        assert "Original headline" in client.get(article.get_absolute_url()).content.decode()

    article.headline = "Corrected headline"
    article.save()

    page = client.get(article.get_absolute_url())
    assert page["X-Page-Cache"] == "miss"
    assert "Corrected headline" in page.content.decode()


def test_a_page_whose_records_were_lost_is_not_served(client, article):
    from pagecache.tags import LATEST_KEY, PREFIX

    client.get(article.get_absolute_url())
    assert client.get(article.get_absolute_url())["X-Page-Cache"] == "hit"
    # An evicting or restarted cache lost what was edited, but still holds the page.
    cache.delete_many([LATEST_KEY, f"{PREFIX}article:{article.pk}"])

    with a_second_later():
        assert client.get(article.get_absolute_url())["X-Page-Cache"] == "miss"
        assert client.get(article.get_absolute_url())["X-Page-Cache"] == "hit"


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


def test_another_process_s_edit_shows_within_a_second(client, article):
    from articles.models import Article

    client.get(article.get_absolute_url())
    assert client.get(article.get_absolute_url())["X-Page-Cache"] == "hit"

    # Another server process saved the story: the rows and the shared stamps, nothing here.
    Article.objects.filter(pk=article.pk).update(headline="Corrected headline")
    cache.set(f"pagecache:tag:article:{article.pk}", time.time_ns(), None)
    cache.set("pagecache:latest", time.time_ns(), None)
    within = client.get(article.get_absolute_url())
    with a_second_later():
        page = client.get(article.get_absolute_url())

    assert "Original headline" in within.content.decode()  # this process checked it just now
    assert page["X-Page-Cache"] == "miss"
    assert "Corrected headline" in page.content.decode()


def test_a_hit_with_a_bad_host_is_refused_like_any_request(client, article):
    client.get(article.get_absolute_url())
    assert client.get(article.get_absolute_url())["X-Page-Cache"] == "hit"

    response = client.get(article.get_absolute_url(), headers={"host": "evil.example"})

    assert response.status_code == 400


@pytest.mark.parametrize("query", ["?q=bust1", "?page=2", "?part=3", "?utm_source=x&zz=1"])
def test_the_article_page_is_one_page_whatever_its_query_string(client, article, query):
    client.get(article.get_absolute_url())

    response = client.get(article.get_absolute_url() + query)

    assert response.status_code == 200
    assert response["X-Page-Cache"] == "hit"


@pytest.mark.parametrize(
    ("asked", "canonical"),
    [
        ("/?page=1", "/"),
        ("/?page=01", "/"),
        ("/?page=02", "/?page=2"),
        ("/?page=2&page=2", "/?page=2"),
        ("/search/?q=%20peace%20%20talks&page=1", "/search/?q=peace+talks"),
    ],
)
def test_a_kept_parameter_spelt_otherwise_is_redirected_to_its_one_spelling(
    client, asked, canonical
):
    response = client.get(asked)

    assert response.status_code == 301
    assert response["Location"] == canonical


def test_a_page_number_out_of_range_is_a_404_that_is_not_kept(client, article):
    response = client.get("/?page=999")

    assert response.status_code == 404
    assert "X-Page-Cache" not in response
    assert "public" not in response.get("Cache-Control", "")
