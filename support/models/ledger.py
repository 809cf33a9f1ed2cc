import uuid
from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from support.models.choices import Frequency, Placement


class Donor(models.Model):
    email = models.EmailField(unique=True, null=True, blank=True)
    stripe_customer_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # "Has this address given?" (reminders) compares lower-cased emails.
        indexes = [models.Index(Lower("email"), name="donor_email_lower")]

    def __str__(self):
        return self.email or self.stripe_customer_id or f"Donor {self.pk}"


class Donation(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending checkout"
        PAID = "paid", "Paid (one-time)"
        ACTIVE = "active", "Active (recurring)"
        PAST_DUE = "past_due", "Past due"
        CANCELLED = "cancelled", "Cancelled"
        REFUNDED = "refunded", "Refunded"
        ABANDONED = "abandoned", "Abandoned"

    donor = models.ForeignKey(
        Donor, null=True, blank=True, on_delete=models.SET_NULL, related_name="donations"
    )
    email = models.EmailField(blank=True, help_text="As entered on the support form.")
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    currency = models.CharField(max_length=3, default="usd")
    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    placement = models.CharField(max_length=20, choices=Placement.choices, blank=True)
    article = models.ForeignKey(
        "articles.Article",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="donations",
    )
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    stripe_checkout_session_id = models.CharField(
        max_length=255, unique=True, null=True, blank=True
    )
    stripe_subscription_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    stripe_payment_intent_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    current_period_end = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "frequency"]),
            models.Index(Lower("email"), name="donation_email_lower"),
        ]

    def __str__(self):
        return f"{self.amount_label} ({self.get_status_display()})"

    @property
    def is_recurring(self) -> bool:
        return self.frequency != Frequency.ONCE

    @property
    def amount_label(self) -> str:
        from support.money import describe_gift

        return describe_gift(self.amount, self.frequency)


class Payment(models.Model):
    class Kind(models.TextChoices):
        INITIAL = "initial", "First payment"
        RENEWAL = "renewal", "Renewal"
        ONE_TIME = "one_time", "One-time gift"

    donation = models.ForeignKey(Donation, on_delete=models.PROTECT, related_name="payments")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    refunded_amount = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0"))
    currency = models.CharField(max_length=3, default="usd")
    stripe_invoice_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    stripe_payment_intent_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    stripe_charge_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    paid_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-paid_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(refunded_amount__lte=models.F("amount")),
                name="payment_refund_not_above_amount",
            )
        ]

    def __str__(self):
        return f"{self.amount} {self.currency.upper()} on {self.paid_at:%Y-%m-%d}"

    @property
    def net_amount(self) -> Decimal:
        return self.amount - self.refunded_amount
