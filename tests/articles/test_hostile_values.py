"""Values no form would send, in bodies, paths and query strings: a clear answer, never a 500."""

import datetime

import pytest
from django.db import IntegrityError

from articles.models import Article
from articles.sanitize import clean_body, inline_photo_ids
from tests.articles.factories import ArticleFactory, PhotoFactory, UserFactory
from tests.articles.test_admin import form_data

pytestmark = pytest.mark.django_db

ODD_PHOTO_IDS = ["²", "١٢", "12a", "", "-1", "99999999999999999999999"]


@pytest.mark.parametrize("value", ODD_PHOTO_IDS)
def test_a_body_naming_a_photo_by_anything_but_its_id_loses_the_name_when_saved(value):
    body = f'<p>Text.</p><figure data-photo="{value}">Photo</figure>'

    assert "data-photo" not in clean_body(body)
    assert inline_photo_ids(body) == []


@pytest.mark.parametrize("value", ODD_PHOTO_IDS)
def test_a_story_whose_stored_body_names_a_photo_oddly_is_shown_without_it(client, value):
    photo = PhotoFactory()
    article = ArticleFactory(live=True)
    # Stored before bodies were cleaned of such names.
    body = f'<figure data-photo="{value}">Odd</figure><figure data-photo="{photo.pk}">Ok</figure>'
    Article.objects.filter(pk=article.pk).update(body=body)

    response = client.get(article.get_absolute_url())

    assert response.status_code == 200
    assert response.content.count(b"<figure") == 1
    assert photo.caption.encode() in response.content


@pytest.mark.parametrize(
    "path", ["/sitemaps/articles-9999-12.xml", "/sitemaps/articles-0000-01.xml"]
)
def test_a_sitemap_of_a_month_outside_the_calendar_is_not_found(client, path):
    ArticleFactory(live=True)

    assert client.get(path).status_code == 404


DATE_HIERARCHIES = {
    "articles/article": "publish_at",
    "support/donation": "created_at",
    "support/payment": "paid_at",
    "support/reminder": "due_on",
}
PERIODS = [
    {"year": "9999", "month": "12"},
    {"year": "9999", "month": "12", "day": "31"},
    {"year": "9999"},
    {"year": "1", "month": "1", "day": "1"},
    {"year": "²"},
    {"year": "2024", "month": "13"},
    {"year": "99999999999999999999"},
]


@pytest.mark.parametrize("path, field", DATE_HIERARCHIES.items())
@pytest.mark.parametrize("period", PERIODS)
def test_an_admin_list_asked_for_a_period_past_the_calendar_says_its_filter_is_wrong(
    client, path, field, period
):
    client.force_login(UserFactory(is_superuser=True))

    response = client.get(f"/admin/{path}/", {f"{field}__{k}": v for k, v in period.items()})

    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")


def test_an_admin_list_still_lists_a_period_of_the_calendar(client):
    ArticleFactory(live=True, headline="In its month")
    client.force_login(UserFactory(is_superuser=True))
    now = datetime.datetime.now(datetime.UTC)

    response = client.get(
        "/admin/articles/article/", {"publish_at__year": now.year, "publish_at__month": now.month}
    )

    assert response.status_code == 200
    assert b"In its month" in response.content


@pytest.mark.parametrize("year", [1, 1699, 3001, 9999])
def test_a_publication_time_at_the_calendar_s_ends_is_a_form_error(client, year):
    client.force_login(UserFactory(groups=["Editors"]))
    section = ArticleFactory().section
    move = "publish" if year < 2000 else "schedule"
    data = form_data(section, _workflow=move, publish_at_0=f"{year:04d}-01-01")
    data["publish_at_1"] = "00:00:00"

    response = client.post("/admin/articles/article/add/", data)

    assert response.status_code == 200
    assert "Choose a time between the years 1700 and 2999." in response.content.decode()
    assert not Article.objects.filter(slug="ceasefire-holds").exists()


def test_the_database_refuses_a_story_dated_year_one():
    with pytest.raises(IntegrityError):
        ArticleFactory(
            status="published", publish_at=datetime.datetime(1, 1, 1, tzinfo=datetime.UTC)
        )


@pytest.mark.parametrize("page", ["change", "delete"])
def test_an_admin_page_asked_to_reference_a_field_with_no_name_is_a_bad_request(client, page):
    article = ArticleFactory()
    client.force_login(UserFactory(groups=["Editors"]))

    response = client.get(f"/admin/articles/article/{article.pk}/{page}/", {"_to_field": ""})

    assert response.status_code == 400


@pytest.mark.parametrize(
    "path, query",
    [
        ("/admin/articles/photo/", {"agency": "\x00"}),
        ("/admin/articles/article/", {"q": "a\x00b"}),
        ("/admin/support/donation/", {"status": "\x00"}),
        ("/admin/articles/article/%00/history/", {}),
    ],
)
def test_an_admin_page_asked_for_a_nul_character_is_a_bad_request(client, path, query):
    client.force_login(UserFactory(is_superuser=True))

    assert client.get(path, query).status_code == 400
