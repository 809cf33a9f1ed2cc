from decimal import Decimal

from django.db import models

from support.models.choices import Frequency, Placement


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
