"""The currencies the site takes gifts in, and the amounts offered in each (editors' data).

Each currency has its own amount ladder per frequency, set by editors and never converted
(€5 is offered because an editor typed 5 under euros), its own gift limits, its own estimate
of the processing fee a donor may choose to cover, and the rate at which the goal meter
counts it in the base currency (DONATION_CURRENCY).
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q

from support.models.choices import Frequency
from support.money import AmountError, check_chargeable, currency, format_money


def _smallest_default() -> Decimal:
    return Decimal(settings.DONATION_MIN_AMOUNT)


def _largest_default() -> Decimal:
    return Decimal(settings.DONATION_MAX_AMOUNT)


class SiteCurrency(models.Model):
    code = models.CharField(
        max_length=3,
        unique=True,
        validators=[RegexValidator(r"^[a-z]{3}$", "Type the ISO code in lower case, like eur.")],
        help_text="ISO 4217 code in lower case: usd, eur, gbp, jpy.",
    )
    offered = models.BooleanField(
        default=True,
        help_text="Offered on the support form. A currency gifts were made in stays here "
        "(switched off) so the goal meter can still count them.",
    )
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Order on the support form; the first is the default."
    )
    countries = models.CharField(
        max_length=400,
        blank=True,
        help_text="Readers in these countries (two-letter codes, separated by spaces: DE FR IT) "
        "see this currency first.",
    )
    rate = models.DecimalField(
        "rate to the base currency",
        max_digits=14,
        decimal_places=6,
        default=Decimal("1"),
        help_text="What one unit is worth in the base currency (DONATION_CURRENCY), as the "
        "goal meter counts it: 1.08 for euros against dollars. Set by editors; never "
        "used to charge anyone.",
    )
    smallest_gift = models.DecimalField(max_digits=10, decimal_places=2, default=_smallest_default)
    largest_gift = models.DecimalField(max_digits=12, decimal_places=2, default=_largest_default)
    fee_percent = models.DecimalField(
        "fee estimate: percent",
        max_digits=5,
        decimal_places=2,
        default=Decimal("2.9"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("20"))],
        help_text="The payment fee a donor may choose to cover is estimated as this percent "
        "of the gift plus the fixed part (the method is chosen at Checkout, so it is "
        "labelled approximate).",
    )
    fee_fixed = models.DecimalField(
        "fee estimate: fixed part",
        max_digits=8,
        decimal_places=2,
        default=Decimal("0.30"),
        validators=[MinValueValidator(Decimal("0"))],
    )

    class Meta:
        verbose_name = "currency"
        verbose_name_plural = "currencies"
        ordering = ["position", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(rate__gt=0), name="currency_rate_positive"),
            models.CheckConstraint(
                condition=Q(smallest_gift__gt=0, largest_gift__gte=models.F("smallest_gift")),
                name="currency_gift_limits_in_order",
            ),
            models.CheckConstraint(
                condition=Q(fee_percent__gte=0, fee_percent__lte=20, fee_fixed__gte=0),
                name="currency_fee_estimate_in_range",
            ),
        ]

    def __str__(self):
        if not self.code:
            return "Currency"
        name = currency(self.code).name
        return f"{self.code.upper()} ({name})" if name else self.code.upper()

    @property
    def is_base(self) -> bool:
        return self.code == settings.DONATION_CURRENCY

    def country_codes(self) -> set[str]:
        return {part.upper() for part in self.countries.replace(",", " ").split()}

    def clean(self):
        errors = {}
        self.code = (self.code or "").strip().lower()
        if self.is_base and self.rate != 1:
            errors["rate"] = (
                f"{self.code.upper()} is the base currency the goal meter counts in: its rate is 1."
            )
        for field in ("smallest_gift", "largest_gift"):
            value = getattr(self, field)
            if value is not None and self.code:
                try:
                    check_chargeable(value, self.code)
                except AmountError as exc:
                    errors[field] = str(exc)
        if (
            self.smallest_gift is not None
            and self.largest_gift is not None
            and self.largest_gift < self.smallest_gift
        ):
            errors["largest_gift"] = "The largest gift must be at least the smallest."
        bad = sorted(c for c in self.country_codes() if len(c) != 2 or not c.isalpha())
        if bad:
            errors["countries"] = f"Not two-letter country codes: {', '.join(bad)}."
        if errors:
            raise ValidationError(errors)

    def amount_errors(self, amount: Decimal | None) -> list[str]:
        """What is wrong with offering or taking this amount in this currency ([] if nothing)."""
        if amount is None:
            return []
        if amount < self.smallest_gift:
            return [f"The smallest gift we can take is {self.money(self.smallest_gift)}."]
        if amount > self.largest_gift:
            return [f"The largest gift we can take online is {self.money(self.largest_gift)}."]
        try:
            check_chargeable(amount, self.code)
        except AmountError as exc:
            return [str(exc)]
        return []

    def money(self, amount: Decimal) -> str:
        return format_money(amount, self.code, short=True)


class LadderAmount(models.Model):
    """One amount of a currency's ladder for one frequency: "€5 monthly"."""

    currency = models.ForeignKey(SiteCurrency, on_delete=models.CASCADE, related_name="amounts")
    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    impact = models.CharField(
        "what it does",
        max_length=200,
        blank=True,
        help_text="Optional, shown under the amount: “Pays for a day of fact-checking”.",
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["currency", "frequency", "position", "amount"]
        constraints = [
            models.UniqueConstraint(
                fields=["currency", "frequency", "amount"], name="ladder_amount_once"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="ladder_amount_positive"),
        ]

    def __str__(self):
        label = Frequency(self.frequency).label.lower() if self.frequency else ""
        code = self.currency.code if self.currency_id else "usd"
        return f"{format_money(self.amount, code, short=True)} {label}".strip()

    def clean(self):
        # In the admin's inline the currency may not be saved yet: its code is still known.
        owner = getattr(self, "currency", None)
        if owner is not None and owner.code and self.amount is not None:
            errors = owner.amount_errors(self.amount)
            if errors:
                raise ValidationError({"amount": errors})
