import uuid

from django.db import models
from django.db.models import Q

from support.models.choices import Placement


class Reminder(models.Model):
    """A reader's "remind me later": the row is the schedule, not a broker message."""

    class Status(models.TextChoices):
        AWAITING = "awaiting", "Awaiting confirmation"
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        CANCELLED = "cancelled", "Cancelled"
        FAILED = "failed", "Failed"

    email = models.EmailField()
    address = models.CharField(
        max_length=254, help_text="The mailbox the email reaches (lower case, no +tag)."
    )
    due_on = models.DateField()
    article = models.ForeignKey(
        "articles.Article", null=True, blank=True, on_delete=models.SET_NULL
    )
    placement = models.CharField(max_length=20, choices=Placement.choices, blank=True)
    consent_text = models.TextField()
    consented_at = models.DateTimeField()
    # A reader's request waits for its address to confirm it (AWAITING); then it is PENDING.
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    attempts = models.PositiveSmallIntegerField(default=0)
    sending_since = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["status", "due_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["address"],
                condition=Q(status="pending"),
                name="one_pending_reminder_per_address",
            )
        ]

    def __str__(self):
        return f"Reminder to {self.email} on {self.due_on}"
