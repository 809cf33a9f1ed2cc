from django import forms
from django.conf import settings

from readers.addresses import validate_plain_start
from support.models import Frequency
from support.money import AmountError, check_chargeable, format_money, parse_amount


def amount_problem(amount, currency: str) -> str:
    """Why a recurring gift cannot be this amount ("" when it can): the limits editors set for
    the gift's currency (the support form's own), else what Stripe can charge and, in the site's
    currency, the settings' limits."""
    from support.models import SiteCurrency

    if amount <= 0:
        return "Enter an amount above zero."
    offered = SiteCurrency.objects.filter(code=currency).first()
    if offered is not None:
        return " ".join(offered.amount_errors(amount))
    try:
        check_chargeable(amount, currency)
    except AmountError as exc:
        return str(exc)
    if currency == settings.DONATION_CURRENCY:
        low, high = settings.DONATION_MIN_AMOUNT, settings.DONATION_MAX_AMOUNT
        if amount < low:
            return f"The smallest gift we can take is {format_money(low, currency)}."
        if amount > high:
            return f"The largest gift we can take online is {format_money(high, currency)}."
    return ""


class SignInForm(forms.Form):
    email = forms.EmailField(
        label="Your email address",
        max_length=254,
        validators=[validate_plain_start],
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": "Enter the email address your receipts go to.",
            "invalid": "Enter an email address like name@example.org.",
        },
    )


class GiftChangeForm(forms.Form):
    """A recurring gift's new amount and frequency, checked in the gift's own currency."""

    amount = forms.CharField(label="Amount", max_length=20)
    frequency = forms.ChoiceField(
        label="How often",
        choices=[(Frequency.MONTHLY, "Every month"), (Frequency.ANNUAL, "Every year")],
    )

    def __init__(self, *args, currency: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.currency = currency

    def clean_amount(self):
        try:
            amount = parse_amount(self.cleaned_data["amount"])
        except AmountError as exc:
            raise forms.ValidationError(str(exc)) from exc
        problem = amount_problem(amount, self.currency)
        if problem:
            raise forms.ValidationError(problem)
        return amount


class PauseForm(forms.Form):
    months = forms.TypedChoiceField(
        label="Pause for",
        coerce=int,
        choices=[(1, "1 month"), (2, "2 months"), (3, "3 months")],
    )


class CancelForm(forms.Form):
    REASONS = [
        ("too_expensive", "I can't afford it right now"),
        ("not_reading", "I don't read you much any more"),
        ("other_cause", "I give to another cause instead"),
        ("quality", "I'm unhappy with the journalism"),
        ("service", "Something went wrong with my gift"),
        ("other", "Another reason"),
    ]
    reason = forms.ChoiceField(
        label="Why are you cancelling? (optional)",
        required=False,
        choices=REASONS,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label="Anything you would like to tell us? (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
