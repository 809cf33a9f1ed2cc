"""Unpublishing a live story and changing the lead story ask first, naming what will happen;
nothing is saved until Confirm, and the form's data comes through the round trip."""

import datetime

import pytest
from django.utils import timezone

from articles.models import Article, Status
from tests.articles.factories import ArticleFactory, SectionFactory, UserFactory
from tests.articles.html import find
from tests.articles.test_admin import answer_confirmation, change_url, errors, form_data, opened

pytestmark = pytest.mark.django_db

SITE = "https://news.example"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def editor(client):
    user = UserFactory(groups=["Editors"])
    client.force_login(user)
    return user


@pytest.fixture
def section():
    return SectionFactory(name="News", slug="news")


def live(headline, position=None, hours_ago=1, section=None):
    return ArticleFactory(
        live=True,
        headline=headline,
        front_page_position=position,
        publish_at=timezone.now() - datetime.timedelta(hours=hours_ago),
        **({"section": section} if section else {}),
    )


def press(client, article, move, **fields):
    data = form_data(article.section, _workflow=move, slug=article.slug)
    data |= {"headline": article.headline} | opened(article)
    if article.front_page_position:
        data["front_page_position"] = str(article.front_page_position)
    if article.publish_at:
        data |= {
            "publish_at_0": f"{article.publish_at:%Y-%m-%d}",
            "publish_at_1": f"{article.publish_at:%H:%M:%S}",
        }
    return client.post(change_url(article), data | fields)


def consequences(response) -> list[str]:
    return [li["text"] for li in find(response.content, "li") if li["parents"] and any(
        "confirm-consequences" in classes for _, classes in li["parents"])]  # fmt: skip


def success(response) -> str:
    return " ".join(li["text"] for li in find(response.content, "li", class_="success"))


def test_unpublishing_the_lead_story_asks_naming_its_address_and_the_new_lead(client, editor):
    lead = live("Ceasefire holds", position=1)
    live("Grain exports rise", position=2)
    url = lead.get_absolute_url()

    asked = press(client, lead, "unpublish")

    assert asked.status_code == 200
    assert consequences(asked) == [
        f"“Ceasefire holds” will stop answering readers at {SITE}{url}.",
        "It is the lead story on the front page: “Grain exports rise” takes its place.",
    ]
    assert Article.objects.get(pk=lead.pk).is_live  # nothing saved yet
    assert client.get(url).status_code == 200

    done = answer_confirmation(client, asked, follow=True)

    assert Article.objects.get(pk=lead.pk).status == Status.UNPUBLISHED
    assert f"{SITE}{url} no longer answers readers." in success(done)
    assert client.get(url).status_code == 410


def test_cancel_goes_back_to_the_form_with_the_changes_kept_and_nothing_saved(client, editor):
    live("Grain exports rise", position=1)
    story = live("Ceasefire holds", position=3)

    asked = press(client, story, "unpublish", dek="A dek typed before unpublishing")
    assert consequences(asked)[1] == (
        "It is at position 3 on the front page; the stories below it move up."
    )
    back = answer_confirmation(client, asked, button="_back")

    assert back.status_code == 200
    assert "Nothing was saved. Your changes are still in the form" in back.content.decode()
    assert find(back.content, "textarea", name="dek")[0]["text"].strip() == (
        "A dek typed before unpublishing"
    )
    story.refresh_from_db()
    assert story.is_live and story.dek == ""


def test_the_confirmed_save_is_still_refused_if_someone_saved_the_story_meanwhile(client, editor):
    story = live("Ceasefire holds")
    asked = press(client, story, "unpublish")
    Article.objects.get(pk=story.pk).save()  # another editor's save

    refused = answer_confirmation(client, asked)

    assert refused.status_code == 200
    assert "after you opened it, so your changes were not saved" in errors(refused)
    assert Article.objects.get(pk=story.pk).is_live


def test_a_new_lead_asks_then_takes_position_one_and_the_old_lead_moves_to_two(client, editor):
    old = live("Ceasefire holds", position=1, hours_ago=1)
    second = live("Grain exports rise", position=2, hours_ago=2)
    third = live("Rail strike ends", position=4, hours_ago=3)  # a gap: it stays
    new = live("Parliament approves budget", hours_ago=5)

    asked = press(client, new, "update", front_page_position="1", dek="New dek")

    assert consequences(asked) == [
        "“Parliament approves budget” becomes the lead story on the front page; "
        "“Ceasefire holds” moves to position 2.",
        "“Grain exports rise” moves to position 3.",
    ]
    assert Article.objects.get(pk=new.pk).front_page_position is None

    done = answer_confirmation(client, asked, follow=True)

    positions = dict(Article.objects.values_list("pk", "front_page_position"))
    assert positions == {new.pk: 1, old.pk: 2, second.pk: 3, third.pk: 4}
    assert Article.objects.get(pk=new.pk).dek == "New dek"  # the form's data came through
    assert "On the front page, “Ceasefire holds” moved to position 2; " in success(done)
    home = client.get("/").content.decode()
    assert home.index("Parliament approves budget") < home.index("Ceasefire holds")


