from decimal import Decimal, InvalidOperation

from django import forms
from django.conf import settings
from django.utils.http import url_has_allowed_host_and_scheme

from support.models import Frequency, Placement
from support.money import format_amount

OTHER = "other"


class GiveForm(forms.Form):
    frequency = forms.ChoiceField(
        choices=Frequency.choices, widget=forms.RadioSelect, initial=Frequency.MONTHLY
    )
    amount = forms.ChoiceField(widget=forms.RadioSelect, label="Amount")
    custom_amount = forms.CharField(
        required=False,
        label="Other amount",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    email = forms.EmailField(
        required=False,
        label="Email (optional, for your receipt)",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    placement = forms.CharField(required=False, widget=forms.HiddenInput)
    article = forms.CharField(required=False, widget=forms.HiddenInput)
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, presets: list[Decimal], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(str(p.normalize()), format_amount(p)) for p in presets]
        self.fields["amount"].choices = [*choices, (OTHER, "Other amount")]

    def clean(self):
        data = super().clean()
        choice = data.get("amount")
        if choice is None:
            return data
        raw = data.get("custom_amount", "").strip().lstrip("$") if choice == OTHER else choice
        data["amount_value"] = self._valid_amount(raw, custom=choice == OTHER)
        data["placement"] = (
            data.get("placement") if data.get("placement") in Placement.values else ""
        )
        next_url = data.get("next") or ""
        safe = next_url.startswith("/") and url_has_allowed_host_and_scheme(
            next_url, allowed_hosts=None
        )
        data["next"] = next_url if safe else ""
        return data

    def _valid_amount(self, raw: str, *, custom: bool) -> Decimal | None:
        field = "custom_amount" if custom else "amount"
        if not raw:
            self.add_error(field, "Enter an amount.")
            return None
        try:
            amount = Decimal(raw.replace(",", ""))
            whole_cents = amount.is_finite() and amount == amount.quantize(Decimal("0.01"))
        except InvalidOperation:
            self.add_error(field, "Enter the amount as a number, like 15 or 7.50.")
            return None
        if not whole_cents:
            self.add_error(field, "Enter the amount in dollars and cents, like 7.50.")
            return None
        low, high = settings.DONATION_MIN_AMOUNT, settings.DONATION_MAX_AMOUNT
        if amount < low:
            self.add_error(field, f"The smallest gift we can take is {format_amount(low)}.")
            return None
        if amount > high:
            self.add_error(field, f"The largest gift we can take online is {format_amount(high)}.")
            return None
        return amount.quantize(Decimal("0.01"))

    def article_id(self) -> int | None:
        value = self.cleaned_data.get("article") or ""
        return int(value) if value.isdigit() and len(value) < 12 else None
