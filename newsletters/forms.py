from django import forms

from newsletters.models import Newsletter
from readers.addresses import validate_deliverable, validate_plain_start


class SignupForm(forms.Form):
    email = forms.EmailField(
        max_length=254, validators=[validate_plain_start, validate_deliverable]
    )
    newsletter = forms.ModelMultipleChoiceField(
        queryset=Newsletter.objects.filter(accepting_signups=True),
        to_field_name="slug",
        error_messages={
            "required": "Choose at least one newsletter.",
            "invalid_choice": "That newsletter does not take sign-ups now; choose another.",
            "invalid_pk_value": "That newsletter does not take sign-ups now; choose another.",
        },
    )
