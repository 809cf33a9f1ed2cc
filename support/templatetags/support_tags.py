from django import template

from articles.invalidation import add_tags
from support import fragments
from support.appeals import SHOWN, appeal_state
from support.models import Placement
from support.services import support_snapshot

register = template.Library()


def _appeal_context(context, placement: str, article=None) -> dict:
    request = context.get("request")
    # A draft's preview asks no one for money, and its token must reach no other page.
    if request is None or context.get("preview") or appeal_state(request) != SHOWN:
        return {"appeal": None}
    add_tags(request, "support")  # an appeal edited, switched on or off
    bundle = support_snapshot()
    appeal = bundle["appeals"].get(placement)
    if appeal is None:
        return {"appeal": None}
    return {
        "appeal": appeal,
        "article": article,
        "settings": bundle["settings"],
        "goal": bundle["goal"],
        "placement": placement,
        "return_to": request.get_full_path(),
    }


@register.inclusion_tag("support/includes/top_banner.html", takes_context=True)
def top_banner(context, article=None):
    return _appeal_context(context, Placement.TOP_BANNER, article)


@register.inclusion_tag("support/includes/end_of_article_appeal.html", takes_context=True)
def end_of_article_appeal(context, article=None):
    return _appeal_context(context, Placement.END_OF_ARTICLE, article)


@register.simple_tag(takes_context=True)
def goal_meter(context, goal):
    """The goal meter; on pages kept in the page cache, filled in when served."""
    request = getattr(context, "request", None) or context.get("request")
    return fragments.goal_meter(request, goal)
