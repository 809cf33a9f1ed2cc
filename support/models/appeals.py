from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from support.models.choices import Frequency, Placement
from support.money import AmountError, format_amount, parse_amount

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
    appeals_split_evenly = models.BooleanField(
        "freeze a plain A/B split",
        default=False,
        help_text="Share each placement's traffic evenly between its live variants instead "
        "of favouring the one that raises the most.",
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


def parse_presets(text: str) -> list[tuple[Decimal | None, str]]:
    """Read comma-separated amounts in the base currency into (amount, error) pairs, in
    order (a variant's own ladder)."""
    pairs = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        try:
            amount = parse_amount(item)
        except AmountError:
            pairs.append((None, f"“{item}” is not an amount; type amounts like 2, 5, 7.50."))
            continue
        errors = amount_errors(amount)
        pairs.append((None, errors[0]) if errors else (amount, ""))
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


class Audience:
    """The coarse buckets a variant may target, all decided in the reader's browser."""

    READS = [
        ("0", "None yet"),
        ("1-4", "1 to 4"),
        ("5-14", "5 to 14"),
        ("15+", "15 or more"),
    ]
    DONOR = [
        ("never", "Never given"),
        ("one_off", "Gave once"),
        ("recurring", "Gives monthly or yearly"),
        ("lapsed", "Recurring gift lapsed"),
    ]
    REFERRER = [
        ("search", "Search"),
        ("social", "Social media"),
        ("newsletter", "Newsletter"),
        ("direct", "Direct (no referrer, or this site)"),
        ("other", "Another website"),
    ]


def base_ladder() -> dict[str, list[Decimal]]:
    """The base currency's amounts per frequency, as editors set them (its ladder rows)."""
    from support.models.currencies import LadderAmount

    ladder: dict[str, list[Decimal]] = {}
    rows = LadderAmount.objects.filter(currency__code=settings.DONATION_CURRENCY)
    for frequency, amount in rows.order_by("position", "amount").values_list("frequency", "amount"):
        ladder.setdefault(frequency, []).append(amount)
    return ladder


class Appeal(models.Model):
    """One variant of a placement's appeal. The first live variant of a placement (lowest
    position) is the one every reader without JavaScript sees; the seeded appeals are the
    first variant of each placement."""

    placement = models.CharField(max_length=20, choices=Placement.choices)
    name = models.CharField(
        max_length=60, default="A", help_text="How reports name this variant: A, B, “Short ask”."
    )
    position = models.PositiveSmallIntegerField(
        default=0, help_text="The lowest is the first variant: shown when JavaScript is off."
    )
    active = models.BooleanField(default=True)
    starts_at = models.DateTimeField("start", null=True, blank=True)
    ends_at = models.DateTimeField("end", null=True, blank=True)
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
    monthly_amounts = models.CharField(
        max_length=100,
        blank=True,
        help_text="This variant's own monthly amounts (2, 5, 10); empty: the site's.",
    )
    annual_amounts = models.CharField(max_length=100, blank=True)
    once_amounts = models.CharField("one-time amounts", max_length=100, blank=True)
    default_frequency = models.CharField(
        max_length=10, choices=Frequency.choices, blank=True, help_text="Empty: the site's."
    )
    default_amount = models.DecimalField(
        max_digits=8, decimal_places=2, null=True, blank=True, help_text="Empty: the site's."
    )
    reads = models.JSONField(
        "articles read in the last 30 days", default=list, blank=True, help_text="None: any."
    )
    donor_states = models.JSONField(
        "donor state",
        default=list,
        blank=True,
        help_text="None: everyone but monthly and yearly donors, who see only a variant "
        "that names them.",
    )
    referrers = models.JSONField("came from", default=list, blank=True, help_text="None: any.")
    countries = models.CharField(
        max_length=200,
        blank=True,
        help_text="Two-letter codes (US, CA) as the CDN reports them; empty: any country.",
    )
    cap_views = models.PositiveSmallIntegerField(
        "at most this many views",
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Per reader's browser, in the days below; empty: no cap.",
    )
    cap_days = models.PositiveSmallIntegerField(
        "in this many days", null=True, blank=True, validators=[MinValueValidator(1)]
    )
    gap_days = models.PositiveSmallIntegerField(
        "days between views", null=True, blank=True, help_text="Empty: none."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["placement", "position", "pk"]

    def __str__(self):
        return f"{self.get_placement_display()} · {self.name}"

    LADDER_FIELDS = {
        Frequency.MONTHLY: "monthly_amounts",
        Frequency.ANNUAL: "annual_amounts",
        Frequency.ONCE: "once_amounts",
    }

    def ladder(self, base: dict[str, list[Decimal]]) -> dict[str, list[Decimal]]:
        """The amounts offered per frequency: this variant's own where it names them, else
        the base currency's (`base`, its ladder)."""
        ladder = {frequency: list(amounts) for frequency, amounts in base.items()}
        for frequency, field in self.LADDER_FIELDS.items():
            own = [a for a, error in parse_presets(getattr(self, field)) if not error]
            if own:
                ladder[frequency] = own
        return ladder

    def ladder_in(self, site_currency, base: dict[str, list[Decimal]]) -> dict[str, list[Decimal]]:
        """The amounts offered per frequency in a currency: in the base currency (or with no
        currency rows) `ladder`; in another, this variant's own amounts in it where it names
        them for a frequency, else that currency's (`base`, its ladder)."""
        if site_currency is None or site_currency.is_base:
            return self.ladder(base)
        ladder = {frequency: list(amounts) for frequency, amounts in base.items()}
        own: dict[str, list[Decimal]] = {}
        for row in self.currency_amounts.filter(currency=site_currency):
            if site_currency.amount_errors(row.amount):
                continue  # stored around the admin's checks: never offered
            own.setdefault(row.frequency, []).append(row.amount)
        ladder.update(own)
        return ladder

    def preset(self, site: "SupportSettings") -> tuple[str, Decimal]:
        """The frequency and amount chosen when a reader follows this variant."""
        frequency = self.default_frequency or site.default_frequency
        amount = self.default_amount
        if amount is None:
            own = self.ladder({}).get(frequency, [])
            amount = site.default_amount if not own or site.default_amount in own else own[0]
        return frequency, amount

    def is_live(self, now) -> bool:
        return (
            self.active
            and (self.starts_at is None or self.starts_at <= now)
            and (self.ends_at is None or self.ends_at > now)
        )

    @property
    def country_list(self) -> list[str]:
        return [c.strip().upper() for c in self.countries.replace(";", ",").split(",") if c.strip()]

    def rules(self) -> dict:
        """What the browser's picker reads to decide whether this reader is in the audience."""
        return {
            "reads": self.reads,
            "donor": self.donor_states,
            "referrer": self.referrers,
            "country": self.country_list,
            "cap": [self.cap_views, self.cap_days] if self.cap_views and self.cap_days else None,
            "gap": self.gap_days or None,
            "starts": int(self.starts_at.timestamp() * 1000) if self.starts_at else None,
            "ends": int(self.ends_at.timestamp() * 1000) if self.ends_at else None,
        }

    def clean(self):
        errors = {}
        for field in self.LADDER_FIELDS.values():
            if getattr(self, field).strip():
                found = preset_errors(getattr(self, field))
                if found:
                    errors[field] = found
        if self.default_amount is not None and amount_errors(self.default_amount):
            errors["default_amount"] = amount_errors(self.default_amount)
        if bool(self.cap_views) != bool(self.cap_days):
            errors["cap_days"] = ["Give both: at most N views in D days."]
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = ["The end comes after the start."]
        bad = [c for c in self.country_list if len(c) != 2 or not c.isalpha()]
        if bad:
            errors["countries"] = [f"“{bad[0]}” is not a two-letter country code."]
        if "recurring" in (self.donor_states or []) and not errors:
            errors.update(self._recurring_errors())
        if errors:
            raise ValidationError(errors)

    def _recurring_errors(self) -> dict:
        """Readers who give monthly never see the smallest monthly ask."""
        site = SupportSettings.load()
        base = base_ladder()
        floor = min(base.get(Frequency.MONTHLY) or [site.default_amount])
        ladder = self.ladder(base).get(Frequency.MONTHLY) or [site.default_amount]
        frequency, amount = self.preset(site)
        if min(ladder) <= floor or (frequency == Frequency.MONTHLY and amount <= floor):
            return {
                "monthly_amounts": [
                    f"Monthly donors never see the {format_amount(floor)} ask: give this "
                    f"variant monthly amounts above {format_amount(floor)} (an upgrade ask)."
                ]
            }
        return {}

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.body.split("\n\n") if p.strip()]


class AppealLadderAmount(models.Model):
    """One amount a variant offers in a currency other than the base one ("€7 monthly");
    where a variant names none for a frequency in a currency, that currency's ladder applies."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="currency_amounts")
    currency = models.ForeignKey(
        "support.SiteCurrency", on_delete=models.CASCADE, related_name="appeal_amounts"
    )
    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "amount in another currency"
        verbose_name_plural = "amounts in other currencies"
        ordering = ["currency", "frequency", "position", "amount"]
        constraints = [
            models.UniqueConstraint(
                fields=["appeal", "currency", "frequency", "amount"],
                name="appeal_ladder_amount_once",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="appeal_ladder_amount_positive"),
        ]

    def __str__(self):
        label = Frequency(self.frequency).label.lower() if self.frequency else ""
        if not self.currency_id:
            return label
        return f"{self.currency.money(self.amount)} {label}".strip()

    def clean(self):
        # In the admin's inline the currency is chosen in the same form: it may be missing.
        chosen = getattr(self, "currency", None)
        if chosen is None or self.amount is None:
            return
        if chosen.is_base:
            raise ValidationError(
                {
                    "currency": f"This variant's amounts in {chosen.code.upper()} (the base "
                    "currency) are the monthly, annual and one-time amounts above."
                }
            )
        errors = chosen.amount_errors(self.amount)
        if errors:
            raise ValidationError({"amount": errors})


def recurring_errors_by_currency(rows) -> list[str]:
    """Monthly donors never see a currency's smallest monthly ask: where a variant for them
    names monthly amounts in a currency (`rows`: (currency, frequency, amount)), the
    smallest must be above that currency's own smallest monthly amount."""
    from support.models.currencies import LadderAmount

    own: dict = {}
    for site_currency, frequency, amount in rows:
        if frequency == Frequency.MONTHLY and amount is not None:
            own.setdefault(site_currency, []).append(amount)
    errors = []
    for site_currency, amounts in own.items():
        ladder = LadderAmount.objects.filter(currency=site_currency, frequency=Frequency.MONTHLY)
        floor = min(ladder.values_list("amount", flat=True), default=None)
        if floor is not None and min(amounts) <= floor:
            code, money = site_currency.code.upper(), site_currency.money(floor)
            errors.append(
                f"Monthly donors never see the {money} ask: give this variant monthly amounts "
                f"in {code} above {money} (an upgrade ask)."
            )
    return errors


class AppealCount(models.Model):
    """A day's views and clicks of one variant on one story, folded from the counters the
    browser's beacons raise (support.counters). No reader, address or IP: only sums. A row
    without a variant holds the beacons dropped that day (unknown variant, over the cap)."""

    day = models.DateField()
    appeal = models.ForeignKey(
        Appeal, null=True, blank=True, on_delete=models.CASCADE, related_name="counts"
    )
    article = models.ForeignKey(
        "articles.Article", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    views = models.PositiveBigIntegerField(default=0)
    clicks = models.PositiveBigIntegerField(default=0)
    dropped = models.PositiveBigIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["appeal", "day"], name="appealcount_appeal_day")]

    def __str__(self):
        return f"{self.appeal or 'Dropped'} on {self.day}"
