from datetime import timedelta
from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils.http import url_has_allowed_host_and_scheme

from readers.addresses import validate_deliverable, validate_plain_start
from support.models import Frequency, Placement
from support.money import AmountError, check_chargeable, format_money, parse_amount

OTHER = "other"


class OriginForm(forms.Form):
    """Where the reader came from: the appeal placement, the article and the page."""

    placement = forms.CharField(required=False, widget=forms.HiddenInput)
    article = forms.CharField(required=False, widget=forms.HiddenInput)
    next = forms.CharField(required=False, widget=forms.HiddenInput)
    variant = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        data["placement"] = (
            data.get("placement") if data.get("placement") in Placement.values else ""
        )
        next_url = data.get("next") or ""
        safe = (
            next_url.startswith("/")
            and url_has_allowed_host_and_scheme(next_url, allowed_hosts=None)
            # A draft's preview link is a credential: it never travels to Stripe.
            and not next_url.startswith("/preview/")
        )
        data["next"] = next_url if safe else ""
        return data

    @staticmethod
    def origin_from(query, *, placement: str = "") -> dict[str, str]:
        """Initial values of the origin fields, taken from a link's query string."""
        origin = {"placement": query.get("placement", placement)}
        origin |= {name: query.get(name, "") for name in ("article", "next", "variant")}
        return {name: value[:200] for name, value in origin.items()}

    def article_id(self) -> int | None:
        return _id(self.cleaned_data.get("article") or "")

    def variant_id(self) -> int | None:
        return _id(self.cleaned_data.get("variant") or "")


def _id(value: str) -> int | None:
    # isdigit() alone accepts "²", which int() refuses.
    return int(value) if value.isascii() and value.isdigit() and len(value) < 12 else None


