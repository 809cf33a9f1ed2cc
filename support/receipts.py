"""Donor emails drawn when the outbox sends them (registered in support/apps.py)."""

from django.conf import settings
from django.urls import reverse

from outbox.messages import render_message
from outbox.models import Email
from publication.services import sender
from support import emails, ledger, stripe_gateway, webhooks
from support.models import Donation, Payment


def draw(email: Email):
    name = email.kind.removeprefix("support.")
    donation = Donation.objects.select_related("donor").get(pk=email.context["donation"])
    payment = None
    if email.context.get("payment"):
        payment = Payment.objects.get(pk=email.context["payment"])
        if name == emails.RECEIPT:
            payment = _with_card(payment)
    context = {
        **emails.publication_context(),
        "donation": donation,
        "payment": payment,
        "receipt_number": receipt_number(donation, payment),
        "manage_url": emails.manage_link(donation) if donation.stripe_customer_id else "",
        "support_url": settings.SITE_URL + reverse("support:give"),
        "account_url": settings.SITE_URL + reverse("support:account"),
        "card_url": _card_url(name, donation),
    }
    return render_message(
        f"support/email/{name}",
        subject=emails.SUBJECTS[name].format(name=context["publication"].name),
        to=email.to,
        from_email=sender(),
        context=context,
    )


def _card_url(name: str, donation: Donation) -> str:
    """The failed-payment email's one-click link to update the card (support.care)."""
    from support.care import card_update_link

    if name != emails.PAYMENT_FAILED or not donation.stripe_customer_id:
        return ""
    return card_update_link(donation)


def _with_card(payment: Payment) -> Payment:
    """The payment with the card it was paid with, asking Stripe if it lacks it (the receipt
    goes out without the card rather than not at all)."""
    if payment.card_last4:
        return payment
    try:
        webhooks.payment_sync(payment_id=payment.pk)
    except (stripe_gateway.PaymentServiceUnavailable, ledger.StaleFetch):
        return payment
    return Payment.objects.get(pk=payment.pk)


def receipt_number(donation: Donation, payment: Payment | None) -> str:
    """One number per payment (per donation when there is none), as donors quote it."""
    if payment is not None:
        return f"{payment.paid_at:%Y}-{payment.pk:06d}"
    return f"G-{donation.pk:06d}"
