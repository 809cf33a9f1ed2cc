"""An open form's text, kept every half minute in one slot per story and user.

The slot is the user's, not the story's: storing it never changes the article, its edit
version, its history or any page. Opening the form offers a slot newer than the story's
last save; restoring it fills the form and keeps the edit version it was typed against, so
a save over someone's newer save is refused and compared (articles/admin/conflicts.py).
"""

import datetime

from django.utils import timezone

from articles.models import Article, Autosave

AUTOSAVE_SECONDS = 30  # how often an open form with changes keeps its text

# The form's text fields (the photo, section, tags and times are not kept).
AUTOSAVED_FIELDS = (
    "headline", "kicker", "dek", "body", "hero_caption", "dateline", "agency", "slug",
    "seo_title", "seo_description",
)  # fmt: skip


def autosave_store(
    *,
    article: Article,
    user,
    fields: dict[str, str],
    opened_version: int,
    opened_at: datetime.datetime | None = None,
    now: datetime.datetime | None = None,
) -> Autosave:
    """Keep the form's text in the user's slot for the story (replacing what it held)."""
    slot, _ = Autosave.objects.update_or_create(
        article=article,
        user=user,
        defaults={
            "fields": {name: fields[name] for name in AUTOSAVED_FIELDS if name in fields},
            "opened_version": opened_version,
            "opened_at": opened_at,
            "saved_at": now or timezone.now(),
        },
    )
    return slot


def autosave_offered(*, article: Article, user) -> Autosave | None:
    """The user's slot for the story when it is newer than the story's last save."""
    if not article.pk or not user.pk:
        return None
    return Autosave.objects.filter(
        article=article, user=user, saved_at__gt=article.modified_at
    ).first()


def autosave_discard(*, article: Article, user) -> None:
    Autosave.objects.filter(article=article, user=user).delete()
