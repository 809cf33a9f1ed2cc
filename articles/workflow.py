"""The newsroom's workflow: who may move a story where, publishing and scheduling, review
notices, restoring a version, the server-checked edit version, preview links."""

import datetime
import logging
from dataclasses import dataclass, field

import reversion
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from articles.front_page import Shift, front_page_make_room
from articles.models import Article, Author, Byline, Status, Tag
from articles.models.articles import LIVE_STATUSES
from outbox.services import notice_owe
from publication.services import sender

logger = logging.getLogger(__name__)

PUBLISH_PERMISSION = "articles.publish_article"
EDITORS_GROUP = "Editors"


class PublicationRefused(Exception):
    def __init__(self, problems: list[str]):
        super().__init__(" ".join(problems))
        self.problems = problems


def user_name(user) -> str:
    return user.get_full_name() or user.get_username()


def user_may_publish(user) -> bool:
    return user.has_perm(PUBLISH_PERMISSION)


class Move(models.TextChoices):
    """What the buttons under the article form do to a story."""

    DRAFT = "draft", "Save draft"
    REVIEW = "review", "Submit for review"
    PUBLISH = "publish", "Publish now"
    SCHEDULE = "schedule", "Schedule"
    UPDATE = "update", "Update live story"
    UNPUBLISH = "unpublish", "Unpublish"


# Where a story stands: its status, except that a new story is "new" and a scheduled one
# whose time has come is "live", like a published one.
NEW, LIVE = "new", "live"
STAGE_NAMES = {
    NEW: "new", Status.DRAFT: "a draft", Status.IN_REVIEW: "in review",
    Status.SCHEDULED: "scheduled", LIVE: "live", Status.UNPUBLISHED: "unpublished",
}  # fmt: skip
EDITOR_ONLY = (Move.PUBLISH, Move.SCHEDULE, Move.UPDATE, Move.UNPUBLISH)
GOING_LIVE = (Move.PUBLISH, Move.SCHEDULE, Move.UPDATE)
LIVE_MOVES = (Move.PUBLISH, Move.UPDATE)  # the story is live after them
_WRITING = (Move.DRAFT, Move.REVIEW, Move.PUBLISH, Move.SCHEDULE)
# The moves offered in each stage, the one that keeps the story where it is first.
EDITOR_MOVES = {
    NEW: _WRITING,
    Status.DRAFT: _WRITING,
    Status.IN_REVIEW: (Move.REVIEW, Move.DRAFT, Move.PUBLISH, Move.SCHEDULE),
    Status.SCHEDULED: (Move.SCHEDULE, Move.PUBLISH, Move.DRAFT, Move.UNPUBLISH),
    LIVE: (Move.UPDATE, Move.UNPUBLISH),
    Status.UNPUBLISHED: _WRITING,
}
# Writers only write: never what readers see, will see, or saw (an unpublished story).
WRITER_MOVES = {
    NEW: (Move.DRAFT, Move.REVIEW),
    Status.DRAFT: (Move.DRAFT, Move.REVIEW),
    Status.IN_REVIEW: (Move.REVIEW, Move.DRAFT),
}


@dataclass
class Moved:
    """What a move did: the story after it, the stage it left, who was told, and the
    stories it moved down the front page."""

    article: Article
    move: Move
    was: str
    editors_notified: int = 0
    front_page: list[Shift] = field(default_factory=list)


def article_stage(article: Article) -> str:
    if article.pk is None:
        return NEW
    return LIVE if article.is_live else article.status


def article_moves(*, stage: str, user) -> tuple[Move, ...]:
    """Return the moves this user may make on a story at this stage, in button order."""
    if not user.has_perm("articles.change_article"):
        return ()
    return (EDITOR_MOVES if user_may_publish(user) else WRITER_MOVES).get(stage, ())


def article_check_move(*, stage: str, user, move: Move) -> None:
    """Raise PermissionDenied or PublicationRefused unless the user may make the move."""
    if move in article_moves(stage=stage, user=user):
        return
    if move in EDITOR_ONLY and not user_may_publish(user):
        raise PermissionDenied(
            "Only editors publish, schedule, update a live story or unpublish; "
            "submit the story for review."
        )
    if not user.has_perm("articles.change_article"):
        raise PermissionDenied("You may not change articles.")
    if move == Move.REVIEW:
        reason = f"Only drafts can be submitted for review; this story is {STAGE_NAMES[stage]}."
    else:
        reason = f"“{move.label}” does not apply: this story is {STAGE_NAMES[stage]}."
    raise PublicationRefused([reason])


