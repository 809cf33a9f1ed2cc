from django.db import models


class StripeEvent(models.Model):
    """Every verified webhook event, recorded once by its Stripe id."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True, help_text="Why the last attempt failed.")
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(
        null=True, blank=True, help_text="Given up after too many attempts; retry from the list."
    )
    ignored_reason = models.CharField(
        max_length=300,
        blank=True,
        help_text="Why it changed nothing, when it did not: a type the ledger does not follow, "
        "or an object of no gift of this site's.",
    )

    class Meta:
        ordering = ["-received_at"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(processed_at__isnull=True, failed_at__isnull=True),
                name="stripe_event_due",
            ),
            # The admin's list, newest first, at one event per webhook: millions of rows.
            models.Index(fields=["-received_at", "-id"], name="stripe_event_received"),
            # The admin's "Ignored" list: few rows among millions.
            models.Index(
                fields=["-received_at", "-id"],
                condition=~models.Q(ignored_reason=""),
                name="stripe_event_ignored",
            ),
        ]

    def __str__(self):
        return f"{self.type} {self.event_id}"
