"""The photo library in the admin: a grid to browse, and a focal point set by clicking."""

import re

import pytest
from playwright.sync_api import expect

from articles.models import Photo
from tests.articles.factories import ArticleFactory, PhotoFactory
from tests.browser.helpers import log_in, staff_user
from tests.browser.test_accessibility import axe_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_photo_card_shows_its_credit_and_use_on_hover_and_on_keyboard_focus(page, live_server):
    ferry = PhotoFactory(caption="Ferry at dawn", photographer="Jane Doe", agency="Reuters")
    PhotoFactory(caption="Tanks on a road")
    ArticleFactory(hero_photo=ferry)
    log_in(page, staff_user("Editors"))

    page.goto("/admin/articles/photo/")
    ferry_card = page.get_by_role("link", name=re.compile("^Ferry at dawn"))
    details = ferry_card.locator(".photo-card-details")

    expect(ferry_card).to_contain_text("Jane Doe / Reuters On 1 article")
    expect(details).to_have_css("opacity", "0")
    ferry_card.focus()
    expect(details).to_have_css("opacity", "1")
    assert axe_violations(page) == []  # the details shown, over the thumbnail
    page.get_by_role("link", name=re.compile("^Tanks on a road")).hover()
    expect(details).to_have_css("opacity", "1")  # still focused
    expect(page.locator(".photo-card-details").last).to_have_css("opacity", "1")


def test_clicking_the_photo_sets_its_focal_point_which_is_saved(page, live_server):
    photo = PhotoFactory(image__width=400, image__height=300)
    log_in(page, staff_user("Editors"))

    page.goto(f"/admin/articles/photo/{photo.pk}/change/")
    page.locator("[data-focal-picker] img").click(position={"x": 300, "y": 75})

    expect(page.get_by_label("Focal point, across")).to_have_value("0.75")
    expect(page.get_by_label("Focal point, down")).to_have_value("0.25")
    expect(page.locator(".focal-marker")).to_be_visible()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    photo = Photo.objects.get(pk=photo.pk)
    assert (photo.focal_x, photo.focal_y) == (0.75, 0.25)
    assert {r["crop"] for r in photo.renditions} == {"free", "lead", "teaser", "social"}


def marker_position(page) -> tuple[float, float]:
    """Where the marker's centre is on the photo, as fractions of the photo's size."""
    image = page.locator("[data-focal-picker] img").bounding_box()
    marker = page.locator(".focal-marker").bounding_box()
    return (
        (marker["x"] + marker["width"] / 2 - image["x"]) / image["width"],
        (marker["y"] + marker["height"] / 2 - image["y"]) / image["height"],
    )


def test_the_focal_marker_is_drawn_where_the_point_is_on_a_photo_wider_than_the_form(page, site):
    photo = site.story.hero_photo
    assert photo.width > 1000 and (photo.focal_x, photo.focal_y) == (0.5, 0.5)
    log_in(page, staff_user("Editors"))

    page.goto(f"/admin/articles/photo/{photo.pk}/change/")
    expect(page.locator(".focal-marker")).to_be_visible()
    x, y = marker_position(page)
    assert abs(x - 0.5) < 0.01 and abs(y - 0.5) < 0.01

    image = page.locator("[data-focal-picker] img").bounding_box()
    page.locator("[data-focal-picker] img").click(
        position={"x": image["width"] * 0.79, "y": image["height"] * 0.3}
    )
    expect(page.get_by_label("Focal point, across")).to_have_value("0.79")
    x, y = marker_position(page)
    assert abs(x - 0.79) < 0.01 and abs(y - 0.3) < 0.01
