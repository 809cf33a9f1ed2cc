"""Appeals that learn, in a real browser: the picker, its counting, and a gift through a variant."""

import re
import time

import pytest
from playwright.sync_api import expect

from support import experiments
from support.models import Appeal, AppealCount, Donation, SupportSettings
from tests.browser.helpers import GOOD_CARD, log_in, pay_on_checkout_page, staff_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def two_variants(settings):
    settings.APPEAL_VIEW_SAMPLE = 1  # every view sent, so the test can see it counted
    SupportSettings.objects.filter(pk=1).update(appeals_split_evenly=True)
    first = Appeal.objects.get(placement="end_of_article")
    second = Appeal.objects.create(
        placement="end_of_article",
        name="B",
        position=1,
        heading="Variant B: keep this story free",
        body="Readers like you pay for every story we publish.",
        button_label="Give through B",
        monthly_amounts="5, 10, 20",
        default_amount="10",
    )
    SupportSettings.load().save()  # the appeals' version bumped: pages drawn afresh
    return first, second


def shown_variant(page) -> str:
    slot = page.locator("[data-appeal-slot=end_of_article]")
    expect(slot).to_have_attribute("data-chosen", re.compile(r"^\d+$"))
    return slot.get_attribute("data-chosen")


def fold_until(check, seconds: float = 10.0):
    deadline = time.monotonic() + seconds
    while True:
        experiments.appeal_counts_fold()
        if check() or time.monotonic() > deadline:
            return check()
        time.sleep(0.2)


def test_fresh_readers_see_both_variants_uncounted_by_cookie_and_a_gift_through_b_shows_on_its_row(
    new_context, site, two_variants
):
    first, second = two_variants
    seen, requests = {}, []
    for _ in range(30):  # an even split: both show within a few fresh readers
        context = new_context()
        page = context.new_page()
        page.on("request", lambda request: requests.append(request.url))
        page.goto(site.story_path)
        chosen = shown_variant(page)
        seen.setdefault(chosen, (context, page))
        assert context.cookies() == []  # viewing sets no cookie
        if len(seen) == 2:
            break
    assert set(seen) == {str(first.pk), str(second.pk)}
    assert [url for url in requests if not site.same_origin(url)] == []
    context, page = seen[str(second.pk)]
    appeal = page.locator("aside.appeal-end")
    expect(appeal.get_by_role("heading", name="Variant B: keep this story free")).to_be_visible()
    expect(appeal).to_have_count(1)
    assert fold_until(lambda: AppealCount.objects.filter(appeal=second, views__gte=1).exists())

    appeal.get_by_role("link", name="Give through B").click()
    page.wait_for_url(re.compile(r"/support/\?"))  # loaded, with forms.css: one ladder shows
    expect(page.get_by_role("radio", name="$10", exact=True)).to_be_checked()
    expect(page.get_by_role("radio", name="$20", exact=True)).to_be_visible()
    page.get_by_role("button", name=re.compile("^(Continue to payment|Give )")).click()
    pay_on_checkout_page(page, GOOD_CARD, email="b-donor@example.org")
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for your support")
    site.stripe.deliveries(wait=True)

    donation = Donation.objects.get()
    assert (donation.appeal, donation.article, donation.status) == (second, site.story, "active")
    assert fold_until(lambda: AppealCount.objects.filter(appeal=second, clicks__gte=1).exists())
    editor = new_context().new_page()
    log_in(editor, staff_user("Editors"))
    editor.goto("/admin/support/appeal/report/")
    row = editor.locator(f"#variant-{second.pk}")
    expect(row.locator("td").nth(3)).to_have_text("1")  # gifts
    expect(row.locator("td").nth(6)).to_have_text("$120.00")  # $10 a month, a year
    expect(editor.locator(f"#variant-{first.pk} td").nth(3)).to_have_text("0")
    editor.goto("/admin/")
    story_row = editor.locator("#earns tbody tr", has_text=site.story.headline)
    expect(story_row.locator("td").nth(1)).to_have_text("1")
    expect(story_row.locator("td").nth(2)).to_have_text("$120.00")


def test_without_javascript_the_first_variant_shows_and_nothing_is_counted(
    new_context, site, two_variants
):
    first, second = two_variants
    page = new_context(java_script_enabled=False).new_page()
    page.goto(site.story_path)

    appeal = page.locator("aside.appeal-end")
    expect(appeal).to_have_count(1)
    expect(appeal).to_contain_text("support us monthly starting from just $2")
    expect(page.get_by_text("Variant B: keep this story free")).to_have_count(0)
    experiments.appeal_counts_fold()
    assert not AppealCount.objects.exists()


def test_a_monthly_donor_never_sees_the_two_dollar_ask_but_sees_the_upgrade_ask(
    new_context, site, two_variants
):
    first, second = two_variants
    second.donor_states = ["recurring"]
    second.monthly_amounts = "10, 20"
    second.heading = "Thank you: could you give a little more?"
    second.save()
    context = new_context()
    context.add_cookies(
        [{"name": "support_hint", "value": "monthly|2099-01-01:sig", "url": site.url}]
    )
    page = context.new_page()

    page.goto(site.story_path)

    assert shown_variant(page) == str(second.pk)
    expect(page.locator("aside.appeal-end")).to_contain_text("could you give a little more")
    expect(page.locator("aside.appeal-end")).not_to_contain_text("from just $2")


def test_an_editor_previews_a_variant_on_the_story_at_phone_and_desktop_width(
    new_context, site, two_variants
):
    _, second = two_variants
    second.active = False  # not running yet: only the preview shows it
    second.save()
    editor = new_context().new_page()
    log_in(editor, staff_user("Editors"))

    editor.goto(f"/admin/support/appeal/{second.pk}/preview/?article={site.story.pk}")

    for title in ("Phone width", "Desktop width"):
        frame = editor.frame_locator(f"iframe[title='{title}']")
        expect(frame.get_by_role("heading", level=1)).to_have_text(site.story.headline)
        expect(frame.locator("aside.appeal-end")).to_contain_text("keep this story free")
    editor.screenshot(path="test-artifacts/screenshots/appeal-preview-1280.png", full_page=True)
    reader = new_context().new_page()
    reader.goto(site.story_path)
    expect(reader.get_by_text("Variant B: keep this story free")).to_have_count(0)


def test_a_story_with_both_appeals_counts_one_read_and_one_view_of_each_appeal(new_context, site):
    page = new_context().new_page()
    page.goto(site.story_path)
    expect(page.locator("[data-appeal-slot=end_of_article]")).to_have_attribute(
        "data-chosen", re.compile(r"^\d+$")
    )

    stored = page.evaluate(
        """() => ({
            reads: JSON.parse(localStorage.getItem('appeal-reads')),
            views: JSON.parse(localStorage.getItem('appeal-views')),
            banner: JSON.parse(localStorage.getItem('appeal-banner-views')),
        })"""
    )
    assert len(stored["reads"]) == 1
    assert len(stored["banner"]) == 1
    assert stored["views"] and all(len(times) == 1 for times in stored["views"].values())
