"""The one place that decides which HTML an article body may contain."""

import html
import re

import nh3

BODY_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "a", "em", "strong", "b", "i", "u", "s", "small",
    "sub", "sup", "abbr", "cite", "q", "code", "pre", "blockquote", "ul", "ol", "li", "figure",
}  # fmt: skip
BODY_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "q": {"cite"},
    "blockquote": {"cite"},
    # An inline photo from the library: the reader page renders it from the photo's record.
    "figure": {"data-photo"},
}
INLINE_PHOTO = re.compile(r'<figure data-photo="([^"]*)"[^>]*>.*?</figure>', re.DOTALL)
URL_SCHEMES = {"http", "https", "mailto"}
# A photo's id as the database keeps it: ASCII digits ("²".isdigit() is true, int() refuses
# it) and no longer than a 64-bit integer.
PHOTO_ID = re.compile(r"\A[0-9]{1,18}\Z")

# A paragraph with nothing in it (a word processor's empty line, a Docs <br> the editor made
# a paragraph of) shows as a gap on the page.
EMPTY_PARAGRAPH = re.compile(r"<p>(?:\s|&nbsp;|\u00a0|<br\s*/?>)*</p>", re.IGNORECASE)
_BLOCK_END = re.compile(r"</(p|h[2-4]|li|blockquote|pre)\s*>|<br\s*/?>|<hr\s*/?>", re.IGNORECASE)


def clean_body(value: str) -> str:
    """Return the body with every tag, attribute and URL scheme not allowed removed, and
    no empty paragraphs."""
    cleaned = nh3.clean(
        value or "",
        tags=BODY_TAGS,
        attributes=BODY_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        attribute_filter=_attribute_filter,
    )
    return EMPTY_PARAGRAPH.sub("", cleaned).strip()


def _attribute_filter(element: str, attribute: str, value: str) -> str | None:
    if attribute == "data-photo":
        return value if photo_id(value) is not None else None
    return value


def photo_id(value: str) -> int | None:
    """Return the photo id a body's data-photo names, or None for anything else."""
    return int(value) if PHOTO_ID.match(value) else None


def inline_photo_ids(value: str) -> list[int]:
    """Return the library photos the body shows, in order."""
    found = (photo_id(pk) for pk in INLINE_PHOTO.findall(value or ""))
    return [pk for pk in found if pk is not None]


def html_to_text(value: str) -> str:
    """Return plain text, one line per block, for search, feeds and descriptions."""
    value = INLINE_PHOTO.sub("", value or "")
    marked = _BLOCK_END.sub(lambda m: m.group(0) + "\n", value)
    text = html.unescape(nh3.clean(marked, tags=set()))
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)
