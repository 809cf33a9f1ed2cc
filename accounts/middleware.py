"""Staff who must use a second factor reach the admin only after it (accounts.policy)."""

from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse

from accounts import policy, services

OPEN_ADMIN_VIEWS = {"login", "logout"}


class RequireTwoFactorMiddleware:
    """Send a user who must, signed in with a password alone, to confirm a code (or enrol)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or match.namespace != "admin" or match.url_name in OPEN_ADMIN_VIEWS:
            return None
        user = request.user
        if policy.is_verified(user) or not policy.two_factor_required(user):
            return None
        step = "verify" if services.two_factor_enrolled(user=user) else "setup"
        return redirect(reverse(f"accounts:{step}") + "?" + urlencode({"next": request.path}))
