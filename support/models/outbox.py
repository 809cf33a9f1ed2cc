from django.db import models
from django.db.models import Q

from support.models.ledger import Donation, Payment

# The kinds of email that go to a donor about a gift; every other kind is a notice to staff.
DONOR_KINDS = ("receipt", "payment_failed", "gift_ended")


class OutboundEmail(models.Model):
    """An email the site owes someone: a row first, so a broker outage loses nothing.

    A donor's email names its gift and is rendered when sent; a notice to staff (a story
    submitted for review) carries its own subject and text, fixed when it was owed.
    """

    class Kind(models.TextChoices):
        RECEIPT = "receipt", "Receipt"
        PAYMENT_FAILED = "payment_failed", "Payment failed"
        GIFT_ENDED = "gift_ended", "Gift ended"
        REVIEW_REQUESTED = "review_requested", "Story submitted for review"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    to = models.EmailField()
    payment = models.ForeignKey(Payment, null=True, blank=True, on_delete=models.CASCADE)
    donation = models.ForeignKey(Donation, null=True, blank=True, on_delete=models.CASCADE)
    subject = models.CharField(max_length=255, blank=True, help_text="Notices to staff only.")
    body = models.TextField(blank=True, help_text="Notices to staff only.")
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
            ),
            models.CheckConstraint(
                condition=Q(donation__isnull=False) | ~Q(kind__in=DONOR_KINDS),
                name="a_donor_email_names_its_gift",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.to}"

    @property
    def is_notice(self) -> bool:
        return self.kind not in DONOR_KINDS
