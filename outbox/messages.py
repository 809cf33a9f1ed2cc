"""An email's text and HTML parts from one template pair: no remote image, no tracking."""

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def render_message(
    template: str, *, subject: str, to: str, from_email: str, context: dict, headers=None
) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{template}.txt", context),
        from_email=from_email,
        to=[to],
        headers=headers,
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return message
