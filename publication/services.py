"""The masthead and footer every reader page draws, kept by each process per version; the
name emails are sent under."""

from email.utils import formataddr, parseaddr

from django.conf import settings
from django.db.models import Exists, OuterRef

from pagecache.tags import ALL, invalidate
from pagecache.versions import Namespace
from publication.models import Page, Publication

masthead_data = Namespace("masthead")


def masthead(request=None) -> dict:
    """The publication, its navigation sections and its footer pages (three queries, once
    per process for each version of them); read once for a request that is given."""
    return masthead_data.get("masthead", _masthead, request=request)


def _masthead() -> dict:
    return {
        "publication": Publication.load(),
        "sections": _nav_sections(),
        "pages": list(Page.objects.filter(in_footer=True)),
    }


def _nav_sections(limit: int = 8) -> list:
    """The sections chosen for the masthead, or every section when none is chosen."""
    sections = Publication.nav_sections.field.related_model.objects
    chosen = Publication.nav_sections.through.objects.filter(section=OuterRef("pk"))
    found = list(sections.annotate(chosen=Exists(chosen)))
    return ([s for s in found if s.chosen] or found)[:limit]


def masthead_changed(*, every_page: bool = True) -> None:
    """The masthead's data changed: drawn afresh, and (unless told) every page is stale."""
    masthead_data.bump()
    if every_page:
        invalidate(ALL)


def publication_name(request=None) -> str:
    return masthead(request)["publication"].name


def sender() -> str:
    """DEFAULT_FROM_EMAIL, under the publication's name unless it carries a name of its own."""
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr((name or publication_name(), address))
