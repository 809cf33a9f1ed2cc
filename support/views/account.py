"""The donor account's pages: asking for a sign-in link, using it, and, signed in, the gifts,
receipts and statements of the mailbox. Private pages: never cached, each with its reader."""

import functools

from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from newsroom import ratelimit
from newsroom.links import absolute_url
from readers.services import (
    UNKNOWN,
    TokenRefused,
    link_request_limited,
    token_check,
    token_use,
)
from readers.sessions import session_end, session_mailbox, session_start
from readers.views import REFUSALS
from support import appeals, stripe_gateway
from support.account import changes, gifts, signin
from support.account.forms import CancelForm, GiftChangeForm, PauseForm, SignInForm
from support.models import Donation
from support.receipts import receipt_number

SIGN_IN = signin.SIGN_IN
NOTICES = {
    "resent": "We are sending that receipt again.",
    "resend-limited": "You have asked for many receipts: please wait an hour before asking again.",
}


def signed_in(view):
    """A page for a signed-in donor: `mailbox` is passed on; others go to the sign-in form."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        mailbox = session_mailbox(request)
        if mailbox is None:
            return HttpResponseRedirect(reverse("support:account"))
        return view(request, mailbox, *args, **kwargs)

    return never_cache(wrapper)


@never_cache
def account(request):
    mailbox = session_mailbox(request)
    if request.method == "POST":
        form = SignInForm(request.POST)
        if not form.is_valid():
            return render(request, "support/account/sign_in.html", {"form": form}, status=400)
        network = ratelimit.client_network(request)
        if signin.sign_in_request(email=form.cleaned_data["email"], network=network):
            return render(request, "readers/too_many.html", status=429)
        return render(request, "support/account/link_sent.html")
    if mailbox is None:
        return render(request, "support/account/sign_in.html", {"form": SignInForm()})
    return render(request, "support/account/home.html", _home(request, mailbox))


def _home(request, mailbox) -> dict:
    payments = list(gifts.mailbox_payments(mailbox)[:200])
    return {
        "mailbox": mailbox,
        "gifts": list(gifts.mailbox_gifts(mailbox)),
        "payments": [(p, receipt_number(p.donation, p)) for p in payments],
        "years": gifts.years_given(mailbox),
        "notice": DONE.get(request.GET.get("done", "")) or NOTICES.get(request.GET.get("done")),
        "changeable": changes.changeable,
        "pauses": changes.pause_choices(),
        "error": "",
    }


@never_cache
def sign_in(request, ref, token):
    """GET shows a button (a mail scanner's visit signs no one in); POST uses the link."""
    try:
        if request.method == "POST":
            found = token_use(token=token, purpose=SIGN_IN, ref=ref)
            response = HttpResponseRedirect(reverse("support:account"), status=303)
            session_start(response, mailbox=found.mailbox)
            return response
        token_check(token=token, purpose=SIGN_IN, ref=ref)
    except TokenRefused as refused:
        return _refused(request, refused, ref=ref, token=token)
    return render(request, "support/account/sign_in_button.html")


def _refused(request, refused: TokenRefused, *, ref="", token="", manage=""):
    context = {
        "reason": REFUSALS[refused.reason],
        "renewable": refused.token is not None or bool(manage),
        "ref": ref,
        "token": token,
        "manage": manage,
        "form": SignInForm(),
    }
    return render(request, "support/account/link_refused.html", context, status=400)


@require_POST
@never_cache
def new_link(request):
    """A new sign-in link for a used or expired one (or an old receipt's manage link), sent
    to the address the old link was for: the page never shows it."""
    ref, token = request.POST.get("ref", "")[:200], request.POST.get("token", "")[:200]
    manage = request.POST.get("manage", "")[:500]
    email = ""
    if manage:
        gift = signin.gift_of_manage_link(manage)
        email = gift.address if gift else ""
    else:
        try:
            found = token_check(token=token, purpose=SIGN_IN, ref=ref)
        except TokenRefused as refused:
            found = refused.token
        email = found.mailbox.email if found else ""
    if not email:
        return _refused(request, TokenRefused(UNKNOWN))
    limited = link_request_limited(network=ratelimit.client_network(request), email=email)
    if limited == "network":
        return render(request, "readers/too_many.html", status=429)
    if not limited and signin.has_given(email):
        signin.sign_in_owe(email=email)
    return render(request, "support/account/link_sent.html", {"renewed": True})


@require_POST
@never_cache
def sign_out(request):
    response = HttpResponseRedirect(reverse("support:account"), status=303)
    session_end(request, response)
    return response


@signed_in
def receipt(request, mailbox, payment_id):
    payment = gifts.mailbox_payment(mailbox, payment_id)
    if payment is None:
        raise Http404("No such receipt.")
    from support.emails import publication_context

    context = {
        **publication_context(),
        "payment": payment,
        "donation": payment.donation,
        "receipt_number": receipt_number(payment.donation, payment),
    }
    return render(request, "support/account/receipt.html", context)


@require_POST
@signed_in
def receipt_again(request, mailbox, payment_id):
    payment = gifts.mailbox_payment(mailbox, payment_id)
    if payment is None:
        raise Http404("No such receipt.")
    sent = gifts.receipt_resend(mailbox=mailbox, payment=payment)
    done = "resent" if sent else "resend-limited"
    return HttpResponseRedirect(f"{reverse('support:account')}?done={done}", status=303)


@signed_in
def statement(request, mailbox, year):
    if not 2000 <= year <= 2999:
        raise Http404("No such year.")
    from support.emails import publication_context

    context = {**publication_context(), "statement": gifts.statement(mailbox, year)}
    context["mailbox"] = mailbox
    return render(request, "support/account/statement.html", context)


@never_cache
def manage(request, token):
    """A receipt's "manage your gift" link, however old: it offers a sign-in link sent to the
    gift's address (an old link is a credential no longer, so it never dies)."""
    gift = signin.gift_of_manage_link(token)
    if gift is None:
        return _refused(request, TokenRefused(UNKNOWN))
    mailbox = session_mailbox(request)
    if mailbox is not None and gift.donor_id and gift.donor.mailbox == mailbox.key:
        return HttpResponseRedirect(reverse("support:account"), status=303)
    fresh = signin.manage_link_fresh(token)
    context = {"manage": token, "fresh": fresh}
    # An expired link opens nothing (400, as a refused link), but offers a new one.
    response = render(request, "support/account/manage.html", context, status=200 if fresh else 400)
    if fresh and Donation.objects.recurring_live().filter(pk=gift.pk).exists():
        appeals.set_donor_hint(response, gift)  # a donor who keeps giving is not taken as lapsed
    return response


# What a donor may change about a gift: each made at Stripe first (support.account.changes).
DONE = {
    "changed": "Your gift is changed. The new amount is taken from your next charge on.",
    "paused": "Your gift is paused: nothing is charged until the date shown.",
    "resumed": "Your gift is resumed.",
    "cancelled": "Your gift is cancelled: you will not be charged again. Thank you for your "
    "support.",
}


def _gift_or_404(mailbox, gift_id):
    gift = gifts.mailbox_gift(mailbox, gift_id)
    if gift is None:
        raise Http404("No such gift.")
    return gift


def _done(what: str):
    return HttpResponseRedirect(f"{reverse('support:account')}?done={what}", status=303)


def _not_changed(request, mailbox, error: Exception):
    """The account page again, saying that nothing changed and why."""
    refused = isinstance(error, changes.ChangeRefused)
    context = _home(request, mailbox) | {
        "error": (
            f"Nothing was changed: {error}"
            if refused
            else "Nothing was changed: we could not reach our payment service. Please try "
            "again in a few minutes."
        )
    }
    return render(request, "support/account/home.html", context, status=409 if refused else 503)


@require_POST
@signed_in
def gift_change(request, mailbox, gift_id):
    gift = _gift_or_404(mailbox, gift_id)
    form = GiftChangeForm(request.POST, currency=gift.currency)
    if not form.is_valid():
        message = " ".join(e for errors in form.errors.values() for e in errors)
        return _not_changed(request, mailbox, changes.ChangeRefused(message))
    try:
        changes.gift_change(gift, **form.cleaned_data)
    except stripe_gateway.PaymentServiceUnavailable as error:
        return _not_changed(request, mailbox, error)
    return _done("changed")


@require_POST
@signed_in
def gift_pause(request, mailbox, gift_id):
    gift = _gift_or_404(mailbox, gift_id)
    form = PauseForm(request.POST)
    if not form.is_valid():
        return _not_changed(request, mailbox, changes.ChangeRefused("Pause for 1 to 3 months."))
    try:
        changes.gift_pause(gift, months=form.cleaned_data["months"])
    except stripe_gateway.PaymentServiceUnavailable as error:
        return _not_changed(request, mailbox, error)
    return _done("paused")


@require_POST
@signed_in
def gift_resume(request, mailbox, gift_id):
    gift = _gift_or_404(mailbox, gift_id)
    try:
        changes.gift_resume(gift)
    except stripe_gateway.PaymentServiceUnavailable as error:
        return _not_changed(request, mailbox, error)
    return _done("resumed")


@require_POST
@signed_in
def gift_card(request, mailbox, gift_id):
    gift = _gift_or_404(mailbox, gift_id)
    back = absolute_url(reverse("support:account"))
    try:
        url = changes.card_update_url(gift, return_url=back)
    except stripe_gateway.PaymentServiceUnavailable as error:
        return _not_changed(request, mailbox, error)
    return HttpResponseRedirect(url, status=303)


@signed_in
def gift_cancel(request, mailbox, gift_id):
    """Before cancelling: a pause or a smaller amount offered, and why asked (optional)."""
    gift = _gift_or_404(mailbox, gift_id)
    if not changes.changeable(gift):
        return HttpResponseRedirect(reverse("support:account"))
    form = CancelForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            changes.gift_cancel(gift, **form.cleaned_data)
        except stripe_gateway.PaymentServiceUnavailable as error:
            return _not_changed(request, mailbox, error)
        return _done("cancelled")
    context = {
        "gift": gift,
        "form": form,
        "pauses": changes.pause_choices(),
        "lower": changes.lower_amounts(gift),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "support/account/cancel.html", context, status=status)


@never_cache
def card_update(request, token):
    """The failed-payment email's one-click link: Stripe's portal, opened on the card. An
    expired or broken link offers a sign-in link instead."""
    from support.care import card_update_gift

    gift = card_update_gift(token)
    if gift is None or not gift.stripe_customer_id:
        return _refused(request, TokenRefused(UNKNOWN))
    try:
        url = changes.card_update_url(gift, return_url=absolute_url(reverse("support:account")))
    except stripe_gateway.PaymentServiceUnavailable:
        return render(request, "support/manage_unavailable.html", status=503)
    return HttpResponseRedirect(url, status=303)
