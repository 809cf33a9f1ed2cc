"""The Front page screen: the line-up by position, rearranged by Editors, read by Writers."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone
from reversion.models import Version

from articles.models import Article
from pagecache.models import Purge
from tests.articles.factories import ArticleFactory, PhotoFactory, UserFactory
from tests.articles.html import find

pytestmark = pytest.mark.django_db

URL = "/admin/articles/article/front-page/"


def live(headline, position=None, hours_ago=1, **fields):
    return ArticleFactory(
        live=True,
        headline=headline,
        front_page_position=position,
        publish_at=timezone.now() - datetime.timedelta(hours=hours_ago),
        **fields,
    )


@pytest.fixture
def lineup():
    return [
        live("Ceasefire holds", 1, hours_ago=3, hero_photo=PhotoFactory()),
        live("Grain exports rise", 2, hours_ago=2),
        live("Rail strike ends", 3, hours_ago=1),
    ]


def rows(response) -> list[str]:
    return [
        " ".join(row["text"].split()) for row in find(response.content, "tr", class_="lineup-row")
    ]


def positions() -> dict[str, int | None]:
    return dict(Article.objects.values_list("headline", "front_page_position"))


def home_order(reader, *headlines) -> list[str]:
    page = reader.get("/").content.decode()
    return sorted(headlines, key=page.index)


def message(response) -> str:
    return " ".join(li["text"] for li in find(response.content, "li", class_="success"))


def test_an_editor_sees_the_line_up_by_position_with_photo_state_and_section(client, lineup):
    client.force_login(UserFactory(groups=["Editors"]))

    page = client.get(URL)

    assert page.status_code == 200
    assert rows(page)[0].startswith("1 (lead) Ceasefire holds Published News")
    assert [r.split(" ", 1)[0] for r in rows(page)] == ["1", "2", "3"]
    assert find(page.content, "td", class_="lineup-photo")[0]["text"] == ""  # an <img>
    assert b'<td class="lineup-photo"><img' in page.content
    assert find(page.content, "button", value=f"down:{lineup[0].pk}")


def test_moving_a_story_up_reorders_the_home_page_and_purges_it(client, lineup, settings):
    settings.CDN_PURGE_BACKEND = "pagecache.purge.VarnishPurge"
    reader = Client()
    assert home_order(reader, "Grain exports rise", "Ceasefire holds") == [
        "Ceasefire holds",
        "Grain exports rise",
    ]
    client.force_login(UserFactory(groups=["Editors"]))

    done = client.post(URL, {"move": f"up:{lineup[1].pk}"}, follow=True)

    assert positions() == {"Grain exports rise": 1, "Ceasefire holds": 2, "Rail strike ends": 3}
    assert message(done) == (
        "“Grain exports rise” is now at position 1; “Ceasefire holds” is now at position 2. "
        "Readers see the new front page now."
    )
    assert home_order(reader, "Grain exports rise", "Ceasefire holds") == [
        "Grain exports rise",
        "Ceasefire holds",
    ]
    purged = {key for purge in Purge.objects.all() for key in purge.keys}
    assert {"list:home", f"article:{lineup[0].pk}", f"article:{lineup[1].pk}"} <= purged
    assert f"article:{lineup[2].pk}" not in purged  # it did not move
    history = Version.objects.get_for_object(lineup[1]).first().revision.comment
    assert history == "Front page: position 1 (the front page was rearranged)"


def test_taking_a_story_off_closes_the_gap_and_it_follows_by_time(client, lineup):
    client.force_login(UserFactory(groups=["Editors"]))

    client.post(URL, {"move": f"off:{lineup[0].pk}"})

    assert positions() == {"Ceasefire holds": None, "Grain exports rise": 1, "Rail strike ends": 2}
    page = client.get(URL)
    assert (
        "Ceasefire holds"
        in find(page.content, "section", aria_labelledby="following-title")[0]["text"]
    )


def test_a_live_story_is_added_at_the_end_of_the_line_up(client, lineup):
    extra = live("Museum returns icons", hours_ago=5)
    client.force_login(UserFactory(groups=["Editors"]))

    client.post(URL, {"move": f"add:{extra.pk}"})

    assert positions()["Museum returns icons"] == 4


def test_moving_the_first_story_up_changes_nothing_and_says_so(client, lineup):
    client.force_login(UserFactory(groups=["Editors"]))

    done = client.post(URL, {"move": f"up:{lineup[0].pk}"}, follow=True)

    assert message(done) == "Nothing changed: the story is already there."
    assert positions()["Ceasefire holds"] == 1


def test_a_story_moved_off_meanwhile_is_refused_with_the_reason(client, lineup):
    client.force_login(UserFactory(groups=["Editors"]))
    Article.objects.filter(pk=lineup[2].pk).update(front_page_position=None)

    done = client.post(URL, {"move": f"down:{lineup[2].pk}"}, follow=True)

    errors = " ".join(li["text"] for li in find(done.content, "li", class_="error"))
    assert "Nothing changed: That story is no longer on the front page" in errors


@pytest.mark.parametrize(
    "move", ["", "sideways:1", "up:", "up:x", "up:١", "up:99999999999999999999"]
)
def test_a_move_the_page_does_not_offer_is_a_400_with_the_reason(client, lineup, move):
    client.force_login(UserFactory(groups=["Editors"]))

    response = client.post(URL, {"move": move})

    assert response.status_code == 400
    assert positions()["Ceasefire holds"] == 1


def test_a_writer_reads_the_line_up_without_buttons_and_may_not_rearrange_it(client, lineup):
    client.force_login(UserFactory(groups=["Writers"]))

    page = client.get(URL)
    refused = client.post(URL, {"move": f"up:{lineup[1].pk}"})

    assert page.status_code == 200
    assert rows(page)[0].startswith("1 (lead) Ceasefire holds")
    assert not find(page.content, "button", name="move")
    assert "Editors arrange the front page." in page.content.decode()
    assert refused.status_code == 403
    assert positions()["Grain exports rise"] == 2


def test_the_start_page_links_the_front_page(client):
    client.force_login(UserFactory(groups=["Writers"]))

    start = client.get("/admin/")

    assert find(start.content, "a", href=URL)[0]["text"] == "Front page"
