"""The publication or its pages change: the masthead and every reader page go stale."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from publication.models import Page, Publication
from publication.services import masthead_changed


def _changed(sender, **kwargs):
    masthead_changed()


for _model in (Publication, Page):
    post_save.connect(_changed, sender=_model, dispatch_uid=f"masthead-{_model.__name__}")
    post_delete.connect(_changed, sender=_model, dispatch_uid=f"masthead-del-{_model.__name__}")
m2m_changed.connect(_changed, sender=Publication.nav_sections.through, dispatch_uid="masthead-nav")
