import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.processes import PROJECT_DIR

pytestmark = pytest.mark.django_db

FORM = re.compile(r"<form\b[^>]*>.*?</form>", re.IGNORECASE | re.DOTALL)


def views(patterns=None, prefix=""):
    """Yield (route, view) for every URL pattern, the admin's included."""
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            yield from views(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def test_only_the_webhooks_the_emailed_one_click_links_and_the_sign_up_go_without_csrf():
    exempt = {route for route, view in views() if getattr(view, "csrf_exempt", False)}

    # Each is authenticated by a signature: Stripe's, or the link's own token, which a mail
    # provider's one-click POST (RFC 8058) carries without any cookie. The newsletter sign-up
    # sits on cached pages that cannot carry a token; all a forged post can do is have the
    # address sent a link to confirm (double opt-in).
    # The appeals' beacon is harmless: it only raises a counter, capped per network.
    assert exempt == {
        "support/appeals/count",
        "support/stripe/webhook/",
        "support/remind/cancel/<str:token>/",
        "email/opt-out/<str:token>/",
        "newsletters/subscribe/",
        "newsletters/unsubscribe/<str:token>/",
        "newsletters/webhooks/mailgun/",
        "newsletters/webhooks/bounces/",
    }


@pytest.mark.parametrize(
    "url, data",
    [
        (reverse("support:give"), {"frequency": "monthly", "amount": "2"}),
        (reverse("support:remind"), {"when": "week", "email": "reader@example.org"}),
        ("/admin/login/", {"username": "editor", "password": "x"}),
    ],
)
def test_a_form_post_without_the_csrf_token_is_refused_and_changes_nothing(url, data):
    from support.models import Donation, Reminder

    response = Client(enforce_csrf_checks=True).post(url, data)

    assert response.status_code == 403
    assert not Donation.objects.exists() and not Reminder.objects.exists()


def test_a_form_post_with_the_token_from_the_page_is_accepted():
    client = Client(enforce_csrf_checks=True)
    page = client.get(reverse("support:remind")).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]

    response = client.post(
        reverse("support:remind"),
        {"when": "week", "email": "reader@example.org", "csrfmiddlewaretoken": token},
    )

    assert response.status_code == 200


def test_every_post_form_in_the_templates_carries_the_csrf_token():
    forms = []
    for path in (PROJECT_DIR / "templates").rglob("*.html"):
        for form in FORM.findall(path.read_text()):
            if re.search(r'method="post"', form, re.IGNORECASE):
                if "url('newsletters:subscribe')" in form:
                    continue  # exempt, above: it only ever sends a link to confirm
                # Django's tag in the admin's templates, the Jinja2 global in the site's.
                forms.append((path.name, "{% csrf_token %}" in form or "{{ csrf_input }}" in form))

    assert forms, "no POST form found; the test would prove nothing"
    assert [name for name, protected in forms if not protected] == []