@transaction.atomic
def article_move(*, article: Article, user, move: Move, at=None) -> Moved:
    """Save the story and move it as the chosen button says, or refuse with the reason.

    The stage is read from the stored row (locked), so the move is checked against what
    the story is, not what a form says it is. Neither becomes the other: Publish now
    publishes now (the form refuses a future time typed with it) and Schedule refuses a
    time that is not in the future.
    """
    move = Move(move)
    was = _stored_stage(article)
    article_check_move(stage=was, user=user, move=move)
    _continue_stored_version(article)
    now = timezone.now()
    if move == Move.DRAFT:
        article.status = Status.DRAFT
    elif move == Move.REVIEW:
        article.status = Status.IN_REVIEW
        if was != Status.IN_REVIEW:
            article_mark_submitted(article=article, user=user)
    elif move == Move.PUBLISH:
        if article.publish_at is None or article.publish_at > now:
            article.publish_at = now
        article.status = Status.PUBLISHED
    elif move == Move.SCHEDULE:
        at = at or article.publish_at
        if at is None or at <= now:
            raise PublicationRefused(["To schedule, choose a time in the future."])
        article.publish_at, article.status = at, Status.SCHEDULED
    elif move == Move.UPDATE:
        if article.publish_at is None or article.publish_at > now:
            raise PublicationRefused([LIVE_TIME_STAYS])
    else:
        article.status = Status.UNPUBLISHED
        article.preview_generation += 1  # its preview links say it is no longer available
    if move in GOING_LIVE:
        problems = article.publication_problems(at=article.publish_at)
        if problems:
            raise PublicationRefused(problems)
    shifts = front_page_make_room(article=article, user=user) if move in LIVE_MOVES else []
    _save_revision(article, user=user, comment=move_comment(article, move))
    moved = Moved(article=article, move=move, was=was, front_page=shifts)
    if move == Move.REVIEW and was != Status.IN_REVIEW:
        moved.editors_notified = article_notify_editors(article=article, submitter=user)
    return moved


LIVE_TIME_STAYS = (
    "A live story keeps a publication time in the past: to take it off the site until a "
    "later time, unpublish it, then schedule it."
)


def _stored_stage(article: Article) -> str:
    row = (
        Article.objects.select_for_update()
        .filter(pk=article.pk)
        .values("pk", "status", "publish_at")
        .first()
        if article.pk
        else None
    )
    return article_stage(Article(**row)) if row else NEW


def move_comment(article: Article, move: Move) -> str:
    if move == Move.SCHEDULE:
        return f"Scheduled for {article.publish_at:%Y-%m-%d %H:%M %Z}"
    return {
        Move.DRAFT: "Saved as a draft",
        Move.REVIEW: "Submitted for review",
        Move.PUBLISH: "Published",
        Move.UPDATE: "Updated the live story",
        Move.UNPUBLISH: "Unpublished",
    }[move]


def article_publish(*, article: Article, user, at: datetime.datetime | None = None) -> Moved:
    """Publish now, or schedule when `at` (or the story's own time) is in the future.

    For the list's "Publish (or schedule)" action and scripts; the form's buttons say which.
    """
    at = at or article.publish_at
    if at and at > timezone.now():
        return article_move(article=article, user=user, move=Move.SCHEDULE, at=at)
    article.publish_at = at
    return article_move(article=article, user=user, move=Move.PUBLISH)


def article_unpublish(*, article: Article, user) -> Moved:
    return article_move(article=article, user=user, move=Move.UNPUBLISH)


def article_submit_for_review(*, article: Article, user) -> Moved:
    return article_move(article=article, user=user, move=Move.REVIEW)


def article_notify_editors(*, article: Article, submitter) -> int:
    """Email every active Editor with an address (but the submitter); return how many."""
    addresses = (
        get_user_model()
        .objects.filter(is_active=True, groups__name=EDITORS_GROUP)
        .exclude(email="")
        .exclude(pk=submitter.pk)
        .distinct()
        .order_by("pk")
        .values_list("email", flat=True)
    )
    context = {
        "article": article,
        "submitter": user_name(submitter),
        "change_url": settings.SITE_URL
        + reverse("admin:articles_article_change", args=[article.pk]),
        "start_url": settings.SITE_URL + reverse("admin:index"),
    }
    subject = f"For review: “{article.headline}”"
    body = render_to_string("articles/email/submitted_for_review.txt", context)
    key = f"articles.review_requested:{article.pk}:{article.edit_version}"
    return sum(
        notice_owe(
            key=f"{key}:{address}", to=address, subject=subject, body=body, from_email=sender()
        )
        for address in addresses
    )


