"""Pasting from Google Docs, Word and web pages into the body (fixtures in
tests/data/clipboard/): the structure arrives, what cannot come is named in a notice, and a
paste too big to clean is refused with a message instead of freezing the tab."""

import pytest
from playwright.sync_api import expect

from articles.models import Article
from articles.sanitize import clean_body
from tests.browser.helpers import log_in, staff_user
from tests.browser.test_body_editor import csp_violations, paste, publish, write
from tests.clipboard import clipboard

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LINK = 'rel="noopener noreferrer"'
PASTED = {
    "google_docs": (
        "<h2>Talks resume in Geneva</h2>"
        "<p>Delegations met on <strong>Monday</strong> and <em>again</em> on Tuesday.</p>"
        f'<p>Read the <a href="https://example.org/talks" {LINK}>agenda</a> and the '
        f'<a href="https://example.org/delegations" {LINK}><strong>list of delegations</strong>'
        "</a>.</p>"
        "<ul><li><p>Prisoners</p><ul><li><p>Exchanges in June</p></li></ul></li>"
        "<li><p>Borders</p></li></ul>"
        "<p>Talks go on.</p>",
        "",
    ),
    "word_lists": (
        "<h2>Who is on the ground</h2>"
        "<p>The mission has <strong>three</strong> tasks, <em>the ministry said</em>:</p>"
        "<ul><li><p>Patrol the corridor</p><ul><li><p>By day and night</p></li></ul></li>"
        "<li><p>Clear <strong>mines</strong></p></li><li><p>Report to the council</p></li></ul>"
        "<p>In order:</p><ol><li><p>Withdraw</p></li><li><p>Hand over</p></li></ol>",
        "",
    ),
    "word_table": (
        "<p>Casualties by year, according to the monitors:</p>"
        # A table block: the editor keeps tables, each cell a paragraph.
        "<table><tbody><tr><td><p><strong>Year</strong></p></td>"
        "<td><p><strong>Casualties</strong></p></td></tr>"
        "<tr><td><p>2020</p></td><td><p>6,500</p></td></tr>"
        "<tr><td><p>2023</p></td><td><p>1,200</p></td></tr></tbody></table>",
        "",
    ),
    "web_page_embeds": (
        "<p>Shelling resumed overnight, <strong>officials said</strong>.</p>"
        "<p>The <em>second</em> ceasefire in a month broke down at dawn.</p>"
        "<p>See our earlier story and this.</p>"
        "<p>The council meets on Friday.</p>",
        "3 embeds removed: paste their URLs as embeds (https://www.youtube.com/embed/dQw4w9WgXcQ,"
        " https://twitter.com/reporter/status/1790000000000000000?ref_src=twsrc%5Etfw,"
        " https://t.me/channel/1234). 1 image removed: add photos from the library."
        " 1 form or drawing removed.",
    ),
}


@pytest.fixture
def editor(new_context, site):
    page = new_context().new_page()
    page.violations = csp_violations(page)
    log_in(page, staff_user("Editors"))
    write(page, "Pasted")
    return page


@pytest.mark.parametrize("name", PASTED)
def test_each_clipboard_fixture_arrives_with_its_structure_and_a_notice_of_what_went(editor, name):
    body, notice = PASTED[name]
    paste(editor, html=clipboard(name))

    assert clean_body(editor.locator("#id_body").input_value()) == body
    expect(editor.locator(".body-paste-notice")).to_have_text(notice)
    assert editor.violations == []


def test_word_bullets_are_a_list_on_the_page_with_no_literal_bullet(editor, new_context):
    paste(editor, html=clipboard("word_lists"))
    publish(editor)

    reader = new_context().new_page()
    reader.goto(Article.objects.get(headline="Pasted").get_absolute_url())
    body = reader.locator(".article-body")
    expect(body.locator(":scope > ul > li")).to_have_count(3)
    expect(body.locator(":scope > ul > li ul > li")).to_have_text(["By day and night"])
    expect(body.locator(":scope > ol > li")).to_have_text(["Withdraw", "Hand over"])
    assert "·" not in body.inner_text()
    assert body.locator("p:empty").count() == 0


def test_docs_empty_lines_leave_no_empty_paragraphs_in_the_editor(editor):
    paste(editor, html=clipboard("google_docs"))

    paragraphs = editor.locator(".ProseMirror > p")
    expect(paragraphs).to_have_count(3)
    for text in paragraphs.all_inner_texts():
        assert text.strip()


def test_a_five_megabyte_paste_is_refused_with_a_message_and_the_body_left_alone(editor):
    editor.get_by_role("textbox", name="Body").fill("Kept as it was.")
    huge = "<p>" + "A long pasted document. " * 220_000 + "</p>"
    assert len(huge) > 5_000_000

    paste(editor, html=huge, text="A long pasted document.")

    expect(editor.locator(".body-paste-notice")).to_have_text(
        "Not pasted: the copied text is 5.3 MB, and the body takes at most 2.0 MB at a time. "
        "Paste the document in parts, or without its images."
    )
    expect(editor.locator(".body-word-count")).to_have_text("4 words")
    assert editor.locator("#id_body").input_value() == "<p>Kept as it was.</p>"
    # The next, ordinary paste clears the message.
    paste(editor, html=clipboard("google_docs"))
    expect(editor.locator(".body-paste-notice")).to_have_text("")
