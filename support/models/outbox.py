from django.db import models
from django.db.models import Q

from support.models.ledger import Donation, Payment


class OutboundEmail(models.Model):
    """An email the site owes someone: a row first, so a broker outage loses nothing."""

    class Kind(models.TextChoices):
        RECEIPT = "receipt", "Receipt"
        PAYMENT_FAILED = "payment_failed", "Payment failed"
        GIFT_ENDED = "gift_ended", "Gift ended"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    to = models.EmailField()
    payment = models.ForeignKey(Payment, null=True, blank=True, on_delete=models.CASCADE)
    donation = models.ForeignKey(Donation, on_delete=models.CASCADE)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    sending_since = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "payment"],
                condition=Q(payment__isnull=False),
                name="one_email_of_a_kind_per_payment",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.to}"
