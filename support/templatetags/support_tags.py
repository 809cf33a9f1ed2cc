from urllib.parse import quote

from django import template

from articles.invalidation import add_tags
from newsroom import rendered
from support import fragments
from support.appeals import SHOWN, appeal_state
from support.models import Placement
from support.services import support_snapshot

register = template.Library()


def _appeal(context, placement: str, template_name: str, article=None) -> str:
    """Draw the placement's appeal, or nothing when this reader is not to be asked.

    Drawn once per version of the appeals in each process (newsroom.rendered); the
    story and the address to come back to, which differ on every page, are filled in.
    """
    request = context.get("request")
    # A draft's preview asks no one for money, and its token must reach no other page.
    if request is None or context.get("preview") or appeal_state(request) != SHOWN:
        return ""
    add_tags(request, "support")  # an appeal edited, switched on or off
    bundle = support_snapshot()
    appeal = bundle["appeals"].get(placement)
    if appeal is None:
        return ""
    about = f"&article={article.pk}" if article else ""
    about += f"&next={quote(request.get_full_path())}"
    goal = fragments.goal_meter(request, bundle["goal"]) if appeal.show_goal else ""
    return rendered.render(
        (bundle["version"], placement, goal),
        template_name,
        {
            "appeal": appeal,
            "settings": bundle["settings"],
            "placement": placement,
            "goal_meter": goal,
        },
        fill={"about": about},
    )


@register.simple_tag(takes_context=True)
def top_banner(context, article=None):
    return _appeal(context, Placement.TOP_BANNER, "support/includes/top_banner.html", article)


@register.simple_tag(takes_context=True)
def end_of_article_appeal(context, article=None):
    return _appeal(
        context, Placement.END_OF_ARTICLE, "support/includes/end_of_article_appeal.html", article
    )


@register.simple_tag(takes_context=True)
def goal_meter(context, goal):
    """The goal meter; on pages kept in the page cache, filled in when served."""
    request = getattr(context, "request", None) or context.get("request")
    return fragments.goal_meter(request, goal)
