from django.db import models


class Email(models.Model):
    """An email the site owes someone: a row first, so a broker outage loses nothing.

    Each is named by a key unique to what it is about ("support.receipt:payment:42"), so the
    same email is never owed twice, and by a kind whose app draws it when it is sent, from
    the ids in its context (outbox.services.register).
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=60)
    to = models.EmailField(max_length=254)
    context = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    sending_since = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "created_at"], name="outbox_email_due")]
        permissions = [("retry_email", "Can send failed emails again")]

    def __str__(self):
        return f"{self.kind} to {self.to}"
