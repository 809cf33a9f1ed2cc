"""The masthead and footer change → their cache and the cached reader pages go stale."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from articles.caching import invalidate_pages
from articles.models import Section
from publication.models import Page, Publication
from publication.services import masthead_invalidate


def _masthead_changed(sender, **kwargs):
    masthead_invalidate()
    invalidate_pages()


def _section_changed(sender, **kwargs):
    # Only the masthead's cache: pages show a renamed section in their navigation when next
    # rendered (PAGE_CACHE_SECONDS at most), and the pages that list it are invalidated by
    # its own tags (articles/invalidation.py), so a rename does not purge the whole site.
    masthead_invalidate()


post_save.connect(_section_changed, sender=Section, dispatch_uid="masthead-Section")
post_delete.connect(_section_changed, sender=Section, dispatch_uid="masthead-del-Section")
for _model in (Publication, Page):
    post_save.connect(_masthead_changed, sender=_model, dispatch_uid=f"masthead-{_model.__name__}")
    post_delete.connect(
        _masthead_changed, sender=_model, dispatch_uid=f"masthead-del-{_model.__name__}"
    )
m2m_changed.connect(
    _masthead_changed, sender=Publication.nav_sections.through, dispatch_uid="masthead-nav"
)
