import uuid

from django.conf import settings
from django.core import signing
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from newsroom import ratelimit
from readers.addresses import normalise
from support import appeals, reminders
from support.forms import RemindForm
from support.views.giving import _article_or_none, rate_limited


@never_cache
def remind(request):
    today = timezone.localdate()
    if request.method != "POST":
        initial = {"when": "month", **RemindForm.origin_from(request.GET)}
        form = RemindForm(initial=initial, today=today)
        return _render_form(request, form, today)
    network = ratelimit.client_network(request)
    if ratelimit.hit("remind-net", network, settings.REMINDER_RATE_LIMIT_NETWORK):
        return rate_limited(request)
    form = RemindForm(request.POST, today=today)
    if not form.is_valid():
        return _render_form(request, form, today, status=400)
    data = form.cleaned_data
    email = data["email"].strip().lower()
    # Counted per address *and* network: requests from elsewhere cannot spend this reader's.
    per_address = f"{normalise(email)} {network}"
    if email and ratelimit.hit("remind-email", per_address, settings.REMINDER_RATE_LIMIT_EMAIL):
        return rate_limited(request)
    # This browser's own cancel link: it names the reminder only if this request made one,
    # so the page reads the same whether or not the address already had a reminder.
    token = uuid.uuid4()
    if email:
        reminders.reminder_request(
            email=email,
            due_on=data["due_on"],
            article=_article_or_none(form.article_id()),
            placement=data["placement"],
            token=token,
        )
    context = {
        "email": email,
        "consent": reminders.consent_text(data["due_on"]),
        "token": token,
        "due_on": data["due_on"],
        "next": data["next"] or "/",
    }
    response = render(request, "support/remind_done.html", context)
    appeals.mark_snoozed(response, until=data["due_on"])
    return response


def _render_form(request, form, today, status=200):
    dates = appeals.default_snooze_dates(today)
    context = {"form": form, "dates": dates, "today": today}
    return render(request, "support/remind.html", context, status=status)


# The token in the address is the credential; a mail provider's one-click POST (RFC 8058)
# carries no CSRF cookie. A GET only shows the button, so link scanners cancel nothing.
@csrf_exempt
@never_cache
def cancel(request, token):
    try:
        email = reminders.reminder_email_from_token(token)
    except (signing.BadSignature, KeyError, TypeError):
        return render(request, "support/remind_cancel_invalid.html", status=400)
    if request.method != "POST":
        return render(request, "support/remind_cancel.html", {"email": email})
    email, count = reminders.reminders_cancel(token=token)
    return render(request, "support/remind_cancelled.html", {"email": email, "count": count})


@never_cache
def undo(request, token):
    if request.method != "POST":
        return render(request, "support/remind_cancel.html", {"email": ""})
    reminders.reminder_undo(token=token)
    return render(request, "support/remind_cancelled.html", {"undone": True})
