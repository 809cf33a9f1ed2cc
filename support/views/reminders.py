from django.conf import settings
from django.core import signing
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from support import appeals, ratelimit, reminders
from support.forms import RemindForm
from support.views.giving import _article_or_none, rate_limited


@never_cache
def remind(request):
    today = timezone.localdate()
    if request.method != "POST":
        initial = {"when": "month", **RemindForm.origin_from(request.GET)}
        form = RemindForm(initial=initial, today=today)
        return _render_form(request, form, today)
    if ratelimit.hit("remind-ip", ratelimit.client_ip(request), settings.REMINDER_RATE_LIMIT_IP):
        return rate_limited(request)
    form = RemindForm(request.POST, today=today)
    if not form.is_valid():
        return _render_form(request, form, today, status=400)
    data = form.cleaned_data
    email = data["email"].strip().lower()
    if email and ratelimit.hit("remind-email", email, settings.REMINDER_RATE_LIMIT_EMAIL):
        return rate_limited(request)
    reminder = None
    if email:
        reminder = reminders.reminder_request(
            email=email,
            due_on=data["due_on"],
            article=_article_or_none(form.article_id()),
            placement=data["placement"],
        )
    context = {"reminder": reminder, "due_on": data["due_on"], "next": data["next"] or "/"}
    response = render(request, "support/remind_done.html", context)
    appeals.mark_snoozed(response, until=data["due_on"])
    return response


def _render_form(request, form, today, status=200):
    dates = appeals.default_snooze_dates(today)
    context = {"form": form, "dates": dates, "today": today}
    return render(request, "support/remind.html", context, status=status)


@never_cache
def cancel(request, token):
    try:
        email, count = reminders.reminders_cancel(token=token)
    except (signing.BadSignature, KeyError, TypeError):
        return render(request, "support/remind_cancel_invalid.html", status=400)
    return render(request, "support/remind_cancelled.html", {"email": email, "count": count})
