"""The second step of a staff login: enrol an authenticator, confirm a code, recovery codes."""

import django_otp
from django.contrib import admin, messages
from django.contrib.auth.decorators import user_passes_test
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from accounts import policy, services
from accounts.forms import ResetForm, TokenForm

staff_required = user_passes_test(lambda u: u.is_active and u.is_staff, login_url="admin:login")


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("admin:index")


def _to(name: str, next_url: str):
    return redirect(reverse(name) + "?" + urlencode({"next": next_url}))


def _render(request, template, context, status=200):
    context = {**admin.site.each_context(request), "next": _next(request), **context}
    return render(request, template, context, status=status)


@never_cache
@sensitive_post_parameters("token")
@staff_required
def verify(request):
    if policy.is_verified(request.user):
        return redirect(_next(request))
    if not services.two_factor_enrolled(user=request.user):
        return _to("accounts:setup", _next(request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.two_factor_verify(user=request.user, token=form.cleaned_data["token"])
        if device is not None:
            django_otp.login(request, device)
            return redirect(_next(request))
        form.add_error("token", "That code is not right, or it was already used.")
    status = 400 if request.method == "POST" else 200
    return _render(
        request, "accounts/verify.html", {"form": form, "title": "Confirm it is you"}, status
    )


@never_cache
@sensitive_post_parameters("token")
@staff_required
def setup(request):
    if services.two_factor_enrolled(user=request.user):
        # A second authenticator only after a reset: a stolen session cannot add its own.
        return _to("accounts:verify", _next(request))
    device = services.totp_device_start(user=request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.totp_device_confirm(device=device, token=form.cleaned_data["token"]):
            device.refresh_from_db()
            django_otp.login(request, device)
            codes = services.recovery_codes_issue(user=request.user)
            return _render(
                request, "accounts/recovery_codes.html", {"codes": codes, "title": "Recovery codes"}
            )
        form.add_error("token", "That code is not right. Check the app's clock and try again.")
    context = {
        "form": form,
        "title": "Set up two-factor authentication",
        "qr_svg": services.totp_qr_svg(device=device),
        "secret": services.totp_secret(device=device),
    }
    status = 400 if request.method == "POST" else 200
    return _render(request, "accounts/setup.html", context, status)


@never_cache
@staff_required
def recovery_codes(request):
    """New recovery codes, for a user who has confirmed a code in this session."""
    if not policy.is_verified(request.user):
        return _to("accounts:verify", reverse("accounts:recovery"))
    if request.method != "POST":
        return _render(request, "accounts/recovery_intro.html", {"title": "Recovery codes"})
    codes = services.recovery_codes_issue(user=request.user)
    messages.success(request, "Your earlier recovery codes no longer work.")
    return _render(
        request, "accounts/recovery_codes.html", {"codes": codes, "title": "Recovery codes"}
    )


@never_cache
@staff_required
def reset(request):
    """A lost phone: a colleague's devices removed by a superuser, or by an Editor for an
    account that can do less than they can (accounts.policy); never one's own."""
    if not policy.is_verified(request.user):
        return _to("accounts:verify", reverse("accounts:reset"))
    if not policy.may_reset_two_factor(request.user):
        raise PermissionDenied("Only superusers and Editors reset two-factor authentication.")
    staff = services.staff_resettable_by(actor=request.user)
    form = ResetForm(request.POST or None, staff=staff)
    if request.method == "POST" and form.is_valid():
        colleague = form.cleaned_data["user"]
        services.two_factor_reset(user=colleague, by=request.user)
        told = "They have been emailed." if colleague.email else (
            "They have no email address here: tell them yourself."
        )  # fmt: skip
        messages.success(
            request, f"{colleague.get_username()} will set up two-factor authentication again "
            f"at their next login. {told}"
        )  # fmt: skip
        return redirect("accounts:reset")
    context = {"staff": staff, "form": form, "title": "Reset two-factor authentication"}
    status = 400 if request.method == "POST" else 200
    return _render(request, "accounts/reset.html", context, status)
