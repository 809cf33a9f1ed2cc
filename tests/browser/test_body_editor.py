"""The rich-text body: pasting from a word processor, inline photos, under the admin's CSP."""

import pytest
from playwright.sync_api import expect

from articles.models import Article, Status
from tests.articles.factories import PhotoFactory
from tests.browser.helpers import log_in, staff_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# What Google Docs puts on the clipboard: styles everywhere, a <b> wrapping it all.
GOOGLE_DOCS_HTML = (
    '<meta charset="utf-8"><b style="font-weight:normal;" id="docs-internal-guid-1a2b">'
    '<p dir="ltr" style="line-height:1.38;margin-top:0pt"><span style="font-size:11pt;'
    'font-family:Arial;color:#000000">Delegations met on Monday.</span></p>'
    '<p dir="ltr" style="line-height:1.38"><span style="font-size:11pt">Read the '
    '<a href="https://example.org/talks" style="text-decoration:none"><span style="color:'
    '#1155cc">agenda</span></a> first.</span></p>'
    '<ul style="margin-top:0"><li dir="ltr" style="list-style-type:disc"><p dir="ltr">'
    "<b>Prisoners</b></p></li><li><p><span>Borders</span></p></li></ul>"
    '<p dir="ltr"><span style="font-size:11pt">Talks go on.</span></p></b>'
)
PLAIN_TEXT = "First paragraph.\n\nSecond paragraph.\n\nThird paragraph."


def paste(page, *, html=None, text=None):
    """Paste into the focused editor as a browser does, with the word processor's data."""
    page.get_by_role("textbox", name="Body").focus()
    page.evaluate(
        """([html, text]) => {
            const data = new DataTransfer();
            if (html) data.setData('text/html', html);
            if (text) data.setData('text/plain', text);
            const event = new ClipboardEvent('paste', {clipboardData: data, bubbles: true,
                                                       cancelable: true});
            document.activeElement.dispatchEvent(event);
        }""",
        [html, text],
    )


def insert_photo(page, *, search, label):
    """Find a photo in the chooser by a word of its caption or credit, and insert it."""
    page.get_by_role("button", name="Insert a photo from the library…").click()
    chooser = page.get_by_role("dialog", name="Choose a photo")
    chooser.get_by_label("Search caption, photographer, agency").fill(search)
    chooser.get_by_role("button", name="Search").click()
    chooser.get_by_role("button", name=f"Choose {label}").click()
    expect(chooser).to_be_hidden()


def csp_violations(page) -> list[str]:
    found = []
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text
            and found.append(f"{message.text} at {message.location}")
        ),
    )
    return found


def write(page, headline):
    page.goto("/admin/articles/article/add/")
    page.get_by_label("Headline").fill(headline)
    page.get_by_label("Section").select_option(label="News")


def publish(page):
    page.get_by_role("button", name="Publish now").click()
    expect(page.locator(".messagelist .success")).to_contain_text("Published")


def test_pasted_paragraphs_links_and_lists_survive_without_their_styles(new_context, site):
    page = new_context().new_page()
    violations = csp_violations(page)
    log_in(page, staff_user("Editors"))
    write(page, "Talks in Geneva")

    paste(page, html=GOOGLE_DOCS_HTML)
    expect(page.locator(".body-word-count")).to_have_text("13 words")
    publish(page)

    body = Article.objects.get(headline="Talks in Geneva").body
    assert body == (
        "<p>Delegations met on Monday.</p>"
        '<p>Read the <a href="https://example.org/talks" rel="noopener noreferrer">agenda</a>'
        " first.</p><ul><li><p><strong>Prisoners</strong></p></li><li><p>Borders</p></li></ul>"
        "<p>Talks go on.</p>"
    )
    assert violations == []


def test_plain_text_pasted_in_three_paragraphs_is_three_paragraphs_on_the_page(new_context, site):
    page = new_context().new_page()
    log_in(page, staff_user("Editors"))
    write(page, "Three paragraphs")

    paste(page, text=PLAIN_TEXT)
    publish(page)

    article = Article.objects.get(headline="Three paragraphs")
    reader = new_context().new_page()
    reader.goto(article.get_absolute_url())
    expect(reader.locator(".article-body > p")).to_have_text(
        ["First paragraph.", "Second paragraph.", "Third paragraph."]
    )


def test_an_inline_photo_from_the_library_shows_its_caption_and_credit(new_context, site):
    PhotoFactory(caption="Delegates in Geneva.", photographer="Jane Doe", agency="Reuters")
    page = new_context().new_page()
    violations = csp_violations(page)
    log_in(page, staff_user("Editors"))
    write(page, "With a photo")

    page.get_by_role("textbox", name="Body").fill("Delegations met on Monday.")
    insert_photo(page, search="geneva", label="Delegates in Geneva. (Jane Doe / Reuters)")
    expect(page.locator(".ProseMirror figure.inline-photo")).to_contain_text("Jane Doe / Reuters")
    publish(page)

    article = Article.objects.get(headline="With a photo")
    assert article.status == Status.PUBLISHED
    reader = new_context().new_page()
    reader.goto(article.get_absolute_url())
    figure = reader.locator(".article-body figure.inline-photo")
    expect(figure.locator("figcaption")).to_have_text("Delegates in Geneva. Jane Doe / Reuters")
    expect(figure.locator("img")).to_have_attribute("alt", "An armoured vehicle on a road")
    assert violations == []


def test_a_story_with_an_uncredited_inline_photo_is_not_published(new_context, site):
    photo = PhotoFactory(caption="Uncredited", photographer="", agency="")
    page = new_context().new_page()
    log_in(page, staff_user("Editors"))
    write(page, "Uncredited photo")
    page.get_by_role("textbox", name="Body").fill("Text.")
    page.evaluate(
        f"""() => {{
            const textarea = document.querySelector('#id_body');
            textarea.value = '<p>Text.</p><figure data-photo="{photo.pk}">x</figure>';
        }}"""
    )
    page.get_by_role("button", name="Publish now").click()

    expect(page.locator(".field-body .errorlist")).to_contain_text(
        "The inline photo “Uncredited” has no credit"
    )
    assert not Article.objects.filter(headline="Uncredited photo").exists()
