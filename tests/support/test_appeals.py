import pytest
from django.test import Client

from support.appeals import COOKIE
from support.models import Appeal
from tests.articles.factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return ArticleFactory(live=True, headline="A story readers may support")


def cookie_for(client, response):
    client.cookies[COOKIE] = response.cookies[COOKIE].value


def test_an_article_page_shows_both_appeals_server_side_with_the_seed_wording(client, article):
    page = client.get(article.get_absolute_url()).content.decode()

    assert "Enjoying ad-free content?" in page
    assert "This commitment costs us $10,000 a month." in page
    assert "Our journalism is banned in Russia." in page
    assert "support us monthly starting from just $2" in page
    assert "Payment methods" in page and "paiment" not in page
    assert "Not ready to support today?" in page
    assert (
        f"placement=end_of_article&amp;frequency=monthly&amp;amount=2&amp;article={article.pk}"
        in page
    )
    assert "/support/remind/?placement=end_of_article" in page


def test_each_appeal_links_back_to_its_own_story_and_never_to_what_a_reader_appended(
    client, article
):
    other = ArticleFactory(live=True, headline="Another story")
    pages = {
        a: client.get(f"{a.get_absolute_url()}?utm_source=ATTACKER&zz=1").content.decode()
        for a in (article, other)
    }

    for story, page in pages.items():
        back = f"article={story.pk}&amp;next={story.get_absolute_url()}"
        assert f"/support/?placement=top_banner&amp;{back}" in page
        assert f"/support/remind/?placement=end_of_article&amp;{back}" in page
        assert "ATTACKER" not in page


def test_an_edited_appeal_shows_on_the_next_page(client, article):
    before = client.get(article.get_absolute_url()).content.decode()
    appeal = Appeal.objects.get(placement="end_of_article")
    appeal.button_label = "Give to the newsroom"
    appeal.save()
    after = client.get(article.get_absolute_url()).content.decode()

    assert "Give to the newsroom" not in before
    assert "Give to the newsroom" in after


def test_a_plain_page_view_sets_no_cookie_and_is_publicly_cacheable(client, article):
    response = client.get(article.get_absolute_url())

    assert not response.cookies
    assert "public" in response["Cache-Control"]
    assert "csrfmiddlewaretoken" not in response.content.decode()


def test_a_reader_who_pressed_remind_me_later_sees_no_appeal_on_the_next_page(client, article):
    snoozed = client.post("/support/remind/", {"when": "week"})
    cookie_for(client, snoozed)

    page = client.get(article.get_absolute_url()).content.decode()

    assert "Enjoying ad-free content?" not in page
    assert "Not ready to support today?" not in page
    assert "A story readers may support" in page


def test_the_page_cache_keeps_one_copy_per_appeal_state_not_per_cookie(client, article):
    first = client.get(article.get_absolute_url()).content.decode()
    snoozed = Client()
    cookie_for(snoozed, snoozed.post("/support/remind/", {"when": "week"}))
    hidden = snoozed.get(article.get_absolute_url()).content.decode()
    other = Client(HTTP_COOKIE="tracking=abc; theme=dark")
    shown_again = other.get(article.get_absolute_url()).content.decode()

    assert "Enjoying ad-free content?" in first
    assert "Enjoying ad-free content?" not in hidden
    assert shown_again == first


def test_an_appeal_switched_off_by_an_editor_disappears(client, article, admin_client):
    appeal = Appeal.objects.get(placement="top_banner")
    admin_client.post(
        f"/admin/support/appeal/{appeal.pk}/change/",
        {
            "placement": "top_banner",
            "name": appeal.name,
            "position": "0",
            "active": "",
            "heading": appeal.heading,
            "body": appeal.body,
            "button_label": appeal.button_label,
            "footnote": appeal.footnote,
            "remind_prompt": "",
            "remind_label": "",
            "currency_amounts-TOTAL_FORMS": "0",
            "currency_amounts-INITIAL_FORMS": "0",
        },
    )

    page = Client().get(article.get_absolute_url()).content.decode()

    assert "Enjoying ad-free content?" not in page
    assert "Not ready to support today?" in page


def test_an_article_page_with_its_appeals_runs_at_most_twelve_queries_from_cold_caches(
    client, django_assert_max_num_queries
):
    """The article's five, the appeals' and the goal meter's settings (each its own), the
    appeals' variants, the masthead's three and the newsletters' sign-up form's one (each
    cached on its own: from warm caches, the article's five alone)."""
    from django.core.cache import cache

    from pagecache import schedule
    from tests.articles.factories import (
        AuthorFactory,
        CorrectionFactory,
        PhotoFactory,
        TagFactory,
    )

    article = ArticleFactory(live=True, hero_photo=PhotoFactory(), tags=[TagFactory()])
    article.bylines.create(author=AuthorFactory())
    CorrectionFactory(article=article)
    ArticleFactory(live=True, tags=[article.tags.first()])
    Appeal.objects.filter(placement="top_banner").update(show_goal=True)
    cache.clear()
    schedule.remember_next()  # the page cache's own look-up, once after a flush

    with django_assert_max_num_queries(12) as captured:
        page = client.get(article.get_absolute_url()).content.decode()
    masthead = [q for q in captured.captured_queries if '"publication_' in q["sql"]]
    lists = [q for q in captured.captured_queries if '"newsletters_' in q["sql"]]
    assert len(captured.captured_queries) - len(masthead) - len(lists) <= 9 and len(lists) <= 1

    assert "Enjoying ad-free content?" in page
    assert "of $10,000 a month" in page


def test_a_draft_preview_shows_no_appeal_and_no_link_carries_its_token(client):
    from articles.views.preview import preview_token

    draft = ArticleFactory(headline="A draft under edit")
    token = preview_token(draft)

    page = client.get(f"/preview/{token}/").content.decode()

    assert "A draft under edit" in page
    assert "Enjoying ad-free content?" not in page
    assert "Not ready to support today?" not in page
    assert token not in page.replace(f"/preview/{token}/", "")


def test_the_goal_meter_is_a_switch_of_each_appeal(client, article):
    page = client.get(article.get_absolute_url()).content.decode()
    assert "of $10,000 a month" not in page

    appeal = Appeal.objects.get(placement="end_of_article")
    appeal.show_goal = True
    appeal.save()
    page = client.get(article.get_absolute_url()).content.decode()
    assert page.count("of $10,000 a month") == 1
    assert page.index("of $10,000 a month") > page.index("we have a small favor to ask")
