"""Whatever a reader page shows changes → the cached reader pages go stale."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from articles.caching import invalidate_pages
from articles.models import Article, Author, Byline, Correction, Photo, Section, Tag


def _pages_changed(sender, **kwargs):
    invalidate_pages()


for _model in (Article, Author, Byline, Correction, Photo, Section, Tag):
    post_save.connect(_pages_changed, sender=_model, dispatch_uid=f"pages-{_model.__name__}")
    post_delete.connect(_pages_changed, sender=_model, dispatch_uid=f"pages-del-{_model.__name__}")
m2m_changed.connect(_pages_changed, sender=Article.tags.through, dispatch_uid="pages-article-tags")
