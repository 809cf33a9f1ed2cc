"""Steps the journeys share: paying on the test checkout page, logging into the admin."""

from playwright.sync_api import Page, expect

from tests.articles.factories import UserFactory

GOOD_CARD = "4242 4242 4242 4242"
DECLINED_CARD = "4000 0000 0000 0002"
PASSWORD = "a-long-test-password-9"


def pay_on_checkout_page(page: Page, card: str, email: str = "") -> None:
    """Fill in the local Stripe server's hosted checkout page and submit it."""
    expect(page.get_by_role("heading", level=1)).to_contain_text("Test mode")
    if email:
        page.get_by_label("Email").fill(email)
    page.get_by_label("Card number").fill(card)
    page.get_by_label("Expiry date").fill("12/34")
    page.get_by_label("CVC").fill("123")
    page.get_by_role("button", name="Subscribe").or_(page.get_by_role("button", name="Pay")).click()


def staff_user(*groups: str, username: str = "editor", **fields):
    user = UserFactory(username=username, groups=groups, **fields)
    user.set_password(PASSWORD)
    user.save()
    return user


def log_in(page: Page, user) -> None:
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def focus_is_visible(page: Page) -> bool:
    """Whether the focused element shows an outline (the site's :focus-visible style)."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            if (!el || el === document.body || !el.matches(':focus-visible')) return false;
            const style = getComputedStyle(el);
            const box = el.getBoundingClientRect();
            return style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2
                && style.visibility === 'visible' && box.width > 0 && box.height > 0;
        }"""
    )


def focused_name(page: Page) -> str:
    """A short description of the focused element: its label, text or name."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const label = el.labels && el.labels.length ? el.labels[0].textContent : '';
            return (label || el.textContent || el.name || el.tagName).trim();
        }"""
    )
