from celery import shared_task

from articles.embeds import embeds_retry_failed
from articles.photos import (
    photo_make_renditions_of,
    photo_uploads_sweep,
    photos_missing_renditions,
    photos_swap_expired_rights,
)


@shared_task(name="articles.tasks.swap_expired_hero_photos")
def swap_expired_hero_photos() -> list[int]:
    """Replace hero photos whose rights expired; return the ids of the articles changed."""
    return [article.pk for article in photos_swap_expired_rights()]


@shared_task(name="articles.tasks.make_photo_renditions")
def make_photo_renditions(photo_id: int) -> int:
    """Make a photo's renditions after an upload or a new focal point; return how many."""
    return photo_make_renditions_of(photo_id)


@shared_task(name="articles.tasks.sweep_photo_renditions")
def sweep_photo_renditions() -> int:
    """Ask again for the renditions of photos whose task was lost; return how many."""
    missing = photos_missing_renditions()
    for photo_id in missing:
        make_photo_renditions.delay(photo_id)
    return len(missing)


@shared_task(name="articles.tasks.sweep_pending_uploads")
def sweep_pending_uploads() -> int:
    """Remove the uploads kept for forms with errors whose day is over; return how many."""
    return photo_uploads_sweep()


@shared_task(name="articles.tasks.resolve_failed_embeds")
def resolve_failed_embeds(embed_ids: list[int]) -> int:
    """Resolve again a saved story's embeds whose provider was down; return how many still fail."""
    return embeds_retry_failed(ids=embed_ids)
