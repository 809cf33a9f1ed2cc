from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from support.models.choices import Frequency, Placement
from support.money import AmountError, format_amount, parse_amount


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
    preset_amounts = models.CharField(
        "monthly amounts",
        max_length=100,
        default="2,5,10,25",
        help_text="Amounts offered, separated by commas: 2, 5, 10, 25. Use a dot for cents: 7.50.",
    )
    annual_preset_amounts = models.CharField(
        "annual amounts",
        max_length=100,
        default="25,50,100,250",
        help_text="Amounts offered for a gift once a year, separated by commas.",
    )
    once_preset_amounts = models.CharField(
        "one-time amounts",
        max_length=100,
        default="10,25,50,100",
        help_text="Amounts offered for a single gift, separated by commas.",
    )
    preset_impact = models.TextField(
        "what an amount does",
        blank=True,
        help_text=(
            "Optional, one line per amount, shown under it: “monthly 5: Pays for a day of "
            "fact-checking”. Frequencies: monthly, annual, once."
        ),
    )
    payment_methods = models.CharField(
        max_length=200,
        default="Credit and debit cards",
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
        errors = {field: preset_errors(getattr(self, field)) for field in PRESET_FIELDS.values()}
        errors["default_amount"] = amount_errors(self.default_amount)
        errors["preset_impact"] = [error for _, error in parse_impact(self.preset_impact) if error]
        errors = {field: messages for field, messages in errors.items() if messages}
        if errors:
            raise ValidationError(errors)

    @property
    def presets(self) -> list[Decimal]:
        """Return the monthly amounts; an entry that is not a valid amount is left out."""
        return self.presets_by_frequency()[Frequency.MONTHLY]

    def presets_by_frequency(self) -> dict[str, list[Decimal]]:
        """Return the valid amounts offered for each frequency, in order."""
        return {
            frequency: [a for a, error in parse_presets(getattr(self, field)) if not error]
            for frequency, field in PRESET_FIELDS.items()
        }

    def impacts(self) -> dict[tuple[str, Decimal], str]:
        """Return the line of impact text for each (frequency, amount) that has one."""
        return dict(item for item, error in parse_impact(self.preset_impact) if not error)


PRESET_FIELDS = {
    Frequency.MONTHLY: "preset_amounts",
    Frequency.ANNUAL: "annual_preset_amounts",
    Frequency.ONCE: "once_preset_amounts",
}


def parse_impact(text: str) -> list[tuple[tuple | None, str]]:
    """Read "monthly 5: text" lines into ((frequency, amount), text) pairs, or errors."""
    pairs = []
    for line in (line.strip() for line in (text or "").splitlines()):
        if not line:
            continue
        head, colon, impact = line.partition(":")
        frequency, _, amount = head.strip().partition(" ")
        try:
            value = parse_amount(amount.strip())
        except AmountError:
            value = None
        if not colon or frequency not in Frequency.values or value is None or not impact.strip():
            pairs.append((None, f"“{line}” should read like “monthly 5: what it pays for”."))
        else:
            pairs.append((((frequency, value), impact.strip()), ""))
    return pairs


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


def amount_errors(amount: Decimal | None) -> list[str]:
    low, high = settings.DONATION_MIN_AMOUNT, settings.DONATION_MAX_AMOUNT
    if amount is None or low <= amount <= high:
        return []
    return [
        f"{format_amount(amount)} is not between {format_amount(low)} and {format_amount(high)}."
    ]


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
