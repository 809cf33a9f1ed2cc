"""The Front page screen: the line-up by position; Editors move stories up and down, take
them off and put live stories on it (plain forms: one button per move, no JavaScript)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from articles.admin.photos import thumbnail
from articles.front_page import (
    NotInLineup,
    front_page_add,
    front_page_lineup,
    front_page_move,
    front_page_next,
    front_page_take_off,
)
from articles.workflow import user_may_publish

MOVES = {
    "up": lambda **kw: front_page_move(by=-1, **kw),
    "down": lambda **kw: front_page_move(by=1, **kw),
    "off": front_page_take_off,
    "add": front_page_add,
}


def front_page_view(model_admin, request):
    """Show the line-up to whoever may see stories; rearrange it for Editors only."""
    if not model_admin.has_view_or_change_permission(request):
        raise PermissionDenied
    may_arrange = user_may_publish(request.user)
    if request.method == "POST":
        if not may_arrange:
            raise PermissionDenied
        return _arrange(request)
    lineup = front_page_lineup()
    for story in lineup:
        story.state_shown = model_admin.state(story)
        story.thumbnail = thumbnail(story.hero_photo, width=80)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": "Front page",
        "lineup": lineup,
        "following": front_page_next(),
        "may_arrange": may_arrange,
    }
    return TemplateResponse(request, "admin/articles/article/front_page.html", context)


def _arrange(request):
    move, _, article_id = request.POST.get("move", "").partition(":")
    if move not in MOVES or not (article_id.isascii() and article_id.isdigit()):
        return HttpResponseBadRequest("Press one of the buttons of the front page's line-up.")
    if len(article_id) > 18:
        return HttpResponseBadRequest("No such story.")
    try:
        shifts = MOVES[move](article_id=int(article_id), user=request.user)
    except NotInLineup as refusal:
        messages.error(request, f"Nothing changed: {refusal}")
    else:
        messages.success(request, said(shifts))
    return HttpResponseRedirect(reverse("admin:articles_article_front_page"))


def said(shifts) -> str:
    if not shifts:
        return "Nothing changed: the story is already there."
    parts = [
        f"“{shift.article.headline}” is now at position {shift.to}"
        if shift.to
        else f"“{shift.article.headline}” is off the line-up (it follows by time)"
        for shift in sorted(shifts, key=lambda s: (s.to is None, s.to or 0))
    ]
    return "; ".join(parts) + ". Readers see the new front page now."