# What restoring a version brings back: the content, never the state, time or URL.
RESTORED_FIELDS = (
    "headline", "kicker", "dek", "body", "section_id", "dateline", "agency", "hero_photo_id",
    "hero_caption", "seo_title", "seo_description",
)  # fmt: skip


@transaction.atomic
def article_restore_version(*, article: Article, version, user) -> Article:
    """Bring back a stored version's content; keep the status, publication time and slug.

    Bylines come back when the version had any (a version without bylines keeps today's:
    a story never loses its byline by being restored). A live story keeps its photo rules.
    """
    if version.object_id != str(article.pk) or version.content_type.model_class() is not Article:
        raise ValueError("The version is not one of this article's.")
    old = version.field_dict
    for name in RESTORED_FIELDS:
        if name in old:
            setattr(article, name, old[name])
    if article.status in LIVE_STATUSES:
        problems = article.publication_problems(at=article.publish_at)
        if problems:
            raise PublicationRefused(problems)
    bylines = [
        other.field_dict
        for other in version.revision.version_set.all()
        if other.content_type.model_class() is Byline
        and other.field_dict.get("article_id") == article.pk
    ]
    _continue_stored_version(article)
    with reversion.create_revision():
        article.save()
        article.tags.set(Tag.objects.filter(pk__in=old.get("tags", [])))
        if bylines:
            article.bylines.all().delete()
            Byline.objects.bulk_create(
                Byline(article=article, author_id=b["author_id"], position=b["position"])
                for b in bylines
                if Author.objects.filter(pk=b["author_id"]).exists()
            )
        reversion.add_to_revision(article)
        reversion.set_user(user)
        reversion.set_comment(
            f"Restored the content of the version of {version.revision.date_created:%d %B %Y %H:%M}"
        )
    return article


def article_mark_submitted(*, article: Article, user) -> None:
    """Record who sent the article to the editors, and when (saved with the article)."""
    article.submitted_by = user
    article.submitted_at = timezone.now()


def _save_revision(article: Article, *, user, comment: str) -> None:
    with reversion.create_revision():
        article.save()
        reversion.set_user(user)
        reversion.set_comment(comment)


class StaleEdit(Exception):
    """The story was saved since the version an edit started from."""

    def __init__(self, *, expected: int | None, current: int):
        self.expected, self.current = expected, current
        started = f"version {expected}" if expected is not None else "no version"
        super().__init__(f"The story is at version {current}; the edit started from {started}.")


@transaction.atomic
def article_check_version(*, article: Article, expected_version: int | None) -> None:
    """Lock the story's row and refuse (StaleEdit) unless it is still at expected_version.

    The lock lasts as long as the caller's transaction, so an edit checked inside the
    transaction that saves it cannot be overtaken by another save in between.
    """
    current = (
        Article.objects.select_for_update()
        .filter(pk=article.pk)
        .values_list("edit_version", flat=True)
        .first()
    )
    if current is not None and current != expected_version:
        raise StaleEdit(expected=expected_version, current=current)


@transaction.atomic
def article_save(
    *, article: Article, user, move: Move, expected_version: int | None, at=None
) -> Moved:
    """Save an edit of a story by the chosen move, refusing (StaleEdit) if the story was
    saved since the version the edit started from; a new story has no version to check."""
    if article.pk is not None:
        article_check_version(article=article, expected_version=expected_version)
    return article_move(article=article, user=user, move=move, at=at)


def _continue_stored_version(article: Article) -> None:
    """Count the next version from the stored row's (locked), not from the one loaded, so
    that two saves never write the same version; keep the preview links' generation as
    stored, so that a save never brings back links revoked meanwhile."""
    if article.pk is None:
        return
    stored = (
        Article.objects.select_for_update()
        .filter(pk=article.pk)
        .values("edit_version", "preview_generation")
        .first()
    )
    if stored is not None:
        article.edit_version = stored["edit_version"]
        article.preview_generation = stored["preview_generation"]


def article_revoke_previews(*, article: Article) -> None:
    """Make every preview link of the story given out so far say it is no longer available
    (a link made afterwards works). Not an edit: the story's version stays."""
    Article.objects.filter(pk=article.pk).update(preview_generation=F("preview_generation") + 1)
    article.refresh_from_db(fields=["preview_generation"])
