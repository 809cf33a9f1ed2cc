"""The appeals' two small endpoints every reader page may call, and the staff preview."""

import json

from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseRedirect, JsonResponse
from django.urls import resolve, reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from newsroom import ratelimit
from newsroom.security import content_security_policy, frame_sources
from support import experiments

MAX_BEACON_BYTES = 512


def _country_meta() -> str:
    return "HTTP_" + settings.APPEAL_COUNTRY_HEADER.upper().replace("-", "_")


@require_GET
def weights(request):
    """Each placement's shares of traffic, and the country the CDN says the reader is in.
    Shared by every reader of a country: cached a minute, varying by the country header."""
    data = experiments.appeal_weights()
    country = request.META.get(_country_meta(), "")[:2].upper()
    body = {
        "placements": data["placements"],
        "country": country if country.isascii() and country.isalpha() else "",
    }
    response = JsonResponse(body)
    patch_cache_control(response, public=True, max_age=settings.APPEAL_WEIGHTS_SECONDS)
    patch_vary_headers(response, [settings.APPEAL_COUNTRY_HEADER])
    return response


@csrf_exempt
@require_POST
def count(request):
    """A view or a click of a variant: {"v": variant id, "e": "view"|"click", "a": story id}.

    Without CSRF protection, as its only effect is a counter (capped per network a minute);
    it reads no cookie, sets none, and keeps no address: the answer is an empty 204."""
    if len(request.body) > MAX_BEACON_BYTES:
        return HttpResponseBadRequest("Too long.", content_type="text/plain")
    try:
        data = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return HttpResponseBadRequest("Send JSON.", content_type="text/plain")
    if not isinstance(data, dict):
        return HttpResponseBadRequest("Send a JSON object.", content_type="text/plain")
    experiments.beacon_count(
        variant_id=data.get("v"),
        event=data.get("e"),
        article_id=data.get("a"),
        network=ratelimit.client_network(request),
    )
    response = HttpResponse(status=204)
    patch_cache_control(response, no_store=True)
    return response


def preview(request, appeal):
    """A variant on a real story, side by side at phone and desktop width (the admin
    checks who may look: support.admin.appeals)."""
    from articles.models import Article

    stories = Article.objects.published()
    story = stories.filter(pk=_number(request.GET.get("article"))).first() or stories.first()
    context = {"appeal": appeal, "story": story, "title": f"Preview: {appeal}"}
    return context


def preview_story(request, appeal):
    """The story page as readers get it, with only this variant in its placement."""
    from articles.models import Article

    stories = Article.objects.published()
    story = stories.filter(pk=_number(request.GET.get("article"))).first() or stories.first()
    if story is None:  # the preview page says so
        return HttpResponseRedirect(reverse("admin:support_appeal_preview", args=[appeal.pk]))
    request.appeal_preview = appeal
    match = resolve(story.get_absolute_url())
    response = match.func(request, *match.args, **match.kwargs)
    # Framed by the preview page beside it, and by nothing else.
    response["X-Frame-Options"] = "SAMEORIGIN"
    frames = tuple(frame_sources())  # a story's embeds load in the preview as on the page
    response["Content-Security-Policy"] = content_security_policy(frames).replace(
        "frame-ancestors 'none'", "frame-ancestors 'self'"
    )
    patch_cache_control(response, private=True, no_cache=True)
    return response


def _number(value) -> int:
    value = str(value or "")[:12]
    return int(value) if value.isascii() and value.isdigit() else 0
