"""The desk tells people what happened: writers hear (by email through the outbox, and on
their start page) when their story is published, scheduled or sent back; a Writer proposes a
change to a live or scheduled story, which an Editor accepts or sends back with a note."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, DeskNotice, ProposedRevision, Status
from articles.sanitize import clean_body
from articles.workflow import (
    EDITORS_GROUP,
    LIVE,
    Move,
    Moved,
    PublicationRefused,
    article_save,
    article_stage,
    user_may_publish,
    user_name,
)
from outbox.services import notice_owe
from publication.services import sender

Kind = DeskNotice.Kind
NOTICE_DAYS = 14
NOTICE_ROWS = 10
PROPOSED_FIELDS = ("headline", "kicker", "dek", "body", "hero_caption")
PROPOSABLE_STAGES = (LIVE, Status.SCHEDULED)
SUBJECTS = {
    Kind.PUBLISHED: "Published: “{headline}”",
    Kind.SCHEDULED: "Scheduled: “{headline}”",
    Kind.SENT_BACK: "Sent back: “{headline}”",
    Kind.PROPOSAL_ACCEPTED: "Your change to “{headline}” was accepted",
    Kind.PROPOSAL_SENT_BACK: "Your change to “{headline}” was sent back",
}


def _when(moment) -> str:
    return f"{timezone.localtime(moment):%-d %b %Y, %H:%M %Z}"


def notice_text(*, kind: str, article: Article, actor, note: str = "") -> str:
    who, headline = user_name(actor), f"“{article.headline}”"
    text = {
        Kind.PUBLISHED: f"{who} published {headline}.",
        Kind.SCHEDULED: (
            f"{who} scheduled {headline} for {_when(article.publish_at)}."
            if article.publish_at
            else f"{who} scheduled {headline}."
        ),
        Kind.SENT_BACK: f"{who} sent {headline} back to draft.",
        Kind.PROPOSAL_ACCEPTED: f"{who} accepted your change to {headline}.",
        Kind.PROPOSAL_SENT_BACK: f"{who} sent back your change to {headline}.",
    }[kind]
    return f"{text} “{note}”" if note else text


def writers_of(article: Article) -> list:
    """Who wrote the story, for the desk: whoever submitted it and whoever started it."""
    users = {u.pk: u for u in (article.submitted_by, article.created_by) if u is not None}
    return [user for user in users.values() if user.is_active]


def desk_notify(*, article: Article, kind: str, actor, to=None, note: str = "") -> int:
    """Tell the story's writers (or `to`) what happened, on their start page and by email;
    never the person who did it. Return how many were told."""
    text = notice_text(kind=kind, article=article, actor=actor, note=note)
    subject = SUBJECTS[kind].format(headline=article.headline)
    body = render_to_string(
        "articles/email/desk_notice.txt",
        {
            "text": text,
            "article": article,
            "live_url": settings.SITE_URL + article.get_absolute_url() if article.is_live else "",
            "change_url": settings.SITE_URL
            + reverse("admin:articles_article_change", args=[article.pk]),
            "start_url": settings.SITE_URL + reverse("admin:index"),
        },
    )
    told = 0
    for user in to if to is not None else writers_of(article):
        if actor is not None and user.pk == actor.pk:
            continue
        DeskNotice.objects.create(user=user, article=article, kind=kind, text=text)
        if user.email:
            notice_owe(
                key=f"articles.desk.{kind}:{article.pk}:{article.edit_version}:{user.pk}",
                to=user.email,
                subject=subject,
                body=body,
                from_email=sender(),
            )
        told += 1
    return told


def desk_after_move(*, moved: Moved, user) -> int:
    """Tell the writers what a move did to their story: published, scheduled or sent back."""
    article, move, was = moved.article, moved.move, moved.was
    if move == Move.PUBLISH and was != LIVE:
        kind = Kind.PUBLISHED
    elif move == Move.SCHEDULE and was != Status.SCHEDULED:
        kind = Kind.SCHEDULED
    elif move == Move.DRAFT and was == Status.IN_REVIEW and user_may_publish(user):
        kind = Kind.SENT_BACK
    else:
        return 0
    return desk_notify(article=article, kind=kind, actor=user)


def desk_notices(user):
    """The user's notices of the last two weeks, newest first."""
    since = timezone.now() - datetime.timedelta(days=NOTICE_DAYS)
    return DeskNotice.objects.filter(user=user, created_at__gte=since).select_related("article")[
        :NOTICE_ROWS
    ]


# Proposed changes


def user_may_propose(user, article: Article) -> bool:
    """Writers (who may change stories but not publish) propose changes to what readers see
    or will see; Editors change it directly."""
    return (
        user.has_perm("articles.change_article")
        and not user_may_publish(user)
        and article_stage(article) in PROPOSABLE_STAGES
    )