class GiveForm(OriginForm):
    frequency = forms.ChoiceField(
        choices=Frequency.choices, widget=forms.RadioSelect, initial=Frequency.MONTHLY
    )
    amount = forms.ChoiceField(widget=forms.RadioSelect, label="Amount", required=False)
    custom_amount = forms.CharField(
        required=False,
        max_length=30,
        label="Other amount",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    cover_fees = forms.BooleanField(
        required=False, widget=forms.CheckboxInput(attrs={"aria-describedby": "cover-fees-hint"})
    )
    email = forms.EmailField(
        required=False,
        max_length=254,
        label="Email (optional, for your receipt)",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        validators=[validate_plain_start],
    )
    # The currency the page was drawn in (support.currencies): the view reads it first.
    currency = forms.CharField(required=False, max_length=3, widget=forms.HiddenInput)

    def __init__(self, *args, presets=None, impacts=None, offer=None, **kwargs):
        """offer: what one currency offers (support.currencies.Offer); or, in its place,
        presets (the amounts per frequency; a list offers the same for every one) in the
        base currency within the settings' limits."""
        from support.currencies import Offer

        super().__init__(*args, **kwargs)
        if offer is None:
            if not isinstance(presets, dict):
                presets = dict.fromkeys(Frequency.values, presets or [])
            offer = Offer(
                code=settings.DONATION_CURRENCY,
                presets=presets,
                impacts=impacts or {},
                smallest=Decimal(settings.DONATION_MIN_AMOUNT),
                largest=Decimal(settings.DONATION_MAX_AMOUNT),
            )
        self.offer = offer
        self.code = offer.code
        self.presets = {f: offer.presets.get(f, []) for f in Frequency.values}
        self.impacts = offer.impacts
        self.fields["currency"].initial = self.code
        # One radio group named "amount": the same value may sit under several frequencies.
        # "f": Decimal("10").normalize() alone prints as "1E+1".
        values = {f"{p.normalize():f}": self.money(p) for ps in self.presets.values() for p in ps}
        self.fields["amount"].choices = [*values.items(), (OTHER, "Other amount")]
        self.fields["cover_fees"].label = self.fee_label()

    def money(self, amount: Decimal) -> str:
        return format_money(amount, self.code, short=True)

    def fee_label(self) -> str:
        """ "Add $0.36 to cover fees", for the amount the form opens with (a script redraws
        it as the reader changes the amount; the server counts it again on submit)."""
        if not (self.offer.fee_percent or self.offer.fee_fixed):
            return ""
        amount = self._chosen_amount()
        if amount is None:
            return "Add about the payment fee to my gift"
        return f"Add {format_money(self.offer.fee_for(amount), self.code)} to cover fees"

    def fee_hint(self) -> str:
        percent = f"{self.offer.fee_percent.normalize():f}%"
        fixed = format_money(self.offer.fee_fixed, self.code) if self.offer.fee_fixed else ""
        formula = f"{percent} + {fixed}" if fixed else percent
        return (
            f"Approximate: {formula} of the gift. The fee depends on the payment method you "
            "choose at checkout."
        )

    def _chosen_amount(self) -> Decimal | None:
        try:
            typed = str(self["custom_amount"].value() or "").strip()
            return parse_amount(typed or str(self["amount"].value() or ""), self.code)
        except AmountError:
            return None

    def amount_groups(self) -> list[dict]:
        """The amount tiles of each frequency, with the one to show as chosen."""
        frequency = str(self["frequency"].value() or "")
        chosen = str(self["amount"].value() or "")
        groups = []
        for value, label in Frequency.choices:
            tiles = [
                {
                    "id": f"id_amount_{value}_{n}",
                    "value": f"{amount.normalize():f}",
                    "label": self.money(amount),
                    "impact": self.impacts.get((value, amount), ""),
                    "checked": frequency == value and chosen == f"{amount.normalize():f}",
                }
                for n, amount in enumerate(self.presets[value])
            ]
            groups.append({"frequency": value, "label": label, "tiles": tiles})
        return groups

    def clean(self):
        data = super().clean()
        typed = data.get("custom_amount", "")
        choice = data.get("amount")
        frequency = data.get("frequency")
        if typed.strip():
            # A typed amount wins: readers type without ticking "Other amount" first.
            data["amount_value"] = self._valid_amount(typed, field="custom_amount")
        elif choice == OTHER:
            self.add_error("custom_amount", "Enter an amount.")
        elif choice and frequency and not self._offered(choice, frequency):
            label = Frequency(frequency).label.lower()
            self.add_error("amount", f"Choose one of the {label} amounts, or type an amount.")
        elif choice:
            data["amount_value"] = self._valid_amount(choice, field="amount")
        elif "amount" not in self.errors:
            self.add_error("amount", "Choose an amount or type one.")
        amount = data.get("amount_value")
        data["fee_covered"] = (
            self.offer.fee_for(amount) if amount is not None and data.get("cover_fees") else None
        )
        return data

    def _offered(self, choice: str, frequency: str) -> bool:
        return any(f"{p.normalize():f}" == choice for p in self.presets[frequency])

    def _valid_amount(self, raw: str, *, field: str) -> Decimal | None:
        try:
            amount = parse_amount(raw, self.code)
        except AmountError as exc:
            self.add_error(field, str(exc))
            return None
        if amount < self.offer.smallest:
            self.add_error(
                field, f"The smallest gift we can take is {self.money(self.offer.smallest)}."
            )
            return None
        if amount > self.offer.largest:
            self.add_error(
                field, f"The largest gift we can take online is {self.money(self.offer.largest)}."
            )
            return None
        try:
            # Whole yen, steps of ten fils, Stripe's minimum: said in the form's currency.
            check_chargeable(amount, self.code)
        except AmountError as exc:
            self.add_error(field, str(exc))
            return None
        return amount


class RemindForm(OriginForm):
    WHEN_CHOICES = [("week", "In a week"), ("month", "Next month"), ("date", "On a date I pick")]

    when = forms.ChoiceField(choices=WHEN_CHOICES, widget=forms.RadioSelect, initial="month")
    on_date = forms.DateField(
        required=False,
        label="Date",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter a date like 2026-12-26."},
    )
    email = forms.EmailField(
        required=False,
        max_length=254,
        label="Email (optional)",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        validators=[validate_plain_start, validate_deliverable],
    )

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean(self):
        from support.appeals import default_snooze_dates

        data = super().clean()
        when = data.get("when")
        if when in ("week", "month"):
            data["due_on"] = default_snooze_dates(self.today)[when]
        elif when == "date":
            picked = data.get("on_date")
            if picked is None and "on_date" not in self.errors:
                self.add_error("on_date", "Pick the date you want to be reminded.")
            elif picked is not None and picked <= self.today:
                self.add_error("on_date", "Pick a date in the future.")
            elif picked is not None and picked > self.today + timedelta(days=365):
                self.add_error("on_date", "Pick a date within a year.")
            elif picked is not None:
                data["due_on"] = picked
        return data
