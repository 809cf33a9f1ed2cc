import re

import pytest
from playwright.sync_api import expect

from support.models import LadderAmount
from tests.browser.conftest import PHONE
from tests.browser.helpers import GOOD_CARD, pay_on_checkout_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def amounts_shown(page) -> list[str]:
    tiles = page.locator(".amounts:visible .tile label")
    return [re.sub(r"\s+", " ", text).strip() for text in tiles.all_inner_texts()]


def test_each_frequency_offers_its_own_amounts_with_2_dollars_monthly_chosen(new_context, site):
    LadderAmount.objects.filter(currency__code="usd", frequency="annual", amount=50).update(
        impact="Pays for a week of a reporter's travel"
    )
    page = new_context(viewport=PHONE).new_page()
    page.goto("/support/")

    expect(page.get_by_role("radio", name="Monthly")).to_be_checked()
    expect(page.get_by_role("radio", name="$2", exact=True)).to_be_checked()
    assert amounts_shown(page) == ["$2", "$5", "$10", "$25"]
    tile = page.locator(".amounts-monthly .tile label").first.bounding_box()
    assert tile["height"] >= 44 and tile["width"] >= 88, "tiles are large enough to tap"

    page.get_by_role("radio", name="Annual").check()
    assert amounts_shown(page) == [
        "$25",
        "$50 Pays for a week of a reporter's travel",
        "$100",
        "$250",
    ]
    expect(page.locator(".amounts-annual input").first).to_be_checked()
    page.get_by_role("radio", name="One-time").check()
    assert amounts_shown(page) == ["$10", "$25", "$50", "$100"]

    page.get_by_role("radio", name="Annual").check()
    page.locator(".amounts-annual").get_by_role("radio", name="$50").check()
    page.get_by_role("button", name="Give $50 a year").click()
    expect(page.locator(".amount")).to_have_text("$50.00 per year")
    pay_on_checkout_page(page, GOOD_CARD, email="annual@example.org")
    expect(page.locator(".thanks-gift")).to_contain_text("$50 every year")


def test_an_amount_offered_for_another_frequency_is_refused_with_a_clear_message(page, site):
    response = page.request.post("/support/", form={"frequency": "annual", "amount": "2"})
    assert response.status == 403  # no CSRF token: the form itself is the way in

    page.goto("/support/?frequency=annual")
    expect(page.locator(".amounts-annual input").first).to_be_checked()
    page.evaluate("document.querySelector('.amounts-monthly input[value=\"2\"]').checked = true")
    page.get_by_role("button", name=re.compile("^Give ")).click()
    expect(page.get_by_role("alert")).to_have_text(
        "Choose one of the annual amounts, or type an amount."
    )


def test_editors_set_each_frequencys_amounts_and_bad_ones_are_refused(new_context, site):
    from support.models import LadderAmount, SiteCurrency
    from tests.browser.helpers import log_in, staff_user

    usd = SiteCurrency.objects.get(code="usd")
    first_new = LadderAmount.objects.filter(currency=usd).count()  # the blank rows follow
    admin = new_context().new_page()
    log_in(admin, staff_user("Editors"))
    admin.goto(f"/admin/support/sitecurrency/{usd.pk}/change/")
    new = f"amounts-{first_new}"
    admin.locator(f"select[name={new}-frequency]").select_option("annual")
    admin.locator(f"input[name={new}-amount]").fill("0")
    admin.locator(f"input[name={new}-position]").fill("0")
    admin.get_by_role("button", name="Save", exact=True).click()
    expect(admin.locator(".errorlist")).to_contain_text("The smallest gift we can take is $2.")
    admin.locator(f"input[name={new}-amount]").fill("300")
    admin.locator(f"input[name={new}-impact]").fill("Ten days of court reporting")
    admin.get_by_role("button", name="Save", exact=True).click()
    expect(admin.locator(".messagelist")).to_contain_text("changed successfully")

    page = new_context().new_page()
    page.goto("/support/?frequency=annual")
    assert amounts_shown(page) == [
        "$25",
        "$300 Ten days of court reporting",
        "$50",
        "$100",
        "$250",
    ]


def test_typing_an_amount_clears_the_tile_and_the_button_names_the_gift(page, site):
    page.goto("/support/")
    expect(page.get_by_role("button", name="Give $2 a month")).to_be_visible()

    page.get_by_label("Other amount").fill("50")

    expect(page.locator("input[name=amount]:checked")).to_have_count(0)
    expect(page.get_by_role("button", name="Give $50 a month")).to_be_visible()
    page.get_by_role("radio", name="One-time").check()
    expect(page.get_by_role("button", name="Give $50 once")).to_be_visible()
    page.get_by_role("radio", name="$25", exact=True).check()
    expect(page.get_by_label("Other amount")).to_have_value("")
    page.get_by_role("button", name="Give $25 once").click()
    expect(page.locator(".amount")).to_have_text("$25.00")
