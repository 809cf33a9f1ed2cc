import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

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
        "word " * 2000,
        "a:* & !b | (c <-> d)",
        "ceasefire\x00",
        "null\x00byte",
        "the",
    ],
)
def test_any_search_string_gives_a_page(client, query):
    ArticleFactory(live=True, headline="Something")

    # Page 1 and a query spelt with extra spaces redirect to their one address first.
    response = client.get("/search/", {"q": query, "page": "1"}, follow=True)

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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("peacekeepers withdrawal", "peacekeepers & withdrawal:*"),
        ('"the region" troops', "(the <-> region) & troops:*"),
        ("!!! && || :* <-> ( ) \\ '", ""),
        ("null\x00byte", "null & byte:*"),
        ('"unterminated phrase', "(unterminated <-> phrase:*)"),
        ("one two three four five six seven eight nine ten", None),
    ],
)
def test_the_tsquery_is_built_from_words_only(text, expected):
    from articles.search import MAX_WORDS, tsquery_text

    result = tsquery_text(text)

    if expected is None:
        assert result.count("&") == MAX_WORDS - 1
    else:
        assert result == expected


@on_postgresql
def test_the_last_word_matches_as_a_prefix(client):
    ArticleFactory(live=True, headline="Peacekeepers withdraw", body="<p>They left.</p>")

    assert headlines(client.get("/search/", {"q": "peacekee"})) == ["Peacekeepers withdraw"]
    assert headlines(client.get("/search/", {"q": "peacekee left"})) == []
    assert headlines(client.get("/search/", {"q": "left peacekee"})) == ["Peacekeepers withdraw"]


@on_postgresql
def test_the_stored_vector_follows_edits_of_the_text():
    article = ArticleFactory(live=True, headline="Budget vote", body="<p>Nothing else.</p>")
    assert Article.objects.search("drought").count() == 0

    article.body = "<p>The drought deepens.</p>"
    article.save()
    Article.objects.filter(pk=article.pk).update(dek="Harvest fails")

    assert list(Article.objects.search("drought")) == [article]
    assert list(Article.objects.search("harvest")) == [article]


@on_postgresql
@pytest.mark.parametrize("search", ["reader", "admin"])
def test_search_uses_the_gin_index(search):
    from django.contrib import admin

    section = ArticleFactory(live=True, headline="Ceasefire holds").section
    now = timezone.now()
    Article.objects.bulk_create(
        Article(headline=f"Budget vote {n}", slug=f"budget-{n}", body_text="Budget vote today.",
                section=section, status=Status.PUBLISHED, publish_at=now)
        for n in range(3000)
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_article")
    if search == "reader":  # the query that finds and ranks the candidates
        with CaptureQueriesContext(connection) as ran:
            found = Article.objects.published().best_first("ceasefire")
        sql, params = ran.captured_queries[-1]["sql"], None
        headlines = [Article.objects.get(pk=pk).headline for pk in found]
    else:
        model_admin = admin.site._registry[Article]
        queryset, _ = model_admin.get_search_results(None, Article.objects.all(), "ceasefire")
        sql, params = queryset.query.sql_with_params()
        headlines = [a.headline for a in queryset]

    with connection.cursor() as cursor:
        # A real archive is too big to read whole; this one would fit in a few pages.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "Bitmap Index Scan on articles_article_search" in plan, plan
    assert headlines == ["Ceasefire holds"]


def test_the_admin_search_finds_words_in_the_text_and_exact_slugs(admin_client):
    ArticleFactory(headline="Ceasefire holds", slug="ceasefire-holds")
    ArticleFactory(headline="Budget vote", slug="budget-vote", body="<p>A ceasefire too.</p>")
    ArticleFactory(headline="Other", slug="other")

    found = find(
        admin_client.get("/admin/articles/article/", {"q": "ceasefire"}).content,
        "th",
        class_="field-headline",
    )
    by_slug = find(
        admin_client.get("/admin/articles/article/", {"q": "other"}).content,
        "th",
        class_="field-headline",
    )

    assert {cell["text"] for cell in found} == {"Ceasefire holds", "Budget vote"}
    assert [cell["text"] for cell in by_slug] == ["Other"]


@on_postgresql
def test_a_search_past_its_statement_timeout_gets_a_page_saying_so(client, monkeypatch):
    from django.db.models.expressions import RawSQL

    from articles import search
    from articles.querysets import ArticleQuerySet

    monkeypatch.setattr(search, "STATEMENT_TIMEOUT_MS", 50)
    slow = RawSQL("SELECT id FROM articles_article, pg_sleep(0.5)", [])
    monkeypatch.setattr(
        ArticleQuerySet, "best_first", lambda self, text: list(self.filter(pk__in=slow))
    )
    ArticleFactory(live=True, headline="Ceasefire holds")

    response = client.get("/search/", {"q": "ceasefire"})

    assert response.status_code == 200
    assert "took too long" in response.content.decode()
    assert "private" in response["Cache-Control"]


@on_postgresql
def test_the_statement_timeout_cancels_a_slow_query():
    from articles.search import SearchTimedOut, statement_timeout

    with pytest.raises(SearchTimedOut), statement_timeout(50):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(1)")


@on_postgresql
def test_the_statement_timeout_ends_with_its_block_inside_a_transaction():
    from django.db import transaction

    from articles.search import statement_timeout

    with transaction.atomic(), connection.cursor() as cursor:
        with statement_timeout(50):
            cursor.execute("SELECT 1")
        cursor.execute("SELECT pg_sleep(0.2)")  # no timeout any more
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "0"
