"""The buttons under the article form, and what the form says after one was pressed."""

from django.conf import settings
from django.utils import timezone

from articles.models import Status
from articles.workflow import LIVE, Move, Moved

# A button's label where the stage changes what it does to the story.
LABELS = {
    (Status.IN_REVIEW, Move.REVIEW): "Save, keep in review",
    (Status.IN_REVIEW, Move.DRAFT): "Move back to draft",
    (Status.SCHEDULED, Move.DRAFT): "Unschedule, save as draft",
    (Status.UNPUBLISHED, Move.DRAFT): "Save as draft",
}


def buttons(*, stage: str, moves) -> list[dict]:
    return [
        {
            "value": move.value,
            "label": LABELS.get((stage, move), move.label),
            "danger": move == Move.UNPUBLISH,
        }
        for move in moves
    ]


def when(moment) -> str:
    local = timezone.localtime(moment)
    return f"{local:%-d %b %Y, %H:%M %Z}"


def live_url(article) -> str:
    return settings.SITE_URL + article.get_absolute_url()


def outcome_message(moved: Moved) -> str:
    """Say exactly what the button did to the story, where readers find it, and which
    stories it moved down the front page."""
    said = _outcome(moved)
    if moved.front_page:
        said += (
            " On the front page, "
            + "; ".join(
                f"“{shift.article.headline}” moved to position {shift.to}"
                for shift in moved.front_page
            )
            + "."
        )
    return said


def _outcome(moved: Moved) -> str:
    article, was = moved.article, moved.was
    headline = f"“{article.headline}”"
    if moved.move == Move.PUBLISH:
        return f"Published {headline}. It is live at {live_url(article)}."
    if moved.move == Move.SCHEDULE:
        return (
            f"Scheduled {headline} for {when(article.publish_at)}. "
            f"It will be live at {live_url(article)}."
        )
    if moved.move == Move.UPDATE:
        return f"Updated the live story {headline}. Readers see it now at {live_url(article)}."
    if moved.move == Move.UNPUBLISH:
        if was == LIVE:
            return f"Unpublished {headline}. {live_url(article)} no longer answers readers."
        return f"Unpublished {headline}. It will not go live; readers cannot see it."
    if moved.move == Move.REVIEW:
        return _review_message(moved, headline)
    left = {
        Status.IN_REVIEW: " It is no longer in review.",
        Status.SCHEDULED: " It is no longer scheduled.",
        Status.UNPUBLISHED: " It stays off the site.",
    }.get(was, "")
    return f"Saved {headline} as a draft.{left} Readers cannot see it."


def _review_message(moved: Moved, headline: str) -> str:
    if moved.was == Status.IN_REVIEW:
        return f"Saved {headline}. It is still in review; readers cannot see it."
    told = moved.editors_notified
    if told:
        editors = "The editors have" if told > 1 else "The editor has"
        return f"Submitted {headline} for review. {editors} been notified."
    return (
        f"Submitted {headline} for review. No editor could be emailed (none has an address); "
        "the story is listed under “In review” on their start page."
    )
