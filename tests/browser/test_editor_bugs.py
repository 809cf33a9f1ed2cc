"""The admin bugs editors met (issue 14), each tried in the browser as an editor would."""

import datetime
import re

import pytest
import reversion
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Article, Byline, Photo, Status
from articles.workflow import article_publish
from outbox.models import Email
from tests.articles.factories import ArticleFactory, AuthorFactory, PhotoFactory
from tests.articles.test_photo_admin import jpeg
from tests.browser.helpers import log_in, staff_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def live_story_with_a_draft_version(editor):
    """A story first saved as a draft with other text, then given a byline and published."""
    with reversion.create_revision():
        article = ArticleFactory(
            headline="Talks stall in Geneva", body="<p>The draft-time text.</p>"
        )
        reversion.set_user(editor)
        reversion.set_comment("First draft")
    article.headline = "Talks resume in Geneva"
    article.body = "<p>The text as published.</p>"
    Byline.objects.create(article=article, author=AuthorFactory(name="Anna Reporter"))
    article_publish(article=article, user=editor, at=timezone.now() - datetime.timedelta(hours=2))
    return Article.objects.get(pk=article.pk)


def test_restoring_a_draft_time_version_keeps_a_live_story_live_at_its_url(new_context, site):
    editor = staff_user("Editors")
    article = live_story_with_a_draft_version(editor)
    url, published_at = article.get_absolute_url(), article.publish_at
    page = new_context().new_page()
    log_in(page, editor)

    page.goto(f"/admin/articles/article/{article.pk}/change/")
    page.get_by_role("link", name="History").click()
    draft_row = page.get_by_role("row", name=re.compile("First draft"))
    draft_row.get_by_role("link", name="Compare with current").click()
    expect(page.locator("td.diff-removed").first).to_contain_text("Talks stall in Geneva")
    page.get_by_role("link", name=re.compile("restore", re.I)).click()
    expect(page.get_by_text(re.compile("This story is live"))).to_be_visible()
    page.get_by_role("button", name=re.compile("Restore")).click()

    expect(page.locator(".messagelist .success")).to_contain_text(f"still published at {url}")
    article.refresh_from_db()
    assert (article.status, article.publish_at) == (Status.PUBLISHED, published_at)
    assert article.headline == "Talks stall in Geneva"
    assert [b.author.name for b in article.bylines.all()] == ["Anna Reporter"]
    reader = new_context().new_page()
    assert reader.goto(url).status == 200
    expect(reader.locator("article.article")).to_contain_text("The draft-time text.")


def test_a_failed_photo_upload_keeps_the_file_and_its_credit_and_shows_errors_at_the_fields(
    new_context, site
):
    page = new_context().new_page()
    log_in(page, staff_user("Editors"))
    content = jpeg(iptc={(2, 80): "Jane Photographer", (2, 120): "Delegates in Geneva."})

    page.goto("/admin/articles/photo/add/")
    page.get_by_label("Image").set_input_files(
        {"name": "geneva.jpg", "mimeType": "image/jpeg", "buffer": content}
    )
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator(".field-alt_text .errorlist")).to_contain_text("Write alt text")
    expect(page.get_by_label("Photographer")).to_have_value("Jane Photographer")
    expect(page.locator(".field-credit .readonly")).to_have_text("Jane Photographer")
    expect(page.get_by_text("geneva.jpg")).to_be_visible()
    page.get_by_label("Alt text").fill("Delegates around a table")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator(".messagelist .success")).to_be_visible()
    photo = Photo.objects.get(alt_text="Delegates around a table")
    assert photo.photographer == "Jane Photographer"
    assert photo.caption == "Delegates in Geneva."
    assert (photo.width, photo.height) == (800, 450)


def test_the_credit_line_follows_the_boxes_not_what_the_form_rejected(new_context, site):
    photo = PhotoFactory(photographer="Jane Photographer", agency="")
    page = new_context().new_page()
    log_in(page, staff_user("Editors"))

    page.goto(f"/admin/articles/photo/{photo.pk}/change/")
    page.get_by_label("Photographer").fill("")
    page.get_by_label("Alt text").fill("")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator(".field-alt_text .errorlist")).to_be_visible()
    expect(page.get_by_label("Photographer")).to_have_value("")
    expect(page.locator(".field-credit .readonly")).not_to_contain_text("Jane Photographer")


