from celery import shared_task

from articles.services import photos_swap_expired_rights


@shared_task(name="articles.tasks.swap_expired_hero_photos")
def swap_expired_hero_photos() -> list[int]:
    """Replace hero photos whose rights expired; return the ids of the articles changed."""
    return [article.pk for article in photos_swap_expired_rights()]
