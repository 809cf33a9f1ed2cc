"""What the site's templates draw of reader support: the appeals and the goal meter.

A placement's appeal is drawn with every variant a reader might be shown: the first live one
as the page shows it without JavaScript, and each one in a <template> for the browser's
picker (static/js/appeal-picker.js), which chooses among them from the weights at
/support/appeals/weights.json and what the reader's own browser keeps. The page itself is the
same for every reader.
"""

import json
from urllib.parse import urlencode

from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone

from pagecache.pages import canonical_path
from pagecache.tags import add_tags
from support.appeals import SHOWN, appeal_state
from support.models import Placement
from support.money import format_amount
from support.services import appeals_now, goal_progress

IN_BROWSER = (Placement.TOP_BANNER, Placement.END_OF_ARTICLE)


def appeal(request, placement: str, article=None) -> dict | None:
    """What a placement's appeal shows, or None when this reader is not to be asked.

    {"appeal": the first live variant, "variants": every variant the picker may choose, each
    with its links and rules, ...}. A staff preview (request.appeal_preview) shows only the
    variant under preview, whether or not it runs yet.
    """
    if request is None:
        return None
    preview = getattr(request, "appeal_preview", None)
    if preview is None and appeal_state(request) != SHOWN:
        return None
    add_tags(request, "support")  # an appeal edited, switched on or off
    data = appeals_now(request)
    site = data["settings"]
    if preview is not None:
        candidates = [preview] if preview.placement == placement else []
    else:
        now = timezone.now()
        # Ended ones are left out; those yet to start ride along for the picker to start.
        candidates = [
            a for a in data["variants"].get(placement, []) if a.ends_at is None or a.ends_at > now
        ]
        live = [a for a in candidates if a.is_live(now)]
        if not live:
            return None
        candidates = live + [a for a in candidates if a not in live]
    if not candidates:
        return None
    story = {"article": article.pk} if article is not None else {}
    back = {**story, "next": canonical_path(request)}
    variants = [_variant(a, site, placement, back) for a in candidates]
    first = variants[0]
    return {
        **first,
        "variants": variants,
        "settings": site,
        "placement": placement,
        "article_id": article.pk if article is not None else "",
        "preview": preview is not None,
        "any_goal": any(v["goal"] for v in variants),
    }


def _variant(appeal, site, placement: str, back: dict) -> dict:
    preset = {}
    if placement == Placement.END_OF_ARTICLE:
        frequency, amount = appeal.preset(site)
        preset = {"frequency": frequency, "amount": f"{amount.normalize():f}"}
    return {
        "appeal": appeal,
        "id": appeal.pk,
        "settings": site,
        "rules": json.dumps(appeal.rules(), separators=(",", ":")),
        "goal": goal_progress() if appeal.show_goal else None,
        "give_url": _link(
            "support:give",
            {"placement": placement, **preset, **back, "variant": appeal.pk},
        ),
        "remind_url": _link("support:remind", {"placement": placement, **back}),
    }


def _link(name: str, query: dict) -> str:
    return f"{reverse(name)}?{urlencode(query, safe='/')}"


def appeal_sample() -> int:
    return django_settings.APPEAL_VIEW_SAMPLE


def register(environment) -> None:
    environment.globals.update(appeal=appeal, appeal_sample=appeal_sample)
    environment.filters.update(money=format_amount)
