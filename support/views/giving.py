import logging

from django.conf import settings
from django.core import signing
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import never_cache

from newsroom import ratelimit
from support import appeals, money, services, stripe_gateway
from support.forms import GiveForm
from support.models import Appeal, SupportSettings
from support.money import describe_gift, format_amount

logger = logging.getLogger(__name__)


def _article_or_none(article_id):
    from articles.models import Article

    if article_id is None:
        return None
    return Article.objects.published().filter(pk=article_id).first()


def _variant_or_none(value) -> Appeal | None:
    """The appeal variant a link or the form names (any, even one ended since)."""
    value = str(value or "")[:12]
    if not (value.isascii() and value.isdigit()):
        return None
    return Appeal.objects.filter(pk=int(value)).first()


@never_cache
def give(request):
    support_settings = SupportSettings.load()
    source = request.POST if request.method == "POST" else request.GET
    variant = _variant_or_none(source.get("variant"))
    offer = {
        "presets": variant.ladder(support_settings)
        if variant
        else support_settings.presets_by_frequency(),
        "impacts": support_settings.impacts(),
    }
    if request.method != "POST":
        form = GiveForm(initial=_initial(request, support_settings, variant), **offer)
        return _render_give(request, form, support_settings)
    if ratelimit.hit("checkout", ratelimit.client_network(request), settings.CHECKOUT_RATE_LIMIT):
        return rate_limited(request)
    # Counted after the network's own limit, so one network's refused attempts spend none of it.
    if ratelimit.hit("checkout-site", "", settings.CHECKOUT_SITE_RATE_LIMIT):
        return rate_limited(request, site_wide=True)
    form = GiveForm(request.POST, **offer)
    if not form.is_valid():
        return _render_give(request, form, support_settings, status=400)
    data = form.cleaned_data
    donation = services.donation_create_pending(
        amount=data["amount_value"],
        frequency=data["frequency"],
        email=data["email"],
        placement=data["placement"],
        article=_article_or_none(form.article_id()),
        appeal=variant,
    )
    thanks = settings.SITE_URL + reverse("support:thanks") + "?session_id={CHECKOUT_SESSION_ID}"
    cancel = settings.SITE_URL + (data["next"] or reverse("support:give"))
    try:
        url = services.checkout_session_start(
            donation=donation, success_url=thanks, cancel_url=cancel
        )
    except stripe_gateway.PaymentServiceUnavailable:
        return render(request, "support/unavailable.html", {"donation": donation}, status=503)
    return HttpResponseRedirect(url, status=303)


def _initial(request, support_settings, variant=None):
    query = request.GET
    site_frequency, default = support_settings.default_frequency, support_settings.default_amount
    ladder = support_settings.presets_by_frequency()
    if variant is not None:
        site_frequency, default = variant.preset(support_settings)
        ladder = variant.ladder(support_settings)
    frequency = query.get("frequency", site_frequency)[:20]
    if frequency != site_frequency:
        default = next(iter(ladder.get(frequency, [])), default)
    return {
        "frequency": frequency,
        "amount": query.get("amount", f"{default.normalize():f}")[:20],
        **GiveForm.origin_from(query, placement="support_page"),
    }


def _render_give(request, form, support_settings, status=200):
    context = {
        "form": form,
        "support_settings": support_settings,
        "goal": services.goal_progress(),
        "currency": settings.DONATION_CURRENCY.upper(),
        "amount_suffix": f" ({money.currency(settings.DONATION_CURRENCY).sign})",
        "currency_sign": money.currency(settings.DONATION_CURRENCY).sign,
    }
    return render(request, "support/give.html", context, status=status)


@never_cache
def thanks(request):
    session_id = request.GET.get("session_id", "")
    if not session_id.startswith("cs_") or len(session_id) > 255:
        raise Http404("No such checkout.")
    # Only sessions this site opened are looked up at Stripe, and not too often.
    donation = services.donation_for_thanks(session_id=session_id)
    if donation is None:
        raise Http404("No such checkout.")
    paid, processing = services.checkout_progress(
        donation=donation, may_ask_stripe=_may_look_up(request, session_id)
    )
    story = donation.article if donation.article and donation.article.is_live else None
    context = {
        "donation": donation,
        "gift": describe_gift(donation.amount, donation.frequency, donation.currency),
        "paid": paid,
        "processing": processing,
        "story": story,
        "back_url": story.get_absolute_url() if story else "/",
    }
    response = render(request, "support/thanks.html", context)
    if paid:
        appeals.mark_given(response)
        appeals.set_donor_hint(response, donation)
    return response


def _may_look_up(request, session_id: str) -> bool:
    rate = settings.THANKS_LOOKUP_RATE_LIMIT
    return not (
        ratelimit.hit("thanks-network", ratelimit.client_network(request), rate)
        or ratelimit.hit("thanks-session", session_id, rate)
    )


@never_cache
def manage(request, token):
    try:
        customer_id = services.manage_customer_for(token=token)
    except (signing.BadSignature, KeyError, ValueError, TypeError):
        return render(request, "support/manage_invalid.html", status=400)
    if not customer_id:
        return render(request, "support/manage_nothing.html", status=404)
    try:
        url = services.portal_url(customer_id=customer_id, return_url=settings.SITE_URL + "/")
    except stripe_gateway.PaymentServiceUnavailable:
        return render(request, "support/manage_unavailable.html", status=503)
    response = HttpResponseRedirect(url, status=303)
    gift = services.live_recurring_gift_for(token=token)
    if gift is not None:
        appeals.set_donor_hint(response, gift)
    return response


def rate_limited(request, *, site_wide: bool = False):
    return render(request, "support/rate_limited.html", {"site_wide": site_wide}, status=429)


def goal(request):
    """The goal meter's figures, drawn by a script over the meter a kept page was rendered
    with: a gift shows on every page within a minute and never touches the page cache."""
    progress = services.goal_progress()
    raised, target = progress["raised"], progress["goal"]
    response = JsonResponse(
        {
            "raised": str(raised),
            "goal": str(target),
            "percent": progress["percent"],
            "label": f"{format_amount(raised)} of {format_amount(target)} a month",
        }
    )
    patch_cache_control(response, public=True, max_age=services.GOAL_SECONDS)
    return response
