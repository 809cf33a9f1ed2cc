"""The masthead and footer every reader page draws, cached together."""

from django.db.models import Exists, OuterRef

from newsroom.snapshots import Snapshot
from publication.models import Page, Publication


def _masthead() -> dict:
    """The publication, its navigation sections and its footer pages: three queries."""
    return {
        "publication": Publication.load(),
        "sections": _nav_sections(),
        "pages": list(Page.objects.filter(in_footer=True)),
    }


# Read once per request, and from the cache only when an edit changed it (newsroom.snapshots);
# parts drawn from it are kept under its "version" (newsroom.rendered).
masthead = Snapshot("publication:masthead", _masthead, timeout=3600)


def _nav_sections(limit: int = 8) -> list:
    """The sections chosen for the masthead, or every section when none is chosen."""
    from articles.models import Section

    chosen = Publication.nav_sections.through.objects.filter(section=OuterRef("pk"))
    sections = list(Section.objects.annotate(chosen=Exists(chosen)))
    return ([s for s in sections if s.chosen] or sections)[:limit]


def masthead_invalidate() -> None:
    masthead.invalidate()


def publication_name() -> str:
    return masthead()["publication"].name
