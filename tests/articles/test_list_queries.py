"""The lists of a big archive read an index in their order: none sorts every live article.

An archive of 100,000 articles is too big to read whole; these tests hold a few rows, so the
planner is told to avoid reading a table whole or sorting it, and each list must still find
an index that gives its order (bench/scale.py measures the real thing).
"""

import pytest
from django.contrib import admin
from django.db import connection

from articles.models import Article
from tests.articles.factories import ArticleFactory, AuthorFactory, TagFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="query plans of PostgreSQL"),
]


def plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.fixture
def archive():
    tag, author = TagFactory(), AuthorFactory()
    ArticleFactory(live=True, tags=[tag], authors=[author])
    ArticleFactory(live=True, front_page_position=1)
    ArticleFactory()  # a draft
    return tag, author


def test_the_home_page_walks_the_front_page_index(archive):
    found = plan(Article.objects.front_page().for_listing()[:13])

    assert "article_live_front_page" in found, found
    assert "Sort" not in found, found


def test_feeds_and_search_candidates_walk_the_index_of_live_articles_newest_first(archive):
    for queryset in (
        Article.objects.published().for_listing()[:30],
        Article.objects.published().order_by("-publish_at").values("pk")[:1000],
    ):
        found = plan(queryset)

        assert "article_live_newest" in found, found
        assert "Sort" not in found, found


def test_tag_and_author_pages_walk_the_index_of_live_articles_newest_first(archive):
    tag, author = archive
    for queryset in (
        Article.objects.published().filter(tags=tag),
        Article.objects.published().filter(bylines__author=author),
    ):
        found = plan(queryset.for_listing()[:13])

        assert "article_live_newest" in found, found
        assert "Sort" not in found, found


def test_the_admin_list_of_every_article_walks_the_newest_index(archive, rf, admin_user):
    request = rf.get("/admin/articles/article/")
    request.user = admin_user
    queryset = admin.site._registry[Article].get_changelist_instance(request).queryset

    found = plan(queryset[:100])

    assert "article_newest" in found, found
    assert "Sort" not in found, found