def test_publish_now_with_a_future_time_is_refused_at_the_field_and_schedule_says_when(
    new_context, site
):
    page = new_context().new_page()
    log_in(page, staff_user("Editors"))
    later = timezone.localtime() + datetime.timedelta(days=2)

    page.goto("/admin/articles/article/add/")
    page.get_by_label("Headline").fill("Budget vote next week")
    page.get_by_label("Section").select_option(label="News")
    page.locator("#id_publish_at_0").fill(f"{later:%Y-%m-%d}")
    page.locator("#id_publish_at_1").fill("08:30:00")
    page.get_by_role("button", name="Publish now").click()

    expect(page.locator(".field-publish_at .errorlist")).to_contain_text(
        "Publish now publishes at once"
    )
    assert not Article.objects.filter(headline="Budget vote next week").exists()
    page.get_by_role("button", name="Schedule", exact=True).click()

    expect(page.locator(".messagelist .success")).to_have_text(
        re.compile(f"Scheduled “Budget vote next week” for {later:%-d %b %Y}, 08:30 UTC")
    )
    assert Article.objects.get(headline="Budget vote next week").status == Status.SCHEDULED


def test_without_javascript_a_writer_submits_and_an_editor_is_told_and_publishes(new_context, site):
    writer = staff_user("Writers", username="writer", first_name="Anna", last_name="Writer")
    story = ArticleFactory(headline="Harbour reopens", created_by=writer)
    chief = staff_user("Editors", email="chief@example.org")
    page = new_context(java_script_enabled=False).new_page()
    log_in(page, writer)

    page.goto(f"/admin/articles/article/{story.pk}/change/")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator(".messagelist .success")).to_have_text(
        "Submitted “Harbour reopens” for review. The editor has been notified."
    )
    notice = Email.objects.get(key__startswith="articles.review_requested:")
    assert (notice.to, notice.status) == ("chief@example.org", Email.Status.SENT)

    editor = new_context(java_script_enabled=False).new_page()
    log_in(editor, chief)
    editor.goto("/admin/")
    in_review = editor.get_by_role("region", name="In review")
    expect(in_review.get_by_role("row", name=re.compile("Harbour reopens"))).to_contain_text(
        "Anna Writer"
    )
    in_review.get_by_role("link", name="Harbour reopens").click()
    editor.get_by_role("button", name="Publish now").click()

    story.refresh_from_db()
    expect(editor.locator(".messagelist .success")).to_have_text(
        f"Published “Harbour reopens”. It is live at {site.url}{story.get_absolute_url()}."
    )
    assert new_context().new_page().goto(story.get_absolute_url()).status == 200


def test_a_writer_cannot_change_the_photo_of_a_live_story(new_context, site):
    page = new_context().new_page()
    log_in(page, staff_user("Writers", username="writer"))
    photo = site.story.hero_photo

    page.goto(f"/admin/articles/photo/{photo.pk}/change/")

    expect(page.get_by_role("heading", level=1)).to_contain_text("View photo")
    expect(page.get_by_role("button", name="Save", exact=True)).to_have_count(0)
    expect(page.get_by_label("Photographer")).to_have_count(0)


def test_a_writer_cannot_reopen_an_unpublished_story_through_submit_for_review(new_context, site):
    article = ArticleFactory(headline="Withdrawn story", status=Status.UNPUBLISHED)
    page = new_context().new_page()
    log_in(page, staff_user("Writers", username="writer"))

    page.goto("/admin/articles/article/")
    page.get_by_role("checkbox", name="Select this object for an action - Withdrawn story").check()
    page.locator("select[name=action]").select_option(label="Submit selected drafts for review")
    page.get_by_role("button", name="Go").click()

    expect(page.locator(".messagelist .error")).to_contain_text("was not submitted for review")
    article.refresh_from_db()
    assert article.status == Status.UNPUBLISHED


def test_a_writer_cannot_open_the_donations_attribution_report(new_context, site):
    page = new_context().new_page()
    log_in(page, staff_user("Writers", username="writer"))

    response = page.goto("/admin/support/donation/attribution/")

    assert response.status == 403
    expect(page.get_by_text("Which stories make readers give")).to_have_count(0)
