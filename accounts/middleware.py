"""Editors reach the admin only after their second factor (see accounts.policy)."""

from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse

from accounts import policy, services

OPEN_ADMIN_VIEWS = {"login", "logout"}


class RequireTwoFactorMiddleware:
    """Send an Editor who has signed in with a password alone to confirm a code (or enrol)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or match.namespace != "admin" or match.url_name in OPEN_ADMIN_VIEWS:
            return None
        user = request.user
        if not policy.two_factor_required(user) or policy.is_verified(user):
            return None
        step = "verify" if services.two_factor_enrolled(user=user) else "setup"
        return redirect(reverse(f"accounts:{step}") + "?" + urlencode({"next": request.path}))
