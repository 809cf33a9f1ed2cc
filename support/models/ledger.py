"""The ledger: donors, their gifts (donations) and the money Stripe moved for them."""

import uuid
from decimal import Decimal

from django.db import models
from django.db.models import DecimalField, Exists, F, Q, Sum, Value
from django.db.models.functions import Coalesce, Lower

from readers.addresses import normalise
from support.models.choices import Frequency, Placement

ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=12, decimal_places=2))
# Money that went back after a payment (refunds, lost disputes), and what was kept.
MONEY_BACK = F("refunded_amount") + F("charged_back_amount")
NET = F("amount") - MONEY_BACK
# What each payment of a gift charges: the gift and the fees its donor covers (what the goal
# meter counts for a recurring gift, as a payment's amount holds both).
CHARGED = F("amount") + F("fee_covered")


class Donor(models.Model):
    email = models.EmailField(unique=True, null=True, blank=True)
    mailbox = models.CharField(
        max_length=254,
        blank=True,
        db_index=True,
        editable=False,
        help_text="The address's mailbox key (readers.addresses.normalise): a reader's gifts "
        "under every spelling of it.",
    )
    stripe_customer_id = models.CharField(
        max_length=255,
        unique=True,
        null=True,
        blank=True,
        help_text="The first Stripe customer seen; each gift keeps its own customer.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # "Has this address given?" (reminders) compares lower-cased emails.
        indexes = [models.Index(Lower("email"), name="donor_email_lower")]

    def __str__(self):
        return self.email or self.stripe_customer_id or f"Donor {self.pk}"

    def save(self, *args, **kwargs):
        self.mailbox = normalise(self.email) if self.email else ""
        if kwargs.get("update_fields") is not None and "email" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "mailbox"}
        super().save(*args, **kwargs)


class DonationQuerySet(models.QuerySet):
    def given(self):
        """Gifts where money moved or is moving: the one meaning of "has given"."""
        return self.filter(status__in=Donation.GIVEN)

    def recurring_live(self):
        """Recurring gifts that count towards the month: active or being retried.

        The one rule of the goal meter and the ledger's lists: a gift Stripe stopped trying
        to charge (unpaid) or whose collection is paused (paused) does not count.
        """
        return self.filter(status__in=Donation.RECURRING_LIVE)

    def subscribed(self):
        """Gifts with a Stripe subscription that can still charge: live, paused or unpaid."""
        return self.filter(
            status__in=[*Donation.RECURRING_LIVE, Donation.Status.PAUSED, Donation.Status.UNPAID]
        )

    def given_by_address(self, address):
        """Exists() of a given gift from an address expression, e.g. Lower(OuterRef("email"))."""
        gifts = self.given()
        by_form = gifts.annotate(_a=Lower("email")).filter(_a=address)
        by_donor = gifts.annotate(_a=Lower("donor__email")).filter(_a=address)
        return Exists(by_form) | Exists(by_donor)


class Donation(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending checkout"
        PROCESSING = "processing", "Payment processing"
        PAID = "paid", "Paid (one-time)"
        ACTIVE = "active", "Active (recurring)"
        PAST_DUE = "past_due", "Past due"
        UNPAID = "unpaid", "Unpaid (Stripe stopped retrying)"
        PAUSED = "paused", "Paused"
        CANCELLED = "cancelled", "Cancelled"
        REFUNDED = "refunded", "Refunded"
        FAILED = "failed", "Payment failed"
        ABANDONED = "abandoned", "Abandoned"

    RECURRING_LIVE = [Status.ACTIVE, Status.PAST_DUE]
    # A gift "has been given" once its first payment succeeded, whatever became of it later.
    GIVEN = [
        Status.PAID,
        Status.ACTIVE,
        Status.PAST_DUE,
        Status.UNPAID,
        Status.PAUSED,
        Status.CANCELLED,
        Status.REFUNDED,
    ]

    donor = models.ForeignKey(
        Donor, null=True, blank=True, on_delete=models.SET_NULL, related_name="donations"
    )
    email = models.EmailField(blank=True, help_text="As entered on the support form.")
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    fee_covered = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        default=Decimal("0"),
        help_text="Added by the donor to cover payment fees (an estimate when they gave), "
        "charged with each payment on top of the amount and kept apart from it.",
    )
    currency = models.CharField(max_length=3, default="usd")
    # The editors' row for this currency (no column: joined on the code), whose rate the goal
    # meter counts the gift at in the base currency (support.services.in_base).
    currency_row = models.ForeignObject(
        "support.SiteCurrency",
        from_fields=["currency"],
        to_fields=["code"],
        on_delete=models.DO_NOTHING,
        null=True,
        related_name="+",
    )
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
    appeal = models.ForeignKey(
        "support.Appeal",
        null=True,
        blank=True,
        on_delete=models.PROTECT,  # a variant with gifts is ended, never deleted
        related_name="donations",
        help_text="The appeal variant the reader followed, if any.",
    )
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    stripe_checkout_session_id = models.CharField(
        max_length=255, unique=True, null=True, blank=True
    )
    stripe_customer_id = models.CharField(
        max_length=255, blank=True, help_text="The Stripe customer whose portal manages this gift."
    )
    stripe_subscription_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    stripe_payment_intent_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    current_period_end = models.DateTimeField(null=True, blank=True)
    paused_until = models.DateTimeField(
        null=True, blank=True, help_text="When Stripe resumes charging a paused gift, if set."
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(
        max_length=20, blank=True, help_text="Why the donor cancelled, if they said (account)."
    )
    cancel_comment = models.TextField(
        blank=True, max_length=1000, help_text="What the donor wrote when cancelling, if any."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    ledger_version = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Counts the ledger's writes from Stripe; a fetch begun before the last one "
        "is made again (support.ledger).",
    )

    objects = DonationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "frequency"]),
            models.Index(Lower("email"), name="donation_email_lower"),
            # The admin's default ordering and date filters, at hundreds of thousands of gifts.
            models.Index(fields=["-created_at"], name="donation_created"),
        ]

    def __str__(self):
        return f"{self.amount_label} ({self.get_status_display()})"

    @property
    def is_recurring(self) -> bool:
        return self.frequency != Frequency.ONCE

    @property
    def amount_label(self) -> str:
        from support.money import describe_gift

        return describe_gift(self.amount, self.frequency, self.currency)

    @property
    def charged(self) -> Decimal:
        """What each payment of this gift charges: the amount and the fees the donor covers."""
        return self.amount + self.fee_covered

    @property
    def fee_label(self) -> str:
        """ "€0.36", or "" when the donor covers no fees."""
        from support.money import format_money

        return format_money(self.fee_covered, self.currency) if self.fee_covered else ""

    @property
    def address(self) -> str:
        """Where this gift's emails go: the address Stripe confirmed, else the form's."""
        return (self.donor.email if self.donor_id and self.donor.email else "") or self.email


