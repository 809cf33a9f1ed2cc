from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from support.models.choices import Frequency, Placement
from support.money import format_amount

# Checkout offers Stripe's dynamic payment methods (support/stripe_gateway/checkout.py).
PAYMENT_METHODS = (
    "Cards, Apple Pay, Google Pay, Link, and bank payments such as SEPA and iDEAL where your "
    "currency allows"
)


class SupportSettings(models.Model):
    """The one row of fundraising settings editors may change in the admin."""

    monthly_goal = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        default=Decimal("10000"),
        validators=[MinValueValidator(Decimal("1"))],
    )
    default_amount = models.DecimalField(
        max_digits=8,
        decimal_places=2,
        default=Decimal("2"),
        help_text="The amount chosen when the support page opens.",
    )
    default_frequency = models.CharField(
        max_length=10, choices=Frequency.choices, default=Frequency.MONTHLY
    )
    payment_methods = models.CharField(
        max_length=200,
        default=PAYMENT_METHODS,
        help_text="Accepted payment methods, as shown to readers.",
    )
    banner_max_views = models.PositiveSmallIntegerField(
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text="Show the top banner at most this many times per window.",
    )
    banner_window_days = models.PositiveSmallIntegerField(
        default=30, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )

    class Meta:
        verbose_name = verbose_name_plural = "support settings"
        # Editors' numbers that nothing may save out of range ("$63 of $-5 a month").
        constraints = [
            models.CheckConstraint(condition=Q(monthly_goal__gte=1), name="goal_at_least_one"),
            models.CheckConstraint(
                condition=Q(default_amount__gt=0), name="default_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(banner_max_views__gte=1, banner_window_days__gte=1),
                name="banner_cap_at_least_one",
            ),
        ]

    def __str__(self):
        return "Support settings"

    @classmethod
    def load(cls) -> "SupportSettings":
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj

    def clean(self):
        errors = amount_errors(self.default_amount)
        if errors:
            raise ValidationError({"default_amount": errors})


def amount_errors(amount: Decimal | None) -> list[str]:
    """The default gift is in the base currency, within its limits (its own row's, once the
    currencies exist; the settings' before)."""
    from support.models.currencies import SiteCurrency

    base = SiteCurrency.objects.filter(code=settings.DONATION_CURRENCY).first()
    if base is not None:
        return base.amount_errors(amount)
    low, high = settings.DONATION_MIN_AMOUNT, settings.DONATION_MAX_AMOUNT
    if amount is None or low <= amount <= high:
        return []
    return [
        f"{format_amount(amount)} is not between {format_amount(low)} and {format_amount(high)}."
    ]


class Appeal(models.Model):
    placement = models.CharField(max_length=20, choices=Placement.choices, unique=True)
    active = models.BooleanField(default=True)
    heading = models.CharField(max_length=200, blank=True)
    body = models.TextField(help_text="Paragraphs separated by a blank line.")
    button_label = models.CharField(max_length=100)
    footnote = models.CharField(max_length=300, blank=True)
    remind_prompt = models.CharField(max_length=100, blank=True)
    remind_label = models.CharField(max_length=100, blank=True)
    show_goal = models.BooleanField(
        "show the goal meter",
        default=False,
        help_text="Show how much of the monthly goal readers have given, under the text.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return self.get_placement_display()

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.body.split("\n\n") if p.strip()]
