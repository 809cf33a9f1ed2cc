"""An edit makes stale the pages that show it and no other; CDNs get keys and purges."""

import pytest

from articles.models import Byline, Section
from support.services import goal_changed
from tests.articles.factories import (
    ArticleFactory,
    AuthorFactory,
    PhotoFactory,
    SectionFactory,
    TagFactory,
)
from tests.support.factories import PaymentFactory

pytestmark = pytest.mark.django_db


def cached(client, path, django_assert_num_queries) -> bool:
    """Return whether the page comes from the page cache (no query at all)."""
    try:
        with django_assert_num_queries(0):
            client.get(path)
    except pytest.fail.Exception:
        return False
    return True


@pytest.fixture
def newsroom():
    world = SectionFactory(name="World", slug="world")
    politics = SectionFactory(name="Politics", slug="politics")
    tag, author = TagFactory(), AuthorFactory()
    edited = ArticleFactory(live=True, section=world, headline="Ceasefire talks")
    edited.tags.add(tag)
    Byline.objects.create(article=edited, author=author)
    unrelated = ArticleFactory(live=True, section=politics, headline="Budget vote")
    return {"edited": edited, "unrelated": unrelated, "tag": tag, "author": author}


def pages_of(news) -> dict[str, str]:
    return {
        "its page": news["edited"].get_absolute_url(),
        "home": "/",
        "its section": "/section/world/",
        "its tag": f"/tag/{news['tag'].slug}/",
        "its author": f"/author/{news['author'].slug}/",
        "feed": "/rss/",
        "sitemap": "/sitemap.xml",
        "unrelated article": news["unrelated"].get_absolute_url(),
        "other section": "/section/politics/",
    }


def test_an_edit_stales_its_own_pages_and_leaves_an_unrelated_article_cached(
    client, newsroom, django_assert_num_queries
):
    pages = pages_of(newsroom)
    for path in pages.values():
        client.get(path)
    assert all(cached(client, path, django_assert_num_queries) for path in pages.values())

    newsroom["edited"].headline = "Ceasefire agreed"
    newsroom["edited"].save()

    still_cached = {
        name for name, path in pages.items() if cached(client, path, django_assert_num_queries)
    }
    assert still_cached == {"unrelated article", "other section"}
    assert "Ceasefire agreed" in client.get("/").content.decode()


@pytest.mark.parametrize(
    ("change", "stale", "fresh"),
    [
        ("section renamed", {"its page", "home", "its section"}, {"unrelated article"}),
        ("tag removed", {"its page", "its tag", "home"}, {"unrelated article"}),
        ("photo credit", {"its page", "home"}, {"unrelated article"}),
    ],
)
def test_each_kind_of_change_stales_what_shows_it(
    client, newsroom, django_assert_num_queries, change, stale, fresh
):
    edited = newsroom["edited"]
    edited.hero_photo = PhotoFactory()
    edited.save()
    pages = pages_of(newsroom)
    for path in pages.values():
        client.get(path)

    if change == "section renamed":
        section = Section.objects.get(slug="world")
        section.name = "World news"
        section.save()
    elif change == "tag removed":
        edited.tags.remove(newsroom["tag"])
    else:
        edited.hero_photo.agency = "Reuters"
        edited.hero_photo.save()

    for name in stale:
        assert not cached(client, pages[name], django_assert_num_queries), name
    for name in fresh:
        assert cached(client, pages[name], django_assert_num_queries), name


def test_pages_name_what_they_show_in_surrogate_keys(client, newsroom):
    edited = newsroom["edited"]

    response = client.get(edited.get_absolute_url())

    keys = response["Surrogate-Key"].split()
    assert f"article:{edited.pk}" in keys
    assert f"section:{edited.section_id}" in keys
    assert f"tag:{newsroom['tag'].pk}" in keys
    assert f"author:{newsroom['author'].pk}" in keys
    assert response["Cache-Tag"].split(",") == keys
    section_page = client.get("/section/world/")
    assert {f"list:section:{edited.section_id}", f"section:{edited.section_id}"} <= set(
        section_page["Surrogate-Key"].split()
    )


def test_an_unrelated_cookie_still_gets_a_shared_page(client, newsroom, django_assert_num_queries):
    path = newsroom["edited"].get_absolute_url()
    client.get(path)
    client.cookies["csrftoken"] = "x" * 32

    with django_assert_num_queries(0):
        response = client.get(path)

    assert "public" in response["Cache-Control"] and "s-maxage=" in response["Cache-Control"]
    assert "Cookie" not in response.get("Vary", "")


def test_cache_busting_query_strings_do_not_fill_the_cache(
    client, newsroom, django_assert_num_queries
):
    path = newsroom["edited"].get_absolute_url()
    client.get(path)

    for n in range(5):
        with django_assert_num_queries(0):
            client.get(f"{path}?utm_source=x&cb={n}")
    assert client.get("/?page=01").status_code == 301  # a kept parameter has one spelling


def test_a_gift_moves_the_goal_meter_without_rendering_the_page_again(
    client, newsroom, django_assert_num_queries
):
    from support.models import Appeal

    Appeal.objects.filter(placement="top_banner").update(show_goal=True)  # off in the seed
    path = newsroom["edited"].get_absolute_url()
    assert "$0 of $10,000 a month" in client.get(path).content.decode()
    assert client.get("/support/goal.json").json()["label"] == "$0 of $10,000 a month"

    PaymentFactory(
        kind="one_time", amount=25, donation__frequency="once", donation__status="paid",
        donation__amount=25,
    )  # fmt: skip
    goal_changed()  # as the webhook does after a payment

    assert client.get("/support/goal.json").json()["label"] == "$25 of $10,000 a month"
    assert cached(client, path, django_assert_num_queries)


def test_an_appeal_edit_stales_the_pages_showing_appeals_only(
    client, newsroom, django_assert_num_queries
):
    from support.models import Appeal

    article, sitemap = newsroom["edited"].get_absolute_url(), "/sitemap.xml"
    client.get(article), client.get(sitemap)

    appeal = Appeal.objects.get(placement="end_of_article")
    appeal.heading = "Keep us independent"
    appeal.save()

    assert not cached(client, article, django_assert_num_queries)
    assert "Keep us independent" in client.get(article).content.decode()
    assert cached(client, sitemap, django_assert_num_queries)
