import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from articles.models import Article, Status
from tests.browser.helpers import log_in, staff_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

HEADLINE = "Ceasefire talks resume in Geneva"


def jpeg(width=960, height=540) -> dict:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (70, 90, 110)).save(buffer, "JPEG")
    return {"name": "geneva.jpg", "mimeType": "image/jpeg", "buffer": buffer.getvalue()}


def write_article(page) -> None:
    page.goto("/admin/articles/article/add/")
    page.get_by_label("Headline").fill(HEADLINE)
    body = page.get_by_role("textbox", name="Body")
    body.fill("Delegations met on Monday.")
    body.press("Enter")
    body.press_sequentially("Talks go on.")
    page.get_by_label("Section").select_option(label="News")


def add_hero_photo(page, *, photographer="", agency="") -> None:
    """Upload a new photo through the hero photo field's "add" popup, as editors do."""
    with page.expect_popup() as opened:
        page.locator("#add_id_hero_photo").click()
    popup = opened.value
    popup.get_by_label("Image").set_input_files(jpeg())
    popup.get_by_label("Alt text").fill("Delegates around a table in Geneva")
    popup.get_by_label("Caption:", exact=True).fill("Delegates in Geneva on Monday.")
    popup.get_by_label("Photographer").fill(photographer)
    popup.get_by_label("Agency").fill(agency)
    with popup.expect_event("close"):
        popup.get_by_role("button", name="Save", exact=True).click()


def press(page, button: str) -> None:
    page.get_by_role("button", name=button, exact=True).click()


def test_an_editor_publishes_an_article_with_a_new_photo_only_once_it_is_credited(
    new_context, site
):
    page = new_context().new_page()
    log_in(page, staff_user("Editors"))
    write_article(page)
    add_hero_photo(page)

    press(page, "Publish now")

    expect(page.locator(".errornote")).to_be_visible()
    expect(page.locator(".field-hero_photo .errorlist")).to_have_text(
        "The hero photo has no credit: add its photographer or agency before publishing."
    )
    assert not Article.objects.filter(headline=HEADLINE).exists()

    with page.expect_popup() as opened:
        page.locator("#change_id_hero_photo").click()
    photo = opened.value
    photo.get_by_label("Photographer").fill("Jane Doe")
    photo.get_by_label("Agency").fill("Reuters")
    with photo.expect_event("close"):
        photo.get_by_role("button", name="Save", exact=True).click()
    press(page, "Publish now")

    expect(page.locator(".messagelist .success")).to_be_visible()
    article = Article.objects.get(headline=HEADLINE)
    assert article.status == Status.PUBLISHED
    reader = new_context().new_page()
    reader.goto("/")
    reader.get_by_role("link", name=HEADLINE).first.click()
    expect(reader.get_by_role("heading", level=1)).to_have_text(HEADLINE)
    expect(reader.locator("figure.hero .credit")).to_have_text("Jane Doe / Reuters")
    expect(reader.locator("figure.hero .credit")).to_be_visible()
    expect(reader.locator("figure.hero img")).to_have_attribute(
        "alt", "Delegates around a table in Geneva"
    )


def test_a_writer_saves_a_draft_and_submits_it_for_review_but_cannot_publish(new_context, site):
    page = new_context().new_page()
    log_in(page, staff_user("Writers", username="writer"))
    write_article(page)
    expect(page.locator(".submit-row button")).to_have_text(["Save draft", "Submit for review"])

    press(page, "Save draft")
    expect(page.locator(".messagelist .success")).to_be_visible()
    article = Article.objects.get(headline=HEADLINE)
    assert article.status == Status.DRAFT

    page.goto("/admin/articles/article/")
    actions = page.locator("select[name=action]")
    expect(actions.locator("option", has_text="Publish")).to_have_count(0)
    page.get_by_role("checkbox", name=f"Select this object for an action - {HEADLINE}").check()
    actions.select_option(label="Submit selected drafts for review")
    page.get_by_role("button", name="Go").click()
    expect(page.locator(".messagelist .success")).to_have_text("1 article submitted for review.")
    expect(page.get_by_role("row", name=HEADLINE)).to_contain_text("In review")

    # Even a button doctored in the browser does not publish.
    page.get_by_role("link", name=HEADLINE).click()
    page.locator(".submit-row button").first.evaluate("button => { button.value = 'publish'; }")
    press(page, "Save, keep in review")
    expect(page.locator(".errorlist.nonfield")).to_contain_text("Only editors publish")
    article.refresh_from_db()
    assert article.status == Status.IN_REVIEW
    reader = new_context().new_page()
    reader.goto("/")
    expect(reader.get_by_role("link", name=site.story.headline).first).to_be_visible()
    expect(reader.get_by_role("link", name=HEADLINE)).to_have_count(0)
