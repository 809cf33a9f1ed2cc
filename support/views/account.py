"""The donor account's pages: asking for a sign-in link, using it, and, signed in, the gifts,
receipts and statements of the mailbox. Private pages: never cached, each with its reader."""

import functools

from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from newsroom import ratelimit
from readers.services import (
    UNKNOWN,
    TokenRefused,
    link_request_limited,
    token_check,
    token_use,
)
from readers.sessions import session_end, session_mailbox, session_start
from readers.views import REFUSALS
from support.account import gifts, signin
from support.account.forms import SignInForm
from support.receipts import receipt_number

SIGN_IN = signin.SIGN_IN


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
        "notice": request.GET.get("done", "")[:20],
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
    context = {"manage": token, "fresh": signin.manage_link_fresh(token)}
    return render(request, "support/account/manage.html", context)
