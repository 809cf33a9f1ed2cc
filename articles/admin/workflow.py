"""What the article form tells an editor after a save: what happened and where the story is."""

from django.utils import timezone

from articles.models import Status
from articles.models.articles import LIVE_STATUSES


def when(moment) -> str:
    local = timezone.localtime(moment)
    return f"{local:%-d %B %Y} at {local:%H:%M %Z}"


def outcome_message(article, *, chosen: str, previous: str | None) -> str:
    """Say exactly what the save did, including any change of the chosen state."""
    headline = f"“{article.headline}”"
    url = article.get_absolute_url()
    was_live = previous in LIVE_STATUSES
    if article.status == Status.SCHEDULED and not article.is_live:
        if chosen == Status.PUBLISHED:
            return (
                f"Scheduled, not published: {headline} has a publication time in the future, "
                f"so it goes live on {when(article.publish_at)} at {url}. "
                "To publish now, clear the publication time and choose Published."
            )
        return f"Scheduled: {headline} goes live on {when(article.publish_at)} at {url}."
    if article.is_live:
        if was_live:
            return f"Updated the live story: readers see {headline} as saved now, at {url}."
        return f"Published: {headline} is live at {url}."
    if article.status == Status.UNPUBLISHED:
        if was_live:
            gone = f"; {url} no longer answers readers" if url else ""
            return f"Unpublished: {headline} is off the site{gone}."
        return f"Saved: {headline} stays unpublished; readers cannot see it."
    if article.status == Status.IN_REVIEW:
        if previous != Status.IN_REVIEW:
            return f"Submitted for review: the editors will see {headline} on their start page."
        return f"Saved: {headline} is still in review; readers cannot see it."
    return f"Saved as a draft: readers cannot see {headline}."
