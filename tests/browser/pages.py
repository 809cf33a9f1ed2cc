"""The reader pages the quality bars hold to: how to reach each one in the browser."""

import re
from decimal import Decimal

from playwright.sync_api import Page, expect

from support import services

PAGES = [
    "home",
    "article",
    "section",
    "search",
    "support",
    "thank-you",
    "reminder",
    "reminder-done",
    "account",
    "account-home",
    "newsletters",
    "live-blog",
    "blocks",
]


def visit(page: Page, site, name: str) -> str:
    """Open the named page as a reader reaches it; return the HTML the server sent."""
    if name == "reminder-done":
        page.goto("/support/remind/?placement=end_of_article")
        page.get_by_label("Email (optional)").fill("later@example.org")
        with page.expect_response(lambda r: r.request.method == "POST") as answer:
            page.get_by_role("button", name="Remind me later").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("we won't ask again")
        return answer.value.text()
    if name == "account-home":
        return _signed_in(page, site)
    response = page.goto(_path(site, name))
    assert response is not None and response.ok, f"{name}: {response and response.status}"
    if name == "thank-you":
        expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for your support")
    return response.text()


def _path(site, name: str) -> str:
    if name == "live-blog":
        from tests.browser.live import live_blog_story

        return live_blog_story(site).get_absolute_url()
    if name == "blocks":
        from tests.browser.blocks import blocks_story

        return blocks_story(site).get_absolute_url()
    paths = {
        "home": "/",
        "article": site.story_path,
        "section": site.story.section.get_absolute_url(),
        "search": "/search/?q=peacekeepers",
        "support": "/support/",
        "reminder": "/support/remind/?placement=end_of_article",
        "account": "/support/account/",
        "newsletters": "/newsletters/",
    }
    return paths[name] if name in paths else f"/support/thanks/?session_id={_paid_session(site)}"


def _signed_in(page: Page, site) -> str:
    """The donor account of a $2 monthly donor, signed in by the emailed link."""
    from django.core import mail

    _paid_session(site, email="account@example.org")
    site.stripe.deliveries(wait=True)
    page.goto("/support/account/")
    page.get_by_role("main").get_by_label("Your email address").fill("account@example.org")
    page.get_by_role("button", name="Email me a sign-in link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")
    page.goto(re.search(r"https?://\S+/support/account/sign-in/\S+/", mail.outbox[-1].body)[0])
    with page.expect_response(lambda r: r.url.endswith("/support/account/")) as answer:
        page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your gifts")
    return answer.value.text()


def _paid_session(site, email: str = "") -> str:
    """A $2 monthly checkout paid on the local Stripe server, as the hosted page pays it."""
    donation = services.donation_create_pending(
        amount=Decimal(2),
        frequency="monthly",
        placement="end_of_article",
        article=site.story,
        email=email,
    )
    services.checkout_session_start(
        donation=donation,
        success_url=f"{site.url}/support/thanks/?session_id={{CHECKOUT_SESSION_ID}}",
        cancel_url=f"{site.url}/support/",
    )
    donation.refresh_from_db()
    paid = site.stripe.pay(
        donation.stripe_checkout_session_id, **({"email": email} if email else {})
    )
    assert paid["status"] == "complete", paid
    return donation.stripe_checkout_session_id