class PaymentQuerySet(models.QuerySet):
    def net_total(self) -> Decimal:
        """Money kept: paid, less refunds and lost disputes."""
        return self.aggregate(net=Coalesce(Sum(NET), ZERO))["net"]


class Payment(models.Model):
    class Kind(models.TextChoices):
        INITIAL = "initial", "First payment"
        RENEWAL = "renewal", "Renewal"
        ONE_TIME = "one_time", "One-time gift"

    class Dispute(models.TextChoices):
        NONE = "", "None"
        INQUIRY = "inquiry", "Inquiry (no money taken yet)"
        OPEN = "open", "Open"
        WON = "won", "Won"
        LOST = "lost", "Lost"
        APPEAL = "appeal", "Lost, under appeal"
        CLOSED = "closed", "Closed without a chargeback"

    donation = models.ForeignKey(Donation, on_delete=models.PROTECT, related_name="payments")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    refunded_amount = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0"))
    dispute_status = models.CharField(
        max_length=10, choices=Dispute.choices, blank=True, default=Dispute.NONE
    )
    charged_back_amount = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        default=Decimal("0"),
        help_text="Taken by a dispute and not given back: withdrawn while it is open, kept "
        "when it is lost or lost under appeal, back when it is won.",
    )
    currency = models.CharField(max_length=3, default="usd")
    currency_row = models.ForeignObject(
        "support.SiteCurrency",
        from_fields=["currency"],
        to_fields=["code"],
        on_delete=models.DO_NOTHING,
        null=True,
        related_name="+",
    )
    card_brand = models.CharField(max_length=20, blank=True, help_text="As Stripe names it.")
    card_last4 = models.CharField(max_length=4, blank=True)
    card_exp_month = models.PositiveSmallIntegerField(null=True, blank=True)
    card_exp_year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The card's expiry, for the notice the month before."
    )
    stripe_invoice_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    stripe_payment_intent_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    stripe_charge_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    paid_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PaymentQuerySet.as_manager()

    class Meta:
        ordering = ["-paid_at"]
        # The admin's default ordering and date filters, at millions of payments.
        indexes = [models.Index(fields=["-paid_at"], name="payment_paid")]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    refunded_amount__gte=0,
                    charged_back_amount__gte=0,
                    refunded_amount__lte=F("amount") - F("charged_back_amount"),
                ),
                name="payment_money_back_within_amount",
            )
        ]

    def __str__(self):
        return f"{self.amount_display} on {self.paid_at:%Y-%m-%d}"

    @property
    def amount_display(self) -> str:
        """The amount as the receipt and the admin write it: "$2.00", "¥500"."""
        from support.money import format_money

        return format_money(self.amount, self.currency)

    @property
    def card_label(self) -> str:
        """Return e.g. "Visa ending in 4242", or "" when Stripe gave no card."""
        if not self.card_last4:
            return ""
        brand = {"amex": "American Express", "mastercard": "Mastercard"}.get(
            self.card_brand, self.card_brand.title() or "Card"
        )
        return f"{brand} ending in {self.card_last4}"

    @property
    def net_amount(self) -> Decimal:
        return self.amount - self.refunded_amount - self.charged_back_amount
