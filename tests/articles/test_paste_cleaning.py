"""The server's last word on pasted markup (articles/sanitize.py): the clipboard fixtures of
tests/data/clipboard/ as they would arrive if the editor's own cleaning never ran."""

import pytest

from articles.sanitize import clean_body, html_to_text
from tests.clipboard import FIXTURES, clipboard, description

NAMES = sorted(path.stem for path in FIXTURES.glob("*.html"))


def test_every_fixture_names_the_markup_it_models():
    assert {"google_docs", "word_lists", "word_table", "web_page_embeds"} <= set(NAMES)
    for name in NAMES:
        assert len(description(name)) > 80, name


@pytest.mark.parametrize("name", NAMES)
def test_raw_clipboard_html_keeps_no_styles_scripts_embeds_or_empty_paragraphs(name):
    body = clean_body(clipboard(name))

    for unwanted in ("style=", "class=", "<script", "<iframe", "<img", "<form", "javascript:"):
        assert unwanted not in body, (name, unwanted)
    assert "<p></p>" not in body and "<p>&nbsp;</p>" not in body
    assert html_to_text(body)  # the words are all still there


def test_empty_paragraphs_a_word_processor_leaves_are_dropped():
    pasted = "<p>One.</p><p></p><p><br></p><p>&nbsp;</p><p> \u00a0 <br/> </p><p>Two.</p>"

    assert clean_body(pasted) == "<p>One.</p><p>Two.</p>"


def test_a_paragraph_with_words_and_a_break_is_kept():
    assert clean_body("<p>One<br>two</p><p><strong>\u00a0</strong>x</p>") == (
        "<p>One<br>two</p><p><strong>&nbsp;</strong>x</p>"
    )


def test_a_web_page_keeps_its_words_and_only_safe_links():
    body = clean_body(clipboard("web_page_embeds"))

    assert "The council meets on Friday." in body
    assert 'href="javascript' not in body
    assert "<strong>officials said</strong>" in body
