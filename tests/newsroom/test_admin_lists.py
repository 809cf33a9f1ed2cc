"""Admin lists over big tables draw the same markup as Django's own, faster."""

import pytest


@pytest.mark.django_db
def test_the_written_out_action_checkbox_is_the_one_django_draws():
    from django.contrib import admin

    from articles.models import Article
    from newsroom.admin_lists import PlainActionCheckbox
    from tests.articles.factories import ArticleFactory

    article = ArticleFactory(headline='Talks "resume" <today> & more')
    django_own = admin.ModelAdmin(Article, admin.site).action_checkbox(article)

    assert PlainActionCheckbox().action_checkbox(article) == django_own
