"""Response headers that keep every page to the site's own origin.

The policy is one fixed string per process, with no per-response nonce, so a page
from the page cache carries the same header as a freshly rendered one.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.utils.module_loading import import_string

STRIPE_CHECKOUT_ORIGIN = "https://checkout.stripe.com"
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "browsing-topics",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


def frame_sources() -> list[str]:
    """Return the origins pages may frame: a pressed embed's player (the function is named
    by settings.CSP_FRAME_SOURCES, so this module does not import the app above it)."""
    name = getattr(settings, "CSP_FRAME_SOURCES", "")
    return list(import_string(name)()) if name else []


def content_security_policy(frames: tuple[str, ...] = ()) -> str:
    """Return the site's policy: its own origin only, no inline script or style.

    Frames may come from the players of the embed providers a reader presses to load
    (frames); nothing else is loosened.

    Forms may also lead to Stripe Checkout: browsers apply form-action to the redirect
    that follows the support form, so Checkout's origin (or the local Stripe test-mode
    server's) is allowed there and nowhere else.
    """
    form_targets = ["'self'", STRIPE_CHECKOUT_ORIGIN]
    if settings.STRIPE_API_BASE:
        form_targets.append(_origin(settings.STRIPE_API_BASE))
    images = ["'self'"]
    media_origin = _origin(settings.MEDIA_URL)
    if media_origin:
        images.append(media_origin)
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": images,
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'", *frames],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": [target for target in form_targets if target],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


_policies: dict[tuple, str] = {}


def _policy() -> str:
    """The policy for the settings it is built from, built once."""
    frames = tuple(frame_sources())
    given = (settings.STRIPE_API_BASE, settings.MEDIA_URL, frames)
    policy = _policies.get(given)
    if policy is None:
        policy = _policies[given] = content_security_policy(frames)
    return policy


class SecurityHeadersMiddleware:
    """Add Content-Security-Policy and Permissions-Policy to every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", _policy())
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
