"""A reader signs up under a story, confirms from the email, receives the edition an editor
sends, and unsubscribes in one click."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import expect

from newsletters.models import Edition, EditionStory, Newsletter, Subscription
from tests.browser.helpers import log_in, staff_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def link_in(message, pattern: str) -> str:
    return re.search(pattern, message.body).group(0)


def test_sign_up_from_a_story_confirm_receive_an_edition_and_unsubscribe_in_one_click(
    new_context, site
):
    newsletter = Newsletter.objects.get(slug="morning")  # with a second list, from `site`
    edition = Edition.objects.create(newsletter=newsletter, subject="Morning Brief: Karabakh")
    EditionStory.objects.create(edition=edition, article=site.story, position=1)
    reader = new_context().new_page()

    reader.goto(site.story_path)
    signup = reader.locator("section.newsletter-signup", has_text="Get our reporting by email")
    signup.get_by_label("Your email address").fill("reader@example.org")
    signup.get_by_role("button", name="Sign up").click()
    expect(reader.get_by_role("heading", level=1)).to_have_text("Check your inbox")

    (confirmation,) = mail.outbox
    reader.goto(link_in(confirmation, r"http://\S+/email/confirm/\S+/\S+/"))
    expect(reader.get_by_role("heading", level=1)).to_contain_text("The Morning Brief")
    reader.get_by_role("button", name="Confirm").click()
    expect(reader.locator("main")).to_contain_text("You are subscribed to “The Morning Brief”")

    editor = new_context().new_page()
    log_in(editor, staff_user("Editors", email="editor@example.org"))
    editor.goto(f"/admin/newsletters/edition/{edition.pk}/change/")
    editor.get_by_role("button", name="Send now").click()
    expect(editor.locator(".messagelist")).to_contain_text("Sending “Morning Brief: Karabakh”")

    (sent,) = [m for m in mail.outbox if m.to == ["reader@example.org"]][1:]
    assert sent.subject == "Morning Brief: Karabakh"
    assert site.story.headline in sent.body
    unsubscribe = sent.extra_headers["List-Unsubscribe"].strip("<>")
    assert site.same_origin(unsubscribe)

    reader.goto(urlsplit(unsubscribe).path)
    reader.get_by_role("button", name="Unsubscribe").click()
    expect(reader.get_by_role("heading", level=1)).to_have_text("You are unsubscribed")
    assert Subscription.objects.get().state == Subscription.State.UNSUBSCRIBED
