"""The masthead and footer every reader page draws, cached together."""

from django.core.cache import cache
from django.db.models import Exists, OuterRef

from newsroom import rendered
from newsroom.per_request import per_request
from publication.models import Page, Publication

MASTHEAD_KEY = "publication:masthead:2"  # 2: snapshots carry a version


@per_request
def masthead() -> dict:
    """Return the publication, its navigation sections and its footer pages.

    Three queries when the cache is cold; any edit to them clears it.
    """
    snapshot = cache.get(MASTHEAD_KEY)
    if snapshot is None:
        snapshot = {
            "publication": Publication.load(),
            "sections": _nav_sections(),
            "pages": list(Page.objects.filter(in_footer=True)),
            # Parts drawn from this snapshot are kept under it (newsroom.rendered).
            "version": rendered.new_version(),
        }
        cache.set(MASTHEAD_KEY, snapshot, 3600)
    return snapshot


def _nav_sections(limit: int = 8) -> list:
    """The sections chosen for the masthead, or every section when none is chosen."""
    from articles.models import Section

    chosen = Publication.nav_sections.through.objects.filter(section=OuterRef("pk"))
    sections = list(Section.objects.annotate(chosen=Exists(chosen)))
    return ([s for s in sections if s.chosen] or sections)[:limit]


def masthead_invalidate() -> None:
    cache.delete(MASTHEAD_KEY)
    masthead.forget()


def publication_name() -> str:
    return masthead()["publication"].name
