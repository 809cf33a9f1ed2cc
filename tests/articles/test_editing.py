"""The soft lock: whoever opens a story another person has open is told who and since when."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from articles.models import EditingSession
from tests.articles.factories import ArticleFactory, UserFactory
from tests.articles.html import find
from tests.articles.test_admin import change_url, form_data

pytestmark = pytest.mark.django_db

TWO_PM = datetime.datetime(2026, 3, 2, 14, 2, tzinfo=timezone.get_current_timezone())


@pytest.fixture
def anna(client):
    return UserFactory(groups=["Editors"], first_name="Anna", last_name="Petrova")


@pytest.fixture
def ben():
    return UserFactory(groups=["Editors"], username="ben")


def notice(response):
    found = find(response.content, "div", class_="editing-notice")
    return found[0]["text"].strip() if found else None


def opened_by(client, user, article):
    client.force_login(user)
    return client.get(change_url(article))


def heartbeat(client, article):
    return client.post(f"{change_url(article).removesuffix('change/')}editing/")


def test_the_next_person_to_open_the_story_is_told_who_has_it_open_and_since_when(
    client, anna, ben
):
    article = ArticleFactory()
    with time_machine.travel(TWO_PM, tick=False):
        first = opened_by(client, anna, article)
    with time_machine.travel(TWO_PM + datetime.timedelta(minutes=1), tick=False):
        second = opened_by(client, ben, article)
        back_to_anna = opened_by(client, anna, article)

    assert notice(first) == ""  # nobody else: the notice is there, empty and hidden
    assert "hidden" in find(first.content, "div", class_="editing-notice")[0]["attrs"]
    assert notice(second) == "Anna Petrova has been editing since 14:02."
    assert second.status_code == 200 and b'name="_workflow"' in second.content  # not blocked
    assert notice(back_to_anna) == "ben has been editing since 14:03."


def test_the_heartbeat_keeps_the_story_open_and_without_it_the_notice_goes(client, anna, ben):
    article, kept = ArticleFactory(), ArticleFactory()
    with time_machine.travel(TWO_PM, tick=False) as clock:
        opened_by(client, anna, article)
        opened_by(client, anna, kept)
        for _minute in range(5):
            clock.shift(datetime.timedelta(minutes=1))
            assert heartbeat(client, kept).json() == {"notice": ""}
        client.force_login(ben)

        left = client.get(change_url(article))
        still_open = client.get(change_url(kept))
        answered = heartbeat(client, kept)

    assert notice(left) == ""
    assert notice(still_open) == "Anna Petrova has been editing since 14:02."
    assert answered.json() == {"notice": "Anna Petrova has been editing since 14:02."}


def test_a_save_ends_the_editing_and_opening_again_starts_anew(client, anna, ben):
    article = ArticleFactory(headline="Ceasefire holds")
    with time_machine.travel(TWO_PM, tick=False) as clock:
        opened = opened_by(client, anna, article)
        started = find(opened.content, "input", name="edited_since")[0]["attrs"]["value"]
        version = find(opened.content, "input", name="opened_version")[0]["attrs"]["value"]
        clock.shift(datetime.timedelta(minutes=2))
        saved = client.post(
            change_url(article),
            form_data(
                article.section, slug=article.slug, edited_since=started, opened_version=version
            ),
        )
        seen_by_ben = opened_by(client, ben, article)
        clock.shift(datetime.timedelta(minutes=1))
        reopened = opened_by(client, anna, article)
        client.force_login(ben)
        seen_again = client.get(change_url(article))

    assert saved.status_code == 302
    assert notice(seen_by_ben) == ""
    assert notice(reopened) == "ben has been editing since 14:04."
    assert notice(seen_again) == "Anna Petrova has been editing since 14:05."


def test_someone_who_may_only_look_holds_no_lock_and_the_endpoint_says_why_not(client, anna):
    live = ArticleFactory(live=True)
    writer = UserFactory(groups=["Writers"])
    opened_by(client, anna, live)
    client.force_login(writer)

    page = client.get(change_url(live))
    looked = client.get(f"{change_url(live).removesuffix('change/')}editing/")
    beat = heartbeat(client, live)
    missing = client.post("/admin/articles/article/999999/editing/")

    assert notice(page) == "Anna Petrova has been editing since " + (
        f"{timezone.localtime(EditingSession.objects.get().opened_at):%H:%M}."
    )
    assert "data-editing-url" not in find(page.content, "div", class_="editing-notice")[0]["attrs"]
    assert looked.status_code == 200 and looked.json()["notice"].startswith("Anna Petrova")
    assert beat.status_code == 403 and missing.status_code == 404
    assert EditingSession.objects.filter(user=writer).count() == 0


def test_a_session_open_since_yesterday_names_the_day(client, anna, ben):
    article = ArticleFactory()
    late = TWO_PM.replace(hour=23, minute=58)
    with time_machine.travel(late, tick=False) as clock:
        opened_by(client, anna, article)
        clock.shift(datetime.timedelta(minutes=3))
        heartbeat(client, article)
        client.force_login(ben)
        page = client.get(change_url(article))

    assert notice(page) == "Anna Petrova has been editing since 23:58 on 2 March."
