"""An editor's day, in the browser: a Writer files, an Editor publishes, revises, restores."""

import re

import pytest
from playwright.sync_api import expect

from articles.models import Article, Status
from tests.articles.factories import PhotoFactory
from tests.browser.helpers import log_in, staff_user
from tests.browser.test_body_editor import PLAIN_TEXT, insert_photo, paste

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

HEADLINE = "Border crossing reopens"


def test_a_story_goes_from_writer_to_editor_to_readers_and_survives_a_restore(new_context, site):
    PhotoFactory(caption="The crossing at dawn.", photographer="Jane Doe", agency="Reuters")
    writer = new_context().new_page()
    log_in(writer, staff_user("Writers", username="writer", first_name="Anna", last_name="Writer"))

    # The Writer files: three pasted paragraphs and a photo from the library.
    writer.goto("/admin/articles/article/add/")
    writer.get_by_label("Headline").fill(HEADLINE)
    writer.get_by_label("Section").select_option(label="News")
    paste(writer, text=PLAIN_TEXT)
    insert_photo(writer, search="crossing", label="The crossing at dawn. (Jane Doe / Reuters)")
    writer.get_by_role("button", name="Submit for review").click()
    expect(writer.locator(".messagelist .success")).to_contain_text(
        f"Submitted “{HEADLINE}” for review."
    )

    # The Writer cannot touch what readers see.
    writer.goto(f"/admin/articles/photo/{site.story.hero_photo.pk}/change/")
    expect(writer.get_by_role("button", name="Save", exact=True)).to_have_count(0)
    writer.goto(f"/admin/articles/article/{site.story.pk}/change/")
    expect(writer.locator(".submit-row button")).to_have_count(0)

    # The Editor finds it on the start page and publishes it.
    editor = new_context().new_page()
    log_in(editor, staff_user("Editors"))
    editor.goto("/admin/")
    in_review = editor.get_by_role("region", name="In review")
    expect(in_review.get_by_role("row", name=re.compile(HEADLINE))).to_contain_text("Anna Writer")
    in_review.get_by_role("link", name=HEADLINE).click()
    editor.get_by_role("button", name="Publish now").click()
    article = Article.objects.get(headline=HEADLINE)
    url = article.get_absolute_url()
    expect(editor.locator(".messagelist .success")).to_have_text(
        f"Published “{HEADLINE}”. It is live at {site.url}{url}."
    )

    reader = new_context().new_page()
    reader.goto(url)
    expect(reader.locator(".article-body > p")).to_have_text(
        ["First paragraph.", "Second paragraph.", "Third paragraph."]
    )
    expect(reader.locator(".article-body figure figcaption")).to_have_text(
        "The crossing at dawn. Jane Doe / Reuters"
    )

    # The Editor rewrites the live story, then restores the Writer's version.
    editor.get_by_label("Headline").fill("Border crossing reopens after talks")
    editor.get_by_role("button", name="Update live story").click()
    expect(editor.locator(".messagelist .success")).to_contain_text("Updated the live story")
    editor.get_by_role("link", name="History").click()
    editor.get_by_role("row", name=re.compile("Anna Writer")).last.get_by_role(
        "link", name="Restore…"
    ).click()
    editor.get_by_role("button", name=re.compile("Restore this version")).click()
    expect(editor.locator(".messagelist .success")).to_contain_text(f"still published at {url}")

    article.refresh_from_db()
    assert (article.status, article.get_absolute_url()) == (Status.PUBLISHED, url)
    reader.goto(url)
    expect(reader.get_by_role("heading", level=1)).to_have_text(HEADLINE)
