"""A reader confirming a reminder from the email it sends: the double opt-in's second step."""

import re
from urllib.parse import urlsplit

from django.core import mail
from django.test import Client

LINK = re.compile(r"https?://\S+?/email/confirm/[^/\s]+/[^/\s]+/")


def confirmation_emails(email: str) -> list:
    """Send what the outbox owes `email` now, and return the confirmations it received."""
    from outbox.models import Email
    from outbox.services import email_send

    for pk in Email.objects.filter(to=email, status=Email.Status.PENDING).values_list(
        "pk", flat=True
    ):
        email_send(email_id=pk)
    return [m for m in mail.outbox if email in m.to and m.subject.startswith("Confirm your")]


def confirm_from_email(email: str, client: Client | None = None):
    """Open the newest confirmation link emailed to `email` and press its button; the
    confirmation is then taken out of the test's outbox (read and done with)."""
    received = confirmation_emails(email)
    assert received, f"no confirmation was emailed to {email}"
    message = received[-1]
    path = urlsplit(LINK.search(message.body).group(0)).path
    response = (client or Client()).post(path)
    assert response.status_code == 200, response.content.decode()
    for read in received:
        mail.outbox.remove(read)
    return response


def confirm_reminder(reminder):
    """Press the button behind the link a reminder's confirmation email carries (made as
    its drawer makes it), for tests where a worker, not this process, sends the email."""
    from readers.confirmations import confirmation_link
    from support.reminders import CONFIRM

    link = confirmation_link(email=reminder.email, subject=f"{CONFIRM}:{reminder.pk}")
    response = Client().post(urlsplit(link).path)
    assert response.status_code == 200, response.content.decode()
    reminder.refresh_from_db()
    return reminder
