"""Sign-up (the list page, cached; the subscribe endpoint) and the one-click unsubscribe."""

import json

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from newsletters import bounces, signup
from newsletters.forms import SignupForm
from newsletters.templating import open_newsletters
from newsletters.unsubscribe import subscription_end, unsubscribe_target
from newsroom import ratelimit
from pagecache.pages import reader_page
from readers.addresses import normalise


@reader_page
def index(request):
    context = {"newsletters": open_newsletters(request), "email": "", "chosen": (), "errors": None}
    return render(request, "newsletters/index.html", context)


# Exempt from CSRF: the form sits on cached pages shared by every reader, so it cannot
# carry a token. A forged post can only make us email the address a link to confirm
# (double opt-in): nobody is subscribed until the mailbox's owner uses that link.
@csrf_exempt
@never_cache
def subscribe(request):
    if request.method != "POST":
        return HttpResponseRedirect(reverse("newsletters:index"))
    network = ratelimit.client_network(request)
    if ratelimit.hit("newsletter-net", network, settings.NEWSLETTER_SIGNUP_RATE_LIMIT_NETWORK):
        return render(request, "readers/too_many.html", status=429)
    form = SignupForm(request.POST)
    if not form.is_valid():
        context = {
            "newsletters": open_newsletters(request),
            "email": request.POST.get("email", "")[:254],
            "chosen": request.POST.getlist("newsletter")[:20],
            "errors": form.errors,
        }
        return render(request, "newsletters/index.html", context, status=400)
    email = form.cleaned_data["email"]
    # Per mailbox, from anywhere: over it, nothing is sent and the page reads the same.
    limit = settings.NEWSLETTER_SIGNUP_RATE_LIMIT_EMAIL
    if not ratelimit.hit("newsletter-address", normalise(email), limit):
        signup.signup_request(email=email, newsletters=form.cleaned_data["newsletter"])
    return render(request, "newsletters/check_inbox.html")


# The signed link is the credential; a mail provider's one-click POST (RFC 8058) carries no
# CSRF cookie, and the link can only ever unsubscribe. A GET only shows the button.
@csrf_exempt
@never_cache
def unsubscribe(request, token):
    subscription = unsubscribe_target(token)
    if subscription is None:
        return render(request, "newsletters/unsubscribe_invalid.html", status=400)
    context = {"newsletter": subscription.newsletter, "done": request.method == "POST"}
    if request.method == "POST":
        subscription_end(subscription)
    return render(request, "newsletters/unsubscribe.html", context)


# Verified by Mailgun's signature of each event (newsletters/bounces.py), not by a cookie.
@csrf_exempt
@require_POST
def mailgun_webhook(request):
    try:
        payload = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return HttpResponse("Not JSON.\n", status=400, content_type="text/plain")
    try:
        done = bounces.mailgun_event(payload)
    except bounces.Refused as refused:
        return HttpResponse(f"Refused: {refused}.\n", status=403, content_type="text/plain")
    return HttpResponse(f"{done}\n", content_type="text/plain")


# Verified by the HMAC of its body under BOUNCE_WEBHOOK_SECRET, not by a cookie.
@csrf_exempt
@require_POST
def generic_webhook(request):
    try:
        done = bounces.generic_event(
            request.body,
            timestamp=request.headers.get("X-Newsroom-Timestamp", "")[:20],
            signature=request.headers.get("X-Newsroom-Signature", "")[:128],
        )
    except bounces.Refused as refused:
        return HttpResponse(f"Refused: {refused}.\n", status=403, content_type="text/plain")
    return HttpResponse(f"{done}\n", content_type="text/plain")
