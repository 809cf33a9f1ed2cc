"""A save refused as stale: what they saved beside what you wrote, field by field.

The refused form shows each field whose saved value differs from the one sent, with "Keep
mine" ticked where the sender changed the field since opening the story (theirs stands
elsewhere). The form then carries the version it was compared with (`resolved_version`):
the next button pressed saves the chosen mix against that version, and is refused again,
with a new comparison, if someone saved once more meanwhile. Bylines and corrections are
not compared: they are saved as sent.
"""

import datetime
from dataclasses import dataclass

from articles.admin.workflow import when
from articles.models import Article, Tag
from articles.sanitize import clean_body, html_to_text

RESOLVED = "resolved_version"
SHOWN = "_conflict"  # a field the comparison showed
KEEP = "_keep"  # a field whose value sent should stand

FIELDS = (
    "headline", "kicker", "dek", "body", "section", "tags", "dateline", "agency", "slug",
    "hero_photo", "hero_caption", "publish_at", "front_page_position", "seo_title",
    "seo_description",
)  # fmt: skip
RELATED = ("section", "hero_photo")


@dataclass
class Conflict:
    name: str
    label: str
    theirs: str
    mine: str
    keep_mine: bool


def _comparable(name: str, value):
    if name == "tags":
        return frozenset(int(getattr(tag, "pk", tag)) for tag in value or ())
    if name in RELATED:
        return getattr(value, "pk", value)
    if name == "body":
        return clean_body(value or "")
    if isinstance(value, datetime.datetime):
        return value.replace(microsecond=0)
    return "" if value is None else value


def _stored(article: Article, name: str):
    if name == "tags":
        return list(article.tags.all())
    return getattr(article, name)


def _shown(name: str, value) -> str:
    if name == "tags":
        return ", ".join(str(tag) for tag in value) or "—"
    if name == "body":
        return html_to_text(clean_body(value or "")) or "—"
    if isinstance(value, datetime.datetime):
        return when(value)
    return "—" if value in (None, "") else str(value)


def _opened(name: str, opened: dict | None):
    """The field as the sender opened it (from the story's version then), if known."""
    if opened is None:
        return None
    if name in RELATED:
        return opened.get(f"{name}_id")
    return opened.get(name)


def conflicts(*, form, opened: dict | None) -> list[Conflict]:
    """Compare the story as saved now with what the form sent; `opened` is the field_dict of
    the version the sender opened (None when it is not known: then mine is kept)."""
    stored = Article.objects.get(pk=form.instance.pk)
    found = []
    for name in FIELDS:
        if name not in form.cleaned_data or name not in form.fields:
            continue
        mine, theirs = form.cleaned_data[name], _stored(stored, name)
        if _comparable(name, mine) == _comparable(name, theirs):
            continue
        was = _opened(name, opened)
        changed_by_me = opened is None or _comparable(name, mine) != _comparable(name, was)
        found.append(
            Conflict(
                name=name,
                label=str(form.fields[name].label or name).capitalize(),
                theirs=_shown(name, theirs),
                mine=_shown(name, mine),
                keep_mine=changed_by_me,
            )
        )
    return found


def take_theirs(*, form, stored: Article) -> None:
    """Put the saved value in place of the sent one for each field shown and not kept."""
    kept = set(form.data.getlist(KEEP))
    for name in form.data.getlist(SHOWN):
        if name in FIELDS and name not in kept and name in form.cleaned_data:
            value = _stored(stored, name)
            if name == "tags":
                value = Tag.objects.filter(pk__in=[tag.pk for tag in value])
            form.cleaned_data[name] = value