def test_a_new_lead_published_from_the_add_form_asks_too(client, editor, section):
    live("Ceasefire holds", position=1, section=section)

    asked = client.post(
        "/admin/articles/article/add/",
        form_data(section, _workflow="publish", headline="Breaking", slug="breaking")
        | {"front_page_position": "1"},
    )

    assert consequences(asked)[0].startswith("“Breaking” becomes the lead story")
    assert not Article.objects.filter(slug="breaking").exists()
    answer_confirmation(client, asked)
    assert Article.objects.get(slug="breaking").front_page_position == 1


def test_no_confirmation_when_nothing_readers_see_is_at_stake(client, editor):
    lead = live("Ceasefire holds", position=1)
    other = live("Grain exports rise", position=2)
    draft = ArticleFactory(headline="A draft", front_page_position=1)

    kept = press(client, lead, "update", dek="Small fix")  # the lead stays the lead
    moved = press(client, other, "update", front_page_position="3")  # not the lead
    drafted = press(client, draft, "draft")  # a draft is not on the front page

    assert [kept.status_code, moved.status_code, drafted.status_code] == [302, 302, 302]
    assert Article.objects.get(pk=lead.pk).dek == "Small fix"
    assert Article.objects.get(pk=lead.pk).front_page_position == 1


def test_a_confirmation_given_for_another_line_up_asks_again(client, editor):
    live("Ceasefire holds", position=1, hours_ago=1)
    new = live("Parliament approves budget", hours_ago=5)
    asked = press(client, new, "update", front_page_position="1")
    live("Rail strike ends", position=2, hours_ago=2)  # placed meanwhile: it moves too

    again = answer_confirmation(client, asked)

    assert "“Rail strike ends” moves to position 3." in consequences(again)
    assert Article.objects.get(pk=new.pk).front_page_position is None


def list_action(client, *articles):
    return client.post(
        "/admin/articles/article/",
        {"action": "unpublish_selected", "_selected_action": [a.pk for a in articles], "index": 0},
    )


def test_the_lists_unpublish_asks_first_when_live_stories_are_among_the_chosen(client, editor):
    lead = live("Ceasefire holds", position=1)
    second = live("Grain exports rise", position=2)
    third = live("Rail strike ends", hours_ago=3)
    draft = ArticleFactory(headline="A draft")

    asked = list_action(client, lead, second, draft)

    assert consequences(asked) == [
        f"“Ceasefire holds” will stop answering readers at {SITE}{lead.get_absolute_url()}.",
        "It is the lead story on the front page: “Rail strike ends” takes its place.",
        f"“Grain exports rise” will stop answering readers at {SITE}{second.get_absolute_url()}.",
        "It is at position 2 on the front page; the stories below it move up.",
    ]
    assert Article.objects.get(pk=lead.pk).is_live

    cancelled = answer_confirmation(client, asked, button="_back", follow=True)
    assert "Nothing was unpublished." in cancelled.content.decode()
    assert Article.objects.get(pk=lead.pk).is_live

    asked = list_action(client, lead, second, draft)
    done = answer_confirmation(client, asked, follow=True)

    assert "2 articles unpublished." in success(done)
    assert not Article.objects.get(pk=lead.pk).is_live
    assert not Article.objects.get(pk=second.pk).is_live
    assert Article.objects.get(pk=third.pk).is_live


def test_the_lists_unpublish_of_stories_readers_do_not_see_asks_nothing(client, editor):
    scheduled = ArticleFactory(
        status=Status.SCHEDULED, publish_at=timezone.now() + datetime.timedelta(days=1)
    )

    done = client.post(
        "/admin/articles/article/",
        {"action": "unpublish_selected", "_selected_action": [scheduled.pk], "index": 0},
        follow=True,
    )

    assert "1 article unpublished." in success(done)
    assert Article.objects.get(pk=scheduled.pk).status == Status.UNPUBLISHED


def test_a_front_page_position_past_999_is_refused_at_the_field(client, editor):
    story = live("Ceasefire holds")

    response = press(client, story, "update", front_page_position="32767")

    assert response.status_code == 200
    field = find(response.content, "div", class_="field-front_page_position")[0]["text"]
    assert "less than or equal to 999" in field
