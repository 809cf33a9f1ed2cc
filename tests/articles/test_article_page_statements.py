"""The article page's statements are prepared once per connection, and plan well as such.

Every uncached article page runs the same five statements; PostgreSQL parsing and planning
them cost more than running them. They are prepared (newsroom/postgres.py), which also
means PostgreSQL may settle on one generic plan, made without the values: that plan must
still read the indexes of live articles.
"""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import article_page
from tests.articles.factories import ArticleFactory, TagFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements"),
]


@pytest.fixture
def story(settings):
    settings.PAGE_CACHE_SECONDS = 0  # every request renders the page
    tag = TagFactory()
    ArticleFactory(live=True, tags=[tag])
    return ArticleFactory(live=True, tags=[tag])


def prepared() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE NOT from_sql")
        return [row[0] for row in cursor.fetchall()]


def test_the_article_page_s_statements_are_prepared_once_and_still_counted(client, story):
    client.get(story.get_absolute_url())
    first = prepared()
    with CaptureQueriesContext(connection) as queries:
        again = client.get(story.get_absolute_url())

    assert again.status_code == 200
    assert len([s for s in first if s.startswith('SELECT a."id"')]) == 1
    assert prepared() == first  # the second view prepared nothing more
    assert any(q["sql"].startswith('SELECT a."id"') for q in queries.captured_queries)


def test_with_prepared_statements_off_nothing_is_prepared(client, story, settings):
    settings.DATABASE_PREPARED_STATEMENTS = False

    assert client.get(story.get_absolute_url()).status_code == 200
    assert prepared() == []


def generic_plan(sql: str, params: list) -> str:
    numbered = iter(range(1, 1000))
    statement = re.sub("%s", lambda _: f"${next(numbered)}", sql)
    values = ", ".join(["%s"] * len(params))
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"PREPARE article_page_test AS {statement}")
        try:
            cursor.execute(f"EXPLAIN EXECUTE article_page_test({values})", params)
            return "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("DEALLOCATE article_page_test")


def test_the_generic_plans_read_the_index_of_live_articles(story):
    sql = article_page._statements(connection)
    now = timezone.now()
    day = datetime.datetime.combine(story.publish_at.date(), datetime.time.min, tzinfo=datetime.UTC)
    window = datetime.timedelta(days=article_page.READ_MORE_DAYS)

    article = generic_plan(
        sql.article_sql, [now, story.slug, day, day + datetime.timedelta(days=1)]
    )
    nearby = [now, day - window, day + window, story.pk]
    same_section = generic_plan(sql.same_section_sql, [*nearby, story.section_id, 4])

    assert "article_live_newest" in article or "slug" in article, article
    assert "article_live_newest" in same_section, same_section
