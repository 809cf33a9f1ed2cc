import logging
from dataclasses import replace
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.cache import never_cache

from newsroom import ratelimit
from support import appeals, currencies, money, services, stripe_gateway
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
    """The support form, in the currency its address (or its own field, on submit) names.

    Without one, a reader whose country or language suggests another currency than the
    first is sent to that currency's address; the page itself never depends on who asks.
    """
    support_settings = SupportSettings.load()
    offered = currencies.offered()
    source = request.POST if request.method == "POST" else request.GET
    variant = _variant_or_none(source.get("variant"))
    asked = source.get("currency", "")
    chosen = currencies.find(asked, offered) if asked else currencies.default(offered)
    if chosen is None and (asked or request.method == "POST"):
        # Not offered, or (editors switched every one off) none is.
        return _currency_refused(request, asked, offered, support_settings)
    if request.method != "POST":
        form = _form(request, chosen, support_settings, variant)
        if not asked:
            suggested = currencies.suggested(request, offered)
            if suggested is not None and suggested != chosen:
                response = HttpResponseRedirect(_give_url(request.GET, currency=suggested.code))
            else:
                response = _render_give(request, form, support_settings, offered)
            patch_vary_headers(response, currencies.vary_headers())
            return response
        return _render_give(request, form, support_settings, offered)
    if ratelimit.hit("checkout", ratelimit.client_network(request), settings.CHECKOUT_RATE_LIMIT):
        return rate_limited(request)
    # Counted after the network's own limit, so one network's refused attempts spend none of it.
    if ratelimit.hit("checkout-site", "", settings.CHECKOUT_SITE_RATE_LIMIT):
        return rate_limited(request, site_wide=True)
    form = GiveForm(request.POST, offer=_offer(chosen, variant))
    if not form.is_valid():
        return _render_give(request, form, support_settings, offered, status=400)
    data = form.cleaned_data
    donation = services.donation_create_pending(
        amount=data["amount_value"],
        frequency=data["frequency"],
        currency=form.code,
        fee_covered=data["fee_covered"],
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


def _offer(chosen, variant):
    """The currency's ladders, or the variant's own in that currency where it names amounts
    for a frequency (in the base currency its amount fields, in another its rows)."""
    offer = currencies.offer_for(chosen)
    if variant is not None:
        offer = replace(offer, presets=variant.ladder_in(chosen, offer.presets))
    return offer


def _form(request, chosen, support_settings, variant=None) -> GiveForm:
    offer = _offer(chosen, variant)
    return GiveForm(initial=_initial(request, support_settings, offer, variant), offer=offer)


def _currency_refused(request, asked, offered, support_settings):
    """A currency the site does not take: the form in the first one, saying so (400)."""
    code = (asked or settings.DONATION_CURRENCY).strip().upper()
    named = code if len(code) == 3 and code.isalpha() else "that currency"
    names = ", ".join(f"{c.code.upper()}" for c in offered) or "none at the moment"
    form = _form(request, currencies.default(offered), support_settings)
    notice = f"We do not take gifts in {named}. We take: {names}."
    return _render_give(request, form, support_settings, offered, status=400, notice=notice)


def _initial(request, support_settings, offer, variant=None):
    query = request.GET
    site_frequency, default = support_settings.default_frequency, support_settings.default_amount
    if variant is not None:
        site_frequency, default = variant.preset(support_settings)
    frequency = query.get("frequency", site_frequency)[:20]
    ladder = offer.presets.get(frequency, [])
    if default not in ladder:
        default = next(iter(ladder), default)
    return {
        "frequency": frequency,
        "amount": query.get("amount", f"{default.normalize():f}")[:20],
        "currency": offer.code,
        **GiveForm.origin_from(query, placement="support_page"),
    }


ORIGIN = ("placement", "article", "next", "frequency", "amount")


def _give_url(query, *, currency: str) -> str:
    kept = {name: query[name][:200] for name in ORIGIN if query.get(name)}
    return f"{reverse('support:give')}?{urlencode({**kept, 'currency': currency}, safe='/')}"


def _render_give(request, form, support_settings, offered, status=200, notice=""):
    query = request.GET if request.method != "POST" else request.POST
    context = {
        "form": form,
        "support_settings": support_settings,
        "goal": services.goal_progress(),
        "currency": form.code.upper(),
        "amount_suffix": f" ({money.currency(form.code).sign})",
        "currency_links": [
            {
                "code": c.code.upper(),
                "label": str(c),
                "url": _give_url(query, currency=c.code),
                "current": c.code == form.code,
            }
            for c in offered
        ],
        "notice": notice,
        # How give.js redraws "Add $0.36 to cover fees" as the amount changes.
        "fee_places": money.currency(form.code).places,
        "fee_unit": f"{money.currency(form.code).unit.normalize():f}",
        "fee_sign": money.currency(form.code).symbol or f"{form.code.upper()} ",
        "currency_sign": money.currency(form.code).sign,
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
            # Counted in the base currency at the editors' rates, and it says so.
            "currency": progress["currency"],
            "note": progress["rates_note"],
            "rates": services.goal_rates() if progress["rates_note"] else {},
        }
    )
    patch_cache_control(response, public=True, max_age=services.GOAL_SECONDS)
    return response
