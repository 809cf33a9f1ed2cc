"""What reader pages draw from versioned values never outlives the edit that changed it."""

import threading

import pytest
from django.db import connection, transaction
from django.test import Client

from publication.models import Publication
from tests.articles.factories import ArticleFactory


def page_in_another_thread(path: str) -> str:
    """Render a page as a reader's request would, on a database connection of its own."""
    found = {}

    def read():
        try:
            found["page"] = Client().get(path).content.decode()
        finally:
            connection.close()

    reader = threading.Thread(target=read)
    reader.start()
    reader.join(timeout=60)
    return found["page"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_page_rendered_while_an_edit_is_open_never_keeps_the_old_masthead_past_the_commit():
    article = ArticleFactory(live=True)
    Publication.objects.update_or_create(pk=1, defaults={"name": "Old Name"})
    assert "Old Name" in Client().get("/").content.decode()

    with transaction.atomic():
        publication = Publication.load()
        publication.name = "New Name"
        publication.save()  # the masthead's version moves now, and again at the commit
        during = page_in_another_thread(article.get_absolute_url())

    after = Client().get(article.get_absolute_url()).content.decode()
    assert "Old Name" in during  # the reader could not see the uncommitted name
    assert "New Name" in after and "Old Name" not in after


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_appeal_edited_while_a_page_renders_shows_on_the_next_page():
    from support.models import Appeal

    article = ArticleFactory(live=True)
    Client().get(article.get_absolute_url())

    with transaction.atomic():
        appeal = Appeal.objects.get(placement="end_of_article")
        appeal.button_label = "Keep us reporting"
        appeal.save()
        during = page_in_another_thread(article.get_absolute_url())

    after = Client().get(article.get_absolute_url()).content.decode()
    assert "Keep us reporting" not in during
    assert "Keep us reporting" in after
