"""The one place that decides which HTML an article body may contain.

Besides rich text, a body holds story blocks, each a fixed shape the reader page draws:

    <figure data-photo="ID">label</figure>                       a photo from the library
    <figure data-block="related" data-article="ID">label</figure> one of our own stories
    <figure data-block="embed" data-embed="ID"><a href>…</a></figure>  a resolved embed
    <aside data-block="pullquote">…</aside>   <aside data-block="factbox">…</aside>
    <table> with a caption, thead/tbody, tr, th and td
"""

import html
import re

import nh3

BODY_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "a", "em", "strong", "b", "i", "u", "s", "small",
    "sub", "sup", "abbr", "cite", "q", "code", "pre", "blockquote", "ul", "ol", "li", "figure",
    "aside", "table", "caption", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
BODY_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "q": {"cite"},
    "blockquote": {"cite"},
    # An inline photo from the library: the reader page renders it from the photo's record.
    "figure": {"data-photo", "data-block", "data-article", "data-embed"},
    "aside": {"data-block"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}
ASIDE_BLOCKS = {"pullquote", "factbox"}
TH_SCOPES = {"row", "col", "rowgroup", "colgroup"}
INLINE_PHOTO = re.compile(r'<figure data-photo="([^"]*)"[^>]*>.*?</figure>', re.DOTALL)
RELATED = re.compile(
    r'<figure data-block="related" data-article="([0-9]+)">.*?</figure>', re.DOTALL
)
EMBED = re.compile(r'<figure data-block="embed" data-embed="([0-9]+)">(.*?)</figure>', re.DOTALL)
PULLQUOTE = re.compile(r'<aside data-block="pullquote">.*?</aside>', re.DOTALL)
URL_SCHEMES = {"http", "https", "mailto"}
# A photo's id as the database keeps it: ASCII digits ("²".isdigit() is true, int() refuses
# it) and no longer than a 64-bit integer.
PHOTO_ID = re.compile(r"\A[0-9]{1,18}\Z")
SPAN = re.compile(r"\A(?:[2-9]|[1-9][0-9])\Z")  # 1 is the default: left out

# A paragraph with nothing in it (a word processor's empty line, a Docs <br> the editor made
# a paragraph of) shows as a gap on the page.
EMPTY_PARAGRAPH = re.compile(r"<p>(?:\s|&nbsp;|\u00a0|<br\s*/?>)*</p>", re.IGNORECASE)
_BLOCK_END = re.compile(
    r"</(p|h[2-4]|li|blockquote|pre|aside|tr|caption|figure)\s*>|<br\s*/?>|<hr\s*/?>",
    re.IGNORECASE,
)
_CELL_END = re.compile(r"</t[hd]\s*>", re.IGNORECASE)
_FIGURE = re.compile(r"<figure((?: [a-z-]+=\"[^\"]*\")*)>")
_ATTRIBUTE = re.compile(r' ([a-z-]+)="([^"]*)"')


def clean_body(value: str) -> str:
    """Return the body with every tag, attribute and URL scheme not allowed removed, every
    block in its one shape, and no empty paragraphs."""
    cleaned = nh3.clean(
        value or "",
        tags=BODY_TAGS,
        attributes=BODY_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        attribute_filter=_attribute_filter,
    )
    cleaned = _FIGURE.sub(_figure_shape, cleaned)
    return EMPTY_PARAGRAPH.sub("", cleaned).strip()


def _attribute_filter(element: str, attribute: str, value: str) -> str | None:
    if attribute in ("data-photo", "data-article", "data-embed"):
        return value if record_id(value) is not None else None
    if element == "aside":
        return value if value in ASIDE_BLOCKS else None
    if attribute == "scope":
        return value if value in TH_SCOPES else None
    if attribute in ("colspan", "rowspan"):
        return value if SPAN.match(value) else None
    return value


def _figure_shape(match) -> str:
    """A figure is a library photo, a related story, an embed, or a plain figure."""
    attrs = dict(_ATTRIBUTE.findall(match.group(1)))
    block = attrs.get("data-block")
    if "data-photo" in attrs and block is None:
        return f'<figure data-photo="{attrs["data-photo"]}">'
    if block == "related" and "data-article" in attrs:
        return f'<figure data-block="related" data-article="{attrs["data-article"]}">'
    if block == "embed" and "data-embed" in attrs:
        return f'<figure data-block="embed" data-embed="{attrs["data-embed"]}">'
    return "<figure>"


def record_id(value: str) -> int | None:
    """Return the id a body's data-photo, data-article or data-embed names, or None for
    anything else."""
    return int(value) if PHOTO_ID.match(value) else None


photo_id = record_id


def inline_photo_ids(value: str) -> list[int]:
    """Return the library photos the body shows, in order."""
    found = (photo_id(pk) for pk in INLINE_PHOTO.findall(value or ""))
    return [pk for pk in found if pk is not None]


def related_article_ids(value: str) -> list[int]:
    """Return the stories the body's related-story blocks name, in order."""
    found = (record_id(pk) for pk in RELATED.findall(value or ""))
    return [pk for pk in found if pk is not None]


def embed_ids(value: str) -> list[int]:
    """Return the embeds the body shows, in order."""
    found = (record_id(pk) for pk, _ in EMBED.findall(value or ""))
    return [pk for pk in found if pk is not None]


def html_to_text(value: str) -> str:
    """Return plain text, one line per block, for search, feeds, descriptions and counts.

    Photos, related stories and embeds are not the story's words; a pull quote repeats them.
    A table reads one line per row.
    """
    value = INLINE_PHOTO.sub("", value or "")
    for block in (RELATED, EMBED, PULLQUOTE):
        value = block.sub("", value)
    marked = _BLOCK_END.sub(lambda m: m.group(0) + "\n", _CELL_END.sub(" ", value))
    text = html.unescape(nh3.clean(marked, tags=set()))
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)
