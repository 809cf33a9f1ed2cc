from django import forms


class TokenForm(forms.Form):
    token = forms.CharField(
        label="Code",
        max_length=32,
        help_text="The six digits your authenticator app shows, or one of your recovery codes.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )

    def clean_token(self):
        return "".join(self.cleaned_data["token"].split()).lower()


class ResetForm(forms.Form):
    """The colleague whose devices to remove, one of those the user may reset."""

    user = forms.ModelChoiceField(
        queryset=None,
        error_messages={
            "required": "Choose a colleague from the list.",
            "invalid_choice": "Choose a colleague from the list.",
        },
    )

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = staff
