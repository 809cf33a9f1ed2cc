from django import forms

from readers.addresses import validate_plain_start


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
