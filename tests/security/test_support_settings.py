"""Editors' fundraising numbers: nonsense is a form error, and the database refuses it too."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.forms.models import model_to_dict

from support.models import SupportSettings

pytestmark = pytest.mark.django_db

CHANGE = "/admin/support/supportsettings/1/change/"


def save(client, **changes):
    row = SupportSettings.load()
    data = {k: "" if v is None else v for k, v in model_to_dict(row).items() if k != "id"}
    return client.post(CHANGE, {**data, **changes})


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("monthly_goal", "-5", "greater than or equal to 1"),
        ("monthly_goal", "0", "greater than or equal to 1"),
        ("default_amount", "-2", "The smallest gift we can take is $2."),
        ("default_amount", "0", "The smallest gift we can take is $2."),
        ("default_amount", "20000", "The largest gift we can take online is $10,000."),
        ("banner_max_views", "0", "greater than or equal to 1"),
        ("banner_max_views", "-1", "greater than or equal to 0"),
        ("banner_window_days", "0", "greater than or equal to 1"),
        ("banner_window_days", "9999", "less than or equal to 365"),
    ],
)
def test_an_editor_saving_a_number_out_of_range_gets_a_form_error(
    admin_client, field, value, message
):
    before = model_to_dict(SupportSettings.load())

    response = save(admin_client, **{field: value})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert model_to_dict(SupportSettings.load()) == before


def test_sensible_numbers_are_saved(admin_client):
    response = save(admin_client, monthly_goal="2500", default_amount="10", banner_max_views="3")

    assert response.status_code == 302
    row = SupportSettings.load()
    assert (row.monthly_goal, row.default_amount, row.banner_max_views) == (
        Decimal("2500"),
        Decimal("10"),
        3,
    )


@pytest.mark.parametrize(
    "changes",
    [
        {"monthly_goal": Decimal("-5")},
        {"monthly_goal": Decimal("0")},
        {"default_amount": Decimal("0")},
        {"banner_max_views": 0},
        {"banner_window_days": 0},
    ],
)
def test_the_database_refuses_what_the_form_would(changes):
    SupportSettings.load()

    with pytest.raises(IntegrityError), transaction.atomic():
        SupportSettings.objects.update(**changes)
