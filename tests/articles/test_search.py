import pytest
from django.db import connection

from articles.models import Article, Status
from tests.articles.factories import ArticleFactory
from tests.articles.html import find

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text search needs PostgreSQL"
)
on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite fallback")


def headlines(response):
    return [h["text"] for h in find(response.content, "h2", class_="teaser-headline")]


@on_postgresql
def test_full_text_search_ranks_headline_matches_above_body_matches(client):
    ArticleFactory(live=True, headline="Budget vote", body="<p>Peacekeepers were mentioned.</p>")
    ArticleFactory(live=True, headline="Peacekeepers withdraw", body="<p>They left.</p>")
    ArticleFactory(status=Status.DRAFT, headline="Peacekeepers draft")

    response = client.get("/search/", {"q": "peacekeeper"})

    assert headlines(response) == ["Peacekeepers withdraw", "Budget vote"]


@on_postgresql
def test_full_text_search_understands_word_forms_and_quoted_phrases():
    ArticleFactory(live=True, headline="Troops withdrawing", body="<p>From the region.</p>")

    assert Article.objects.published().search("withdraws").count() == 1
    assert Article.objects.published().search("withdrawal").count() == 1
    assert Article.objects.published().search("troop").count() == 1
    assert Article.objects.published().search("budget").count() == 0
    assert Article.objects.published().search('"the region"').count() == 1


@on_sqlite
def test_the_sqlite_fallback_finds_every_word_anywhere_in_the_text(client):
    ArticleFactory(live=True, headline="Budget vote", body="<p>Peacekeepers were mentioned.</p>")
    ArticleFactory(live=True, headline="Peacekeepers withdraw", body="<p>They left.</p>")

    assert set(headlines(client.get("/search/", {"q": "peacekeepers"}))) == {
        "Budget vote",
        "Peacekeepers withdraw",
    }
    assert headlines(client.get("/search/", {"q": "peacekeepers left"})) == [
        "Peacekeepers withdraw"
    ]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "a",
        "'; DROP TABLE articles_article; --",
        "!!! && || :* <-> ( ) \\",
        '"unterminated',
        "%_%",
        "<script>alert(1)</script>",
        "нагорный карабах 🕊",
        "x" * 5000,
        "null\x00byte",
        "the",
    ],
)
def test_any_search_string_gives_a_page(client, query):
    ArticleFactory(live=True, headline="Something")

    response = client.get("/search/", {"q": query, "page": "1"})

    assert response.status_code == 200
    assert b"<script>alert(1)</script>" not in response.content


def test_search_results_paginate_with_the_query_kept(client):
    for n in range(14):
        ArticleFactory(live=True, headline=f"Ceasefire report {n}")

    response = client.get("/search/", {"q": "ceasefire"})

    assert len(headlines(response)) == 12
    assert find(response.content, "a", rel="next")[0]["attrs"]["href"] == "?q=ceasefire&page=2"
    assert len(headlines(client.get("/search/", {"q": "ceasefire", "page": "2"}))) == 2
    assert client.get("/search/", {"q": "ceasefire", "page": "9"}).status_code == 404
