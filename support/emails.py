"""Emails to donors and notices to staff: an outbox row first, sent by Celery after commit."""

import logging
from datetime import timedelta
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from support.enqueue import after_commit
from support.models import Donation, OutboundEmail, Payment

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
RETRY_AFTER = timedelta(minutes=2)
STUCK_AFTER = timedelta(minutes=15)
MANAGE_SALT = "support.manage-gift"
MANAGE_LINK_MAX_AGE = 60 * 60 * 24 * 90
SUBJECTS = {
    OutboundEmail.Kind.RECEIPT: "Your receipt from {name}: thank you",
    OutboundEmail.Kind.PAYMENT_FAILED: "Your gift to {name} could not be charged",
    OutboundEmail.Kind.GIFT_ENDED: "Your gift to {name} has ended",
}


def manage_link(donation: Donation) -> str:
    """Return the link that opens Stripe's portal for the customer this gift belongs to."""
    token = signing.dumps({"gift": donation.pk}, salt=MANAGE_SALT, compress=True)
    return settings.SITE_URL + reverse("support:manage", args=[token])


def manage_token_target(token: str) -> tuple[str, int]:
    """Return ("gift", id), or ("donor", id) for links sent before gifts had their own.

    Raise signing.BadSignature when the token is not ours, KeyError/ValueError when odd.
    """
    data = signing.loads(token, salt=MANAGE_SALT, max_age=MANAGE_LINK_MAX_AGE)
    if "gift" in data:
        return "gift", int(data["gift"])
    return "donor", int(data["donor"])


def queue(*, kind: str, donation: Donation, payment: Payment | None = None) -> None:
    """Owe an email; the send is enqueued once the current transaction commits."""
    from support.tasks import send_outbound_email

    to = donation.address
    if not to:
        logger.info("No email address for donation %s; %s not sent", donation.pk, kind)
        return
    if payment is not None:
        outbound, created = OutboundEmail.objects.get_or_create(
            kind=kind, payment=payment, defaults={"donation": donation, "to": to}
        )
    else:
        outbound, created = OutboundEmail.objects.create(kind=kind, donation=donation, to=to), True
    if created:
        after_commit(send_outbound_email, [(outbound.pk,)])


def queue_notice(*, kind: str, to: list[str], subject: str, body: str) -> int:
    """Owe a plain-text notice to each member of staff, sent and retried like a donor's email.

    Return how many were owed.
    """
    from support.tasks import send_outbound_email

    owed = OutboundEmail.objects.bulk_create(
        OutboundEmail(kind=kind, to=address, subject=subject, body=body) for address in to
    )
    after_commit(send_outbound_email, [(outbound.pk,) for outbound in owed])
    return len(owed)


def outbound_email_send(*, outbound_id: int) -> bool:
    """Send one owed email once; return False when it was not sent this time.

    The attempt is recorded before the send, and a failure after it, each in a
    transaction of its own, so a failed send still counts and says why.
    """
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
        outbound.status = OutboundEmail.Status.SENDING
        outbound.sending_since = timezone.now()
        outbound.save(update_fields=["attempts", "status", "sending_since"])
    _card_details_for(outbound)
    try:
        _render(outbound).send()
    except Exception as exc:
        logger.warning("Email %s not sent (attempt %s): %s", outbound_id, outbound.attempts, exc)
        gave_up = outbound.attempts >= MAX_ATTEMPTS
        OutboundEmail.objects.filter(pk=outbound_id).update(
            status=OutboundEmail.Status.FAILED if gave_up else OutboundEmail.Status.PENDING,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        return False
    OutboundEmail.objects.filter(pk=outbound_id).update(
        status=OutboundEmail.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    return True


def _card_details_for(outbound: OutboundEmail) -> None:
    """Give a receipt the card it was paid with, asking Stripe if the payment lacks it."""
    payment = outbound.payment
    if outbound.kind != OutboundEmail.Kind.RECEIPT or payment is None or payment.card_last4:
        return
    from support import ledger, stripe_gateway, webhooks

    try:
        webhooks.payment_sync(payment_id=payment.pk)
    except (stripe_gateway.PaymentServiceUnavailable, ledger.StaleFetch):
        return  # the receipt goes out without the card rather than not at all
    payment.refresh_from_db()


def outbound_emails_retry(*, outbound_ids) -> int:
    """Send failed emails again (the admin's retry action)."""
    from support.tasks import send_outbound_email

    with transaction.atomic():
        ids = list(
            OutboundEmail.objects.filter(
                pk__in=outbound_ids, status=OutboundEmail.Status.FAILED
            ).values_list("pk", flat=True)
        )
        OutboundEmail.objects.filter(pk__in=ids).update(
            status=OutboundEmail.Status.PENDING, attempts=0
        )
        after_commit(send_outbound_email, [(pk,) for pk in ids])
    return len(ids)


def due_outbound_ids(*, limit: int = 500) -> list[int]:
    """Owed emails to send again: pending ones left over, and sends that never finished.

    Fewest attempts first, so one address that keeps failing cannot hold up the rest.
    """
    now = timezone.now()
    stuck = OutboundEmail.objects.filter(
        status=OutboundEmail.Status.SENDING, sending_since__lt=now - STUCK_AFTER
    )
    stuck.update(status=OutboundEmail.Status.PENDING)
    waited = Q(sending_since__isnull=True, created_at__lt=now - RETRY_AFTER) | Q(
        sending_since__lt=now - RETRY_AFTER
    )
    return list(
        OutboundEmail.objects.filter(waited, status=OutboundEmail.Status.PENDING)
        .order_by("attempts", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def _render(outbound: OutboundEmail) -> EmailMultiAlternatives:
    if outbound.is_notice:
        return EmailMultiAlternatives(
            subject=outbound.subject, body=outbound.body, from_email=sender(), to=[outbound.to]
        )
    donation = outbound.donation
    context = {
        **publication_context(),
        "donation": donation,
        "payment": outbound.payment,
        "receipt_number": receipt_number(outbound),
        "manage_url": manage_link(donation) if donation.stripe_customer_id else "",
        "support_url": settings.SITE_URL + reverse("support:give"),
    }
    return render_message(
        f"support/email/{outbound.kind}",
        subject=SUBJECTS[outbound.kind].format(name=context["publication"].name),
        to=outbound.to,
        context=context,
    )


def receipt_number(outbound: OutboundEmail) -> str:
    """One number per payment (per donation when there is none), as donors quote it."""
    if outbound.payment_id:
        return f"{outbound.payment.paid_at:%Y}-{outbound.payment_id:06d}"
    return f"G-{outbound.donation_id:06d}"


def publication_context() -> dict:
    from publication.services import masthead

    publication = masthead()["publication"]
    return {
        "publication": publication,
        "site_url": settings.SITE_URL,
        "test_mode": not settings.STRIPE_SECRET_KEY.startswith("sk_live_"),
    }


def sender() -> str:
    """DEFAULT_FROM_EMAIL, under the publication's name unless it carries a name of its own."""
    from publication.services import publication_name

    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr((name or publication_name(), address))


def render_message(template: str, *, subject: str, to: str, context: dict, headers=None):
    """An email with text and HTML parts from one template pair; no remote image, no tracking."""
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{template}.txt", context),
        from_email=sender(),
        to=[to],
        headers=headers,
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return message
