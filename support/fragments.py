"""Parts of cached reader pages filled in each time the page is served: the goal meter.

The meter moves with every gift. Cached pages hold a marker in its place (see
PAGE_CACHE_FRAGMENTS), so a gift costs no cached page, and readers still see the current
total (as fresh as the appeals' snapshot, which each gift refreshes).
"""

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

GOAL_METER = "goal-meter"


def marker(name: str) -> str:
    return mark_safe(f"<!--fragment:{name}-->")  # noqa: S308 (a fixed comment, no input)


def goal_meter_html(goal: dict | None = None) -> str:
    from support.services import goal_progress

    return render_to_string("support/includes/goal_meter.html", {"goal": goal or goal_progress()})


def goal_meter(request, goal: dict) -> str:
    """Return the meter, or its marker when the page is rendered for the page cache."""
    if getattr(request, "page_fragments", False):
        return marker(GOAL_METER)
    return goal_meter_html(goal)
