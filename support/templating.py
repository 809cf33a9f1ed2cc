"""What the site's templates draw of reader support: the appeals and the goal meter."""

from urllib.parse import urlencode

from django.urls import reverse

from pagecache.pages import canonical_path
from pagecache.tags import add_tags
from support.appeals import SHOWN, appeal_state
from support.models import Placement
from support.money import format_amount
from support.services import appeals_now, goal_progress


def appeal(request, placement: str, article=None) -> dict | None:
    """What a placement's appeal shows this reader, or None when they are not to be asked."""
    if request is None or appeal_state(request) != SHOWN:
        return None
    add_tags(request, "support")  # an appeal edited, switched on or off
    data = appeals_now(request)
    shown = data["appeals"].get(placement)
    if shown is None:
        return None
    settings = data["settings"]
    story = {"article": article.pk} if article is not None else {}
    back = {**story, "next": canonical_path(request)}
    preset = {}
    if placement == Placement.END_OF_ARTICLE:
        preset = {
            "frequency": settings.default_frequency,
            "amount": f"{settings.default_amount.normalize():f}",
        }
    return {
        "appeal": shown,
        "settings": settings,
        "goal": goal_progress() if shown.show_goal else None,
        "give_url": _link("support:give", {"placement": placement, **preset, **back}),
        "remind_url": _link("support:remind", {"placement": placement, **back}),
    }


def _link(name: str, query: dict) -> str:
    return f"{reverse(name)}?{urlencode(query, safe='/')}"


def register(environment) -> None:
    environment.globals.update(appeal=appeal)
    environment.filters.update(money=format_amount)
