"""CSV exports from the admin: no cell a spreadsheet would run as a formula."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from support.admin.common import csv_cell
from support.models import Donation, Reminder
from tests.support.factories import DonationFactory, PaymentFactory

pytestmark = pytest.mark.django_db

PAYLOAD = "=cmd|'/Ccalc'!A0@example.org"


def export(client, model, pk):
    response = client.post(
        f"/admin/support/{model}/", {"action": "export_csv", "_selected_action": [pk]}
    )
    assert response["Content-Type"] == "text/csv"
    return list(csv.DictReader(io.StringIO(response.content.decode())))


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_donors_email_that_would_start_a_formula_is_exported_as_text(admin_client, start):
    donation = DonationFactory(
        email=f"{start}1+1@example.org", donor__email=f"{start}x@example.org"
    )

    (gift,) = export(admin_client, "donation", donation.pk)
    (donor,) = export(admin_client, "donor", donation.donor.pk)

    assert gift["email"] == f"'{start}1+1@example.org"
    assert donor["email"] == f"'{start}x@example.org"


def test_the_reported_payload_is_exported_as_text_and_plain_values_are_left_alone(admin_client):
    donation = DonationFactory(email=PAYLOAD, amount=Decimal("7.50"))
    payment = PaymentFactory(donation=donation, refunded_amount=Decimal("2.50"))

    (gift,) = export(admin_client, "donation", donation.pk)
    (paid,) = export(admin_client, "payment", payment.pk)

    assert gift["email"] == "'" + PAYLOAD
    assert gift["amount"] == "7.50" and gift["placement"] == "end_of_article"
    assert paid["refunded_amount"] == "2.50"


@pytest.mark.parametrize(
    "value, cell",
    [
        (Decimal("-5.00"), Decimal("-5.00")),  # a number stays a number
        (-3, -3),
        (None, ""),
        ("-2+3", "'-2+3"),
        ("a=b", "a=b"),
        (True, "True"),
    ],
)
def test_numbers_stay_numbers_and_text_that_starts_a_formula_is_quoted(value, cell):
    assert csv_cell(value) == cell


@pytest.mark.parametrize("email", [PAYLOAD, "+1@example.org", "-x@example.org"])
@pytest.mark.parametrize("form", ["give", "remind"])
def test_an_email_that_would_start_a_formula_is_refused_where_readers_type_one(client, form, email):
    data = {"frequency": "monthly", "amount": "2", "when": "week", "email": f" {email}"}

    response = client.post(reverse(f"support:{form}"), data)

    assert response.status_code == 400
    assert "An email address cannot start with" in response.content.decode()
    assert not Donation.objects.exists() and not Reminder.objects.exists()


def test_an_ordinary_address_with_those_characters_inside_is_accepted(client):
    response = client.post(
        reverse("support:remind"), {"when": "week", "email": "ann-lee+news=1@example.org"}
    )

    assert response.status_code == 200
    assert Reminder.objects.get().email == "ann-lee+news=1@example.org"
