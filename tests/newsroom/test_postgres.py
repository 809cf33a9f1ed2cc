import pytest
from django.db import connection
from django.db.models.expressions import RawSQL

from articles.models import Article
from newsroom import postgres
from tests.articles.factories import ArticleFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's statistics"),
]


@pytest.fixture
def articles():
    return [ArticleFactory() for _ in range(5)]


def test_a_small_table_is_counted_exactly(articles):
    assert postgres.estimated_count(Article.objects.all()) == 5


def test_a_big_unfiltered_table_is_estimated_from_its_statistics(articles, monkeypatch):
    monkeypatch.setattr(postgres, "EXACT_COUNT_BELOW", 3)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_article")
    ArticleFactory()  # written after the statistics: the estimate does not see it

    assert postgres.estimated_count(Article.objects.all()) == 5


def test_a_filter_expected_to_keep_many_rows_is_estimated_and_a_narrow_one_counted(
    articles, monkeypatch
):
    monkeypatch.setattr(postgres, "EXACT_COUNT_BELOW", 3)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_article")
    newest = ArticleFactory()  # written after the statistics: the estimate does not see it
    statements = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        assert postgres.estimated_count(Article.objects.filter(headline__gt="")) == 5
    assert not [sql for sql in statements if "COUNT(" in sql]  # 900,000 renewals: no count
    assert postgres.estimated_count(Article.objects.filter(pk=newest.pk)) == 1
    assert postgres.estimated_count(Article.objects.none()) == 0


def test_a_filtered_count_past_its_timeout_is_estimated_by_the_planner(articles, monkeypatch):
    monkeypatch.setattr(postgres, "COUNT_TIMEOUT_MS", 50)
    slow = Article.objects.filter(
        pk__in=RawSQL("SELECT id FROM articles_article, pg_sleep(0.3)", [])
    )

    assert isinstance(postgres.estimated_count(slow), int)


def test_the_admin_list_of_articles_shows_without_a_full_count(admin_client, articles):
    response = admin_client.get("/admin/articles/article/")

    assert response.status_code == 200
    assert response.context["cl"].result_count == 5
    assert response.context["cl"].full_result_count is None
