"""Emails to donors: an outbox row first, sent by a Celery task after commit."""

import logging

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from support.models import Donation, OutboundEmail, Payment

logger = logging.getLogger(__name__)

MANAGE_SALT = "support.manage-gift"
MANAGE_LINK_MAX_AGE = 60 * 60 * 24 * 90
SUBJECTS = {
    OutboundEmail.Kind.RECEIPT: "Thank you: your receipt",
    OutboundEmail.Kind.PAYMENT_FAILED: "Your gift could not be charged",
}


def manage_link(donor_id: int) -> str:
    token = signing.dumps({"donor": donor_id}, salt=MANAGE_SALT, compress=True)
    return settings.SITE_URL + reverse("support:manage", args=[token])


def donor_id_from_manage_token(token: str) -> int:
    """Return the donor a manage link names; raise signing.BadSignature when it is not ours."""
    data = signing.loads(token, salt=MANAGE_SALT, max_age=MANAGE_LINK_MAX_AGE)
    return int(data["donor"])


def queue(*, kind: str, donation: Donation, payment: Payment | None = None) -> None:
    """Owe an email; the send is enqueued once the current transaction commits."""
    to = (donation.donor.email if donation.donor else "") or donation.email
    if not to:
        logger.info("No email address for donation %s; %s not sent", donation.pk, kind)
        return
    outbound, created = (
        OutboundEmail.objects.get_or_create(
            kind=kind,
            payment=payment,
            donation=donation,
            defaults={"to": to},
        )
        if payment
        else (OutboundEmail.objects.create(kind=kind, donation=donation, to=to), True)
    )
    if created:
        from support.tasks import send_outbound_email

        transaction.on_commit(lambda: _enqueue(send_outbound_email, outbound.pk))


def _enqueue(task, pk: int) -> None:
    try:
        task.delay(pk)
    except OperationalError:
        # The row stays pending; the beat sweep sends it when the broker is back.
        logger.warning("Broker unavailable; email %s left for the sweep", pk, exc_info=True)


def outbound_email_send(*, outbound_id: int) -> bool:
    """Send one owed email once; return False when there was nothing to send."""
    with transaction.atomic():
        outbound = (
            OutboundEmail.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk=outbound_id, status=OutboundEmail.Status.PENDING)
            .select_related("donation__donor", "payment")
            .first()
        )
        if outbound is None:
            return False
        outbound.attempts += 1
        message = _render(outbound)
        message.send()
        outbound.status = OutboundEmail.Status.SENT
        outbound.sent_at = timezone.now()
        outbound.save(update_fields=["attempts", "status", "sent_at"])
    return True


def outbound_email_mark_failed(*, outbound_id: int) -> None:
    OutboundEmail.objects.filter(pk=outbound_id, status=OutboundEmail.Status.PENDING).update(
        status=OutboundEmail.Status.FAILED
    )


def pending_outbound_ids(*, older_than_seconds: int = 120) -> list[int]:
    cutoff = timezone.now() - timezone.timedelta(seconds=older_than_seconds)
    return list(
        OutboundEmail.objects.filter(
            status=OutboundEmail.Status.PENDING, created_at__lt=cutoff
        ).values_list("pk", flat=True)[:500]
    )


def _render(outbound: OutboundEmail) -> EmailMultiAlternatives:
    donation = outbound.donation
    context = {
        "donation": donation,
        "payment": outbound.payment,
        "manage_url": manage_link(donation.donor_id) if donation.donor_id else "",
        "support_url": settings.SITE_URL + reverse("support:give"),
    }
    template = f"support/email/{outbound.kind}"
    message = EmailMultiAlternatives(
        subject=SUBJECTS[outbound.kind],
        body=render_to_string(f"{template}.txt", context),
        to=[outbound.to],
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return message
