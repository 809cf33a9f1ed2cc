"""The photo chooser on the article form: search the whole library, page through it, choose
the hero or an inline photo, upload one in place."""

import datetime
import os
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Article, Photo
from tests.articles.factories import PhotoFactory
from tests.articles.test_photo_admin import jpeg
from tests.browser.conftest import DESKTOP, PHONE, SCREENSHOTS
from tests.browser.helpers import log_in, staff_user
from tests.browser.test_accessibility import axe_violations
from tests.browser.test_admin_pages import LIBRARY, STOCK_ADMIN
from tests.browser.test_body_editor import csp_violations, write

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def open_chooser(page, button="Insert a photo from the library…"):
    page.get_by_role("button", name=button).click()
    chooser = page.get_by_role("dialog", name="Choose a photo")
    expect(chooser.locator(".chooser-count")).to_be_visible()
    return chooser


def test_an_old_photo_found_by_search_goes_into_the_body_and_onto_the_page(new_context, site):
    old = PhotoFactory(caption="Ferry at dawn", photographer="Jane Doe", agency="Reuters")
    Photo.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=900))
    for number in range(30):
        PhotoFactory(caption=f"Checkpoint {number}")
    page = new_context().new_page()
    violations = csp_violations(page)
    log_in(page, staff_user("Writers", username="writer"))
    write(page, "The ferry")
    page.get_by_role("textbox", name="Body").fill("The ferry sailed.")

    chooser = open_chooser(page)
    expect(chooser.locator(".chooser-count")).to_have_text(re.compile(r"^3\d photos, page 1 of 2"))
    expect(chooser.get_by_role("button", name=re.compile("^Choose Ferry"))).to_have_count(0)
    chooser.get_by_role("link", name="Older ›").click()
    expect(chooser.get_by_role("button", name=re.compile("^Choose Ferry"))).to_have_count(1)

    chooser.get_by_label("Search caption, photographer, agency").fill("reuters ferry")
    chooser.get_by_role("button", name="Search").click()
    expect(chooser.locator(".chooser-count")).to_have_text("1 photo for “reuters ferry”")
    expect(chooser.locator(".chooser-card img")).to_have_count(1)
    chooser.get_by_role("button", name="Choose Ferry at dawn (Jane Doe / Reuters)").click()

    expect(chooser).to_be_hidden()
    expect(page.locator(".ProseMirror figure.inline-photo")).to_have_text(
        "Ferry at dawn (Jane Doe / Reuters)"
    )
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    assert f'<figure data-photo="{old.pk}">' in Article.objects.get(headline="The ferry").body
    assert violations == []


def test_the_hero_photo_is_chosen_in_the_chooser(new_context, site):
    photo = PhotoFactory(caption="Delegates in Geneva", photographer="Jane Doe", agency="")
    page = new_context().new_page()
    log_in(page, staff_user("Editors"))
    write(page, "With a hero")

    chooser = open_chooser(page, "Choose the hero photo from the library")
    chooser.get_by_label("Search caption, photographer, agency").fill("geneva")
    chooser.get_by_role("button", name="Search").click()
    chooser.get_by_role("button", name="Choose Delegates in Geneva (Jane Doe)").click()

    expect(page.locator(".field-hero_photo .select2-selection__rendered")).to_contain_text(
        "Delegates in Geneva"
    )
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    assert Article.objects.get(headline="With a hero").hero_photo == photo


def test_a_photo_uploaded_in_place_needs_a_credit_and_is_then_inserted(new_context, site, tmp_path):
    image = tmp_path / "delegates.jpg"
    image.write_bytes(jpeg())
    page = new_context().new_page()
    log_in(page, staff_user("Writers", username="writer"))
    write(page, "Uploaded in place")

    chooser = open_chooser(page)
    chooser.get_by_text("Upload a new photo").click()
    chooser = chooser.locator(".chooser-upload-box")
    chooser.get_by_label("Image").set_input_files(image)
    chooser.get_by_label("Alt text").fill("Delegates at a long table")
    chooser.get_by_label("Caption").fill("Delegates in Geneva.")
    chooser.get_by_role("button", name="Upload and choose").click()
    expect(chooser.locator(".chooser-upload .errorlist")).to_contain_text(
        "Name the photographer or the agency"
    )
    assert not Photo.objects.filter(caption="Delegates in Geneva.").exists()
    expect(chooser).to_contain_text("Kept from your last try: delegates.jpg")

    chooser.get_by_label("Agency or organisation").fill("Reuters")
    chooser.get_by_role("button", name="Upload and choose").click()

    expect(page.get_by_role("dialog", name="Choose a photo")).to_be_hidden()
    expect(page.locator(".ProseMirror figure.inline-photo")).to_have_text(
        "Delegates in Geneva. (Reuters)"
    )
    assert Photo.objects.get(caption="Delegates in Geneva.").credit_line == "Reuters"


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375", "1280"])
def test_the_chooser_is_screenshotted_fits_the_screen_and_has_no_axe_violations(
    viewport, new_context, site
):
    for caption, colour, days in LIBRARY:
        expires = timezone.localdate() + datetime.timedelta(days) if days is not None else None
        PhotoFactory(
            caption=caption,
            image__width=300,
            image__height=200,
            image__color=colour,
            rights_expire_on=expires,
        )
    page = new_context(viewport=viewport).new_page()
    log_in(page, staff_user("Editors"))
    write(page, "With a photo")

    chooser = open_chooser(page)
    chooser.get_by_label("Rights", exact=True).select_option(label="All photos, unusable ones too")
    chooser.get_by_role("button", name="Search").click()
    expect(chooser.locator(".chooser-card-warning")).to_have_count(1)
    chooser.evaluate("dialog => { dialog.scrollTop = 0; }")

    overflow = chooser.evaluate("dialog => dialog.scrollWidth - dialog.clientWidth")
    assert overflow <= 0, f"the chooser scrolls {overflow} px sideways"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"admin-photo-chooser-{viewport['width']}.png"
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    partial.write_bytes(page.screenshot(animations="disabled"))
    os.replace(partial, path)
    violations = [v for v in axe_violations(page) if not any(s in v for s in STOCK_ADMIN)]
    assert violations == [], "\n".join(violations)
