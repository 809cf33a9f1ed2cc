from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from support.models.choices import Frequency, Placement
from support.money import AmountError, format_amount, parse_amount


class SupportSettings(models.Model):
    """The one row of fundraising settings editors may change in the admin."""

    monthly_goal = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("10000"))
    default_amount = models.DecimalField(max_digits=8, decimal_places=2, default=Decimal("2"))
    default_frequency = models.CharField(
        max_length=10, choices=Frequency.choices, default=Frequency.MONTHLY
    )
    preset_amounts = models.CharField(
        max_length=100,
        default="2,5,10,25",
        help_text="Amounts offered, separated by commas: 2, 5, 10, 25. Use a dot for cents: 7.50.",
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

    def clean(self):
        errors = preset_errors(self.preset_amounts)
        if errors:
            raise ValidationError({"preset_amounts": errors})

    @property
    def presets(self) -> list[Decimal]:
        """Return the offered amounts; an entry that is not a valid amount is left out."""
        return [amount for amount, error in parse_presets(self.preset_amounts) if not error]


def parse_presets(text: str) -> list[tuple[Decimal | None, str]]:
    """Read comma-separated preset amounts into (amount, error) pairs, in order."""
    low, high = settings.DONATION_MIN_AMOUNT, settings.DONATION_MAX_AMOUNT
    pairs = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        try:
            amount = parse_amount(item)
        except AmountError:
            pairs.append((None, f"“{item}” is not an amount; type amounts like 2, 5, 7.50."))
            continue
        if not low <= amount <= high:
            limits = f"{format_amount(low)} and {format_amount(high)}"
            pairs.append((None, f"{format_amount(amount)} is not between {limits}."))
        else:
            pairs.append((amount, ""))
    return pairs


def preset_errors(text: str) -> list[str]:
    pairs = parse_presets(text)
    errors = [error for _, error in pairs if error]
    amounts = [amount for amount, _ in pairs if amount is not None]
    if not pairs:
        errors.append("Offer at least one amount.")
    if len(set(amounts)) != len(amounts):
        errors.append("Each amount can be offered only once.")
    return errors


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
