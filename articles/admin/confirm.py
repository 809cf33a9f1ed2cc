"""Asking before a save readers notice at once: unpublishing a live story, a new lead story.

The page names what will happen and re-posts the form's own data (hidden fields, no
JavaScript), so nothing is saved until Confirm, and the save is checked as any other (the
edit version included). Confirm carries a fingerprint of what the page said: if that
changed meanwhile (another story became the lead), the page asks again.
"""

import hashlib
from dataclasses import dataclass

from django.template.response import TemplateResponse

from articles.admin.workflow import live_url
from articles.front_page import LEAD, front_page_room
from articles.models import Article
from articles.workflow import LIVE, LIVE_MOVES, Move

CONFIRMED = "_confirmed"  # the fingerprint of what the page said
BACK = "_back"  # back to the form, unsaved
NOT_REPOSTED = ("csrfmiddlewaretoken", CONFIRMED, BACK)


@dataclass(eq=False)
class ConfirmationNeeded(Exception):
    title: str
    consequences: list[str]
    confirm_label: str

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256("\n".join(self.consequences).encode()).hexdigest()[:20]


def confirmation_needed(*, article: Article, move: Move, stage: str) -> ConfirmationNeeded | None:
    """What the save would do that needs a yes first (None: nothing does)."""
    if move == Move.UNPUBLISH and stage == LIVE:
        return _unpublishing(Article.objects.get(pk=article.pk))
    if move in LIVE_MOVES and article.front_page_position == LEAD:
        shifts = front_page_room(article=article)
        if shifts:
            return ConfirmationNeeded(
                title="Change the lead story?",
                consequences=[
                    f"“{article.headline}” becomes the lead story on the front page; "
                    f"“{shifts[0].article.headline}” moves to position {shifts[0].to}.",
                    *(
                        f"“{shift.article.headline}” moves to position {shift.to}."
                        for shift in shifts[1:]
                    ),
                ],
                confirm_label=f"Confirm: {move.label.lower()} as the lead",
            )
    return None


def _unpublishing(stored: Article) -> ConfirmationNeeded:
    return ConfirmationNeeded(
        title=f"Unpublish “{stored.headline}”?",
        consequences=_leaving([stored]),
        confirm_label="Unpublish",
    )


def unpublishing_needs_confirmation(articles) -> ConfirmationNeeded | None:
    """The list's Unpublish action: what taking the live ones among them off would do."""
    live = list(articles.front_page())  # in the home page's order
    if not live:
        return None
    count = f"{len(live)} live stories" if len(live) > 1 else f"“{live[0].headline}”"
    return ConfirmationNeeded(
        title=f"Unpublish {count}?", consequences=_leaving(live), confirm_label="Unpublish"
    )


def _leaving(stories: list[Article]) -> list[str]:
    said = []
    gone = [story.pk for story in stories]
    lead = Article.objects.front_page().first()
    for story in stories:
        said.append(f"“{story.headline}” will stop answering readers at {live_url(story)}.")
        if lead is not None and lead.pk == story.pk:
            after = Article.objects.front_page().exclude(pk__in=gone).first()
            taking = f"“{after.headline}” takes its place." if after else "no live story is left."
            said.append(f"It is the lead story on the front page: {taking}")
        elif story.front_page_position:
            said.append(
                f"It is at position {story.front_page_position} on the front page; "
                "the stories below it move up."
            )
    return said


def confirmation_page(
    model_admin, request, asked: ConfirmationNeeded, *, original, back="Cancel, back to the form"
):
    """The page that asks, carrying the form's data to post again."""
    hidden = [
        (name, value)
        for name, values in request.POST.lists()
        if name not in NOT_REPOSTED
        for value in values
    ]
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "original": original,
        "title": asked.title,
        "asked": asked,
        "hidden": hidden,
        "confirmed_name": CONFIRMED,
        "back_name": BACK,
        "back_label": back,
        "action": request.get_full_path(),
    }
    return TemplateResponse(request, "admin/articles/article/confirm_save.html", context)
