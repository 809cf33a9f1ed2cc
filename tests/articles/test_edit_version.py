"""The story's edit version: every save makes a new one, and an edit from an older one (or
from a form that carries none) is refused on the server, with nothing lost."""

import datetime

import pytest
import reversion
from django.conf import settings
from django.db import OperationalError, connections, transaction
from reversion.models import Version

from articles.models import Article, Status
from articles.photos import photos_swap_expired_rights
from articles.workflow import (
    Move,
    StaleEdit,
    article_check_version,
    article_move,
    article_restore_version,
    article_save,
)
from tests.articles.factories import ArticleFactory, PhotoFactory, UserFactory
from tests.articles.html import find
from tests.articles.test_admin import change_url, errors, form_data

pytestmark = pytest.mark.django_db


def hidden(page: bytes, name: str) -> str:
    return find(page, "input", name=name)[0]["attrs"]["value"]


def stored(article) -> Article:
    return Article.objects.get(pk=article.pk)


def open_and_save(client, user, article, **fields):
    """Open the story's form as the user and save it with the fields changed."""
    client.force_login(user)
    page = client.get(change_url(article)).content
    data = form_data(article.section, slug=article.slug, headline=article.headline)
    data |= {name: hidden(page, name) for name in ("opened_version", "edited_since")}
    return client.post(change_url(article), data | fields)


@pytest.mark.parametrize("forged", [{}, {"edited_since": ""}, {"opened_version": ""}])
def test_a_form_posted_without_its_version_does_not_overwrite_a_newer_save(
    client, anna, ben, forged
):
    article = ArticleFactory(headline="Ceasefire holds", dek="As it was.")
    client.force_login(anna)
    client.get(change_url(article))  # Anna opens the story...
    assert open_and_save(client, ben, article, dek="Ben's newer dek.").status_code == 302

    client.force_login(anna)  # ...and posts a form that says nothing of what she opened.
    data = form_data(article.section, slug=article.slug, headline="Anna's headline")
    response = client.post(change_url(article), data | forged)

    assert response.status_code == 200
    assert "Ben Okafor saved this story at" in errors(response)
    assert "after you opened it" in errors(response)
    # Her text comes back in the form, to copy.
    assert find(response.content, "input", name="headline")[0]["attrs"]["value"] == (
        "Anna's headline"
    )
    assert (stored(article).headline, stored(article).dek) == (
        "Ceasefire holds",
        "Ben's newer dek.",
    )


def test_a_form_opened_before_the_last_save_is_refused_and_one_opened_after_saves(
    client, anna, ben
):
    article = ArticleFactory(headline="Ceasefire holds")
    client.force_login(anna)
    annas_form = client.get(change_url(article)).content
    assert open_and_save(client, ben, article, dek="Ben's dek.").status_code == 302

    client.force_login(anna)
    data = form_data(article.section, slug=article.slug, headline="Anna's headline")
    stale = data | {"opened_version": hidden(annas_form, "opened_version")}
    refused = client.post(change_url(article), stale)
    again = open_and_save(client, anna, article, headline="Anna's headline", dek="Ben's dek.")

    assert refused.status_code == 200 and "after you opened it" in errors(refused)
    assert again.status_code == 302
    assert stored(article).headline == "Anna's headline"


def test_the_form_carries_the_version_it_was_opened_at(client, anna):
    article = ArticleFactory()
    article.save()
    article.save()
    client.force_login(anna)

    page = client.get(change_url(article)).content

    assert hidden(page, "opened_version") == "3"


def test_every_save_of_a_story_makes_a_new_version(django_capture_on_commit_callbacks):
    editor = UserFactory(groups=["Editors"])
    with reversion.create_revision():
        article = ArticleFactory(status=Status.DRAFT)
    assert stored(article).edit_version == 1
    first = Version.objects.get_for_object(article).get()

    article_move(article=article, user=editor, move=Move.DRAFT)
    assert stored(article).edit_version == 2
    article_restore_version(article=stored(article), version=first, user=editor)
    assert stored(article).edit_version == 3
    photo = PhotoFactory(rights_expire_on=datetime.date(2020, 1, 1))
    Article.objects.filter(pk=article.pk).update(
        status=Status.PUBLISHED, publish_at=datetime.datetime(2019, 6, 1, tzinfo=datetime.UTC)
    )
    Article.objects.filter(pk=article.pk).update(hero_photo=photo)
    photos_swap_expired_rights()
    assert stored(article).edit_version == 4


def test_article_save_refuses_an_edit_from_an_older_version_and_saves_a_current_one():
    editor = UserFactory(groups=["Editors"])
    article = ArticleFactory(headline="Ceasefire holds")
    theirs, mine = stored(article), stored(article)
    theirs.headline = "Theirs"
    article_save(article=theirs, user=editor, move=Move.DRAFT, expected_version=1)

    mine.headline = "Mine"
    with pytest.raises(StaleEdit) as refused:
        article_save(article=mine, user=editor, move=Move.DRAFT, expected_version=1)
    with pytest.raises(StaleEdit):
        article_save(article=mine, user=editor, move=Move.DRAFT, expected_version=None)

    assert (refused.value.expected, refused.value.current) == (1, 2)
    assert stored(article).headline == "Theirs"
    article_save(article=mine, user=editor, move=Move.DRAFT, expected_version=2)
    assert (stored(article).headline, stored(article).edit_version) == ("Mine", 3)


def test_a_save_from_a_story_loaded_before_another_save_continues_from_the_stored_version():
    editor = UserFactory(groups=["Editors"])
    article = ArticleFactory()
    loaded_early = stored(article)
    article_move(article=stored(article), user=editor, move=Move.DRAFT)  # version 2

    article_move(article=loaded_early, user=editor, move=Move.DRAFT)

    assert stored(article).edit_version == 3


@pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="SQLite takes the whole database for a writing transaction",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_version_check_holds_the_story_until_the_saving_transaction_ends():
    article = ArticleFactory()
    other = connections.create_connection("default")
    try:
        with transaction.atomic():
            article_check_version(article=article, expected_version=1)
            with other.cursor() as cursor, pytest.raises(OperationalError):
                cursor.execute(
                    "SELECT id FROM articles_article WHERE id = %s FOR UPDATE NOWAIT",
                    [article.pk],
                )
    finally:
        other.close()
