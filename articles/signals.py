"""Whatever a reader page shows changes → the cached pages that show it go stale.

See articles/page_tags.py for the tags each page carries.
"""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from articles.models import Article, Author, Byline, Correction, LiveEntry, Photo, Section, Tag
from articles.page_tags import article_changed
from pagecache import schedule
from pagecache.tags import invalidate
from publication.services import masthead_changed


def _remember_section(sender, instance, **kwargs):
    if instance.pk:
        instance._previous_section_id = (
            Article.objects.filter(pk=instance.pk).values_list("section_id", flat=True).first()
        )


def _article_photos(sender, instance, update_fields=None, **kwargs):
    if update_fields is None or "body" in update_fields:
        from articles.photos import article_inline_photos_sync

        article_inline_photos_sync(article=instance)


def _article_changed(sender, instance, **kwargs):
    article_changed(instance, previous_section_id=getattr(instance, "_previous_section_id", None))
    # It may now be scheduled, or no longer.
    transaction.on_commit(schedule.remember_next, robust=True)


def _byline_changed(sender, instance, **kwargs):
    article = Article.objects.filter(pk=instance.article_id).first()
    if article is not None:
        article_changed(article, extra=[f"list:author:{instance.author_id}"])


def _correction_changed(sender, instance, **kwargs):
    invalidate(f"article:{instance.article_id}")


def _live_entry_changed(sender, instance, **kwargs):
    # The story's page and its poll document (live.json) carry the story's key; lists do
    # not show entries, so they stay.
    invalidate(f"article:{instance.article_id}")


def _tags_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_") and action != "pre_clear":
        return
    if reverse:  # tag.articles.add(...): the tag's lists, and each article's page
        invalidate(f"list:tag:{instance.pk}", *(f"article:{pk}" for pk in pk_set or ()))
        return
    article_changed(instance, extra=[f"list:tag:{pk}" for pk in pk_set or ()])


def _object_changed(sender, instance, **kwargs):
    """A section, tag, author or photo: the pages showing it, and every list (teasers)."""
    invalidate(f"{sender._meta.model_name}:{instance.pk}", "lists")
    if sender is Section:
        # The masthead's navigation: pages draw it anew when next rendered, and the pages
        # listing the section are stale by its own tags, so no purge of the whole site.
        masthead_changed(every_page=False)


pre_save.connect(_remember_section, sender=Article, dispatch_uid="pages-article-pre")
post_save.connect(_article_changed, sender=Article, dispatch_uid="pages-article")
post_save.connect(_article_photos, sender=Article, dispatch_uid="article-inline-photos")
post_delete.connect(_article_changed, sender=Article, dispatch_uid="pages-del-article")
for _signal in (post_save, post_delete):
    _signal.connect(_byline_changed, sender=Byline, dispatch_uid=f"pages-byline-{_signal}")
    _signal.connect(_correction_changed, sender=Correction, dispatch_uid=f"pages-corr-{_signal}")
    _signal.connect(_live_entry_changed, sender=LiveEntry, dispatch_uid=f"pages-live-{_signal}")
    for _model in (Author, Photo, Section, Tag):
        _signal.connect(
            _object_changed, sender=_model, dispatch_uid=f"pages-{_model.__name__}-{_signal}"
        )


def _photo_deleted(sender, instance, **kwargs):
    from articles.photos import photo_files_delete

    photo_files_delete(photo=instance)


post_delete.connect(_photo_deleted, sender=Photo, dispatch_uid="photo-files")
m2m_changed.connect(_tags_changed, sender=Article.tags.through, dispatch_uid="pages-article-tags")
