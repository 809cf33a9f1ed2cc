import uuid
from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower


class Placement(models.TextChoices):
    TOP_BANNER = "top_banner", "Top banner"
    END_OF_ARTICLE = "end_of_article", "End of article"
    SUPPORT_PAGE = "support_page", "Support page"
    REMINDER = "reminder", "Reminder email"


class Frequency(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    ANNUAL = "annual", "Annual"
    ONCE = "once", "One-time"


class SupportSettings(models.Model):
    """The one row of fundraising settings editors may change in the admin."""

    monthly_goal = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("10000"))
    default_amount = models.DecimalField(max_digits=8, decimal_places=2, default=Decimal("2"))
    default_frequency = models.CharField(
        max_length=10, choices=Frequency.choices, default=Frequency.MONTHLY
    )
    preset_amounts = models.CharField(
        max_length=100, default="2,5,10,25", help_text="Comma-separated amounts offered."
    )
    payment_methods = models.CharField(
        max_length=200,
        default="Credit and debit cards",
        help_text="Accepted payment methods, as shown to readers.",
    )
    banner_max_views = models.PositiveSmallIntegerField(
        default=5, help_text="Show the top banner at most this many times per window."
    )
    banner_window_days = models.PositiveSmallIntegerField(default=30)

    class Meta:
        verbose_name = verbose_name_plural = "support settings"

    def __str__(self):
        return "Support settings"

    @classmethod
    def load(cls) -> "SupportSettings":
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj

    @property
    def presets(self) -> list[Decimal]:
        return [Decimal(p.strip()) for p in self.preset_amounts.split(",") if p.strip()]


class Appeal(models.Model):
    placement = models.CharField(max_length=20, choices=Placement.choices, unique=True)
    active = models.BooleanField(default=True)
    heading = models.CharField(max_length=200, blank=True)
    body = models.TextField(help_text="Paragraphs separated by a blank line.")
    button_label = models.CharField(max_length=100)
    footnote = models.CharField(max_length=300, blank=True)
    remind_prompt = models.CharField(max_length=100, blank=True)
    remind_label = models.CharField(max_length=100, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return self.get_placement_display()

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.body.split("\n\n") if p.strip()]


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


class StripeEvent(models.Model):
    """Every verified webhook event, recorded once by its Stripe id."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self):
        return f"{self.type} {self.event_id}"


class OutboundEmail(models.Model):
    """An email the site owes someone: a row first, so a broker outage loses nothing."""

    class Kind(models.TextChoices):
        RECEIPT = "receipt", "Receipt"
        PAYMENT_FAILED = "payment_failed", "Payment failed"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    to = models.EmailField()
    payment = models.ForeignKey(Payment, null=True, blank=True, on_delete=models.CASCADE)
    donation = models.ForeignKey(Donation, on_delete=models.CASCADE)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
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