def pending_proposal(*, article: Article, user) -> ProposedRevision | None:
    return ProposedRevision.objects.filter(
        article=article, proposed_by=user, state=ProposedRevision.State.PENDING
    ).first()


@transaction.atomic
def proposal_save(*, article: Article, user, fields: dict, note: str = "") -> ProposedRevision:
    """Save the Writer's proposed change (their open one, edited, or a new one)."""
    if not user_may_propose(user, article):
        raise PermissionDenied("Only a Writer proposes changes, to a live or scheduled story.")
    proposal = pending_proposal(article=article, user=user) or ProposedRevision(
        article=article, proposed_by=user
    )
    is_new = proposal.pk is None
    for name in PROPOSED_FIELDS:
        setattr(proposal, name, fields.get(name, getattr(article, name)))
    proposal.body = clean_body(proposal.body)
    proposal.note = note
    proposal.base_version = article.edit_version
    proposal.save()
    if is_new:
        _notify_editors_of_proposal(proposal)
    return proposal


def _notify_editors_of_proposal(proposal: ProposedRevision) -> int:
    editors = (
        get_user_model()
        .objects.filter(is_active=True, groups__name=EDITORS_GROUP)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )
    article = proposal.article
    body = render_to_string(
        "articles/email/proposal.txt",
        {
            "proposal": proposal,
            "writer": user_name(proposal.proposed_by),
            "review_url": settings.SITE_URL + proposal_review_path(proposal),
        },
    )
    subject = f"Proposed change to “{article.headline}”"
    return sum(
        notice_owe(
            key=f"articles.proposal:{proposal.pk}:{editor.pk}",
            to=editor.email,
            subject=subject,
            body=body,
            from_email=sender(),
        )
        for editor in editors
    )


def proposal_review_path(proposal: ProposedRevision) -> str:
    return reverse("admin:articles_article_proposal", args=[proposal.article_id, proposal.pk])


def pending_proposals():
    return ProposedRevision.objects.filter(state=ProposedRevision.State.PENDING).select_related(
        "article", "proposed_by"
    )


def _locked_pending(proposal: ProposedRevision) -> ProposedRevision:
    locked = ProposedRevision.objects.select_for_update().get(pk=proposal.pk)
    if locked.state != ProposedRevision.State.PENDING:
        raise PublicationRefused(
            [f"This proposed change was already {locked.get_state_display().lower()}."]
        )
    return locked


@transaction.atomic
def proposal_accept(*, proposal: ProposedRevision, user, note: str = "") -> Moved:
    """Put the proposed words on the story (updating the live story, or the scheduled one at
    its time), or refuse with the reason (PublicationRefused)."""
    if not user_may_publish(user):
        raise PermissionDenied("Only editors accept proposed changes.")
    proposal = _locked_pending(proposal)
    article = Article.objects.select_related("hero_photo").get(pk=proposal.article_id)
    stage = article_stage(article)
    if stage not in PROPOSABLE_STAGES:
        raise PublicationRefused(
            ["The story is no longer live or scheduled: open it and make the change there."]
        )
    for name in PROPOSED_FIELDS:
        setattr(article, name, getattr(proposal, name))
    move = Move.UPDATE if stage == LIVE else Move.SCHEDULE
    moved = article_save(
        article=article,
        user=user,
        move=move,
        expected_version=article.edit_version,
        at=article.publish_at,
    )
    proposal.state = ProposedRevision.State.ACCEPTED
    proposal.review_note, proposal.reviewed_by, proposal.reviewed_at = note, user, timezone.now()
    proposal.save()
    if proposal.proposed_by:
        desk_notify(
            article=article,
            kind=Kind.PROPOSAL_ACCEPTED,
            actor=user,
            to=[proposal.proposed_by],
            note=note,
        )
    return moved


@transaction.atomic
def proposal_send_back(*, proposal: ProposedRevision, user, note: str) -> ProposedRevision:
    """Decline the proposed change, saying why; the story stays as it is."""
    if not user_may_publish(user):
        raise PermissionDenied("Only editors send proposed changes back.")
    if not note.strip():
        raise PublicationRefused(["Say in a note why the change goes back."])
    proposal = _locked_pending(proposal)
    proposal.state = ProposedRevision.State.SENT_BACK
    proposal.review_note, proposal.reviewed_by, proposal.reviewed_at = note, user, timezone.now()
    proposal.save()
    if proposal.proposed_by:
        desk_notify(
            article=proposal.article,
            kind=Kind.PROPOSAL_SENT_BACK,
            actor=user,
            to=[proposal.proposed_by],
            note=note.strip(),
        )
    return proposal
