"""A variant's own amounts in the other currencies the site offers: shown to a reader giving
in that currency where the variant names them, that currency's own ladder otherwise."""

import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from support.models import AppealLadderAmount, SiteCurrency
from tests.support.test_appeal_variants import second_variant, variant_form

pytestmark = pytest.mark.django_db


def offered(page: str, frequency: str) -> list[str]:
    """The amounts of one frequency's tiles, in order."""
    group = page.split(f'class="amounts amounts-{frequency}"')[1].split("</fieldset>")[0]
    return [part.split('"')[0] for part in group.split('name="amount" value="')[1:]]


def checked(page: str) -> str:
    """The amount chosen when the page opens."""
    return re.search(r'name="amount" value="([^"]+)" id="[^"]*" checked', page)[1]


def in_euros(appeal, frequency, *amounts):
    eur = SiteCurrency.objects.get(code="eur")
    for position, amount in enumerate(amounts):
        AppealLadderAmount.objects.create(
            appeal=appeal, currency=eur, frequency=frequency, amount=amount, position=position
        )


def give_page(client, variant, currency) -> str:
    response = client.get(reverse("support:give"), {"variant": variant.pk, "currency": currency})
    assert response.status_code == 200
    return response.content.decode()


def test_a_reader_giving_in_euros_sees_the_variant_s_own_euro_monthly_amounts(client):
    b = second_variant(monthly_amounts="7.50, 15, 30", default_amount=Decimal("15"))
    in_euros(b, "monthly", 7, 15, 28)

    page = give_page(client, b, "eur")

    assert offered(page, "monthly") == ["7", "15", "28"]
    assert "€28" in page
    # Frequencies it names none for keep the euro's own ladder.
    assert offered(page, "annual") == ["25", "50", "100", "250"]
    assert checked(page) == "15"  # its default: one of the amounts offered in euros
    # In dollars its own amounts are still the fields'.
    assert offered(give_page(client, b, "usd"), "monthly") == ["7.5", "15", "30"]


def test_without_euro_amounts_the_euro_s_own_ladder_shows_and_a_default_not_offered_is_not_chosen(
    client,
):
    b = second_variant(monthly_amounts="7.50, 15, 30", default_amount=Decimal("15"))

    page = give_page(client, b, "eur")

    assert offered(page, "monthly") == ["2", "5", "10", "25"]
    assert "€7.50" not in page
    assert checked(page) == "2"  # $15 is no euro tile: the first one is chosen


def test_a_variant_s_euro_amounts_apply_only_in_euros(client):
    b = second_variant()
    in_euros(b, "monthly", 7, 14)

    pounds = give_page(client, b, "gbp")

    assert offered(pounds, "monthly") == ["2", "5", "10", "25"]


def test_a_gift_in_euros_through_a_variant_takes_its_own_euro_amount(client, stripe_server):
    from support.models import Donation

    b = second_variant()
    in_euros(b, "monthly", 7, 14)
    data = {"frequency": "monthly", "amount": "7", "currency": "eur", "variant": b.pk}

    response = client.post(reverse("support:give"), data)

    assert response.status_code == 303
    donation = Donation.objects.get()
    assert (donation.amount, donation.currency, donation.appeal) == (Decimal("7"), "eur", b)


def with_rows(data: dict, *rows) -> dict:
    """The appeal form's data with rows of its "amounts in other currencies" inline."""
    data = dict(data) | {
        "currency_amounts-TOTAL_FORMS": str(len(rows)),
        "currency_amounts-INITIAL_FORMS": "0",
    }
    for i, (code, frequency, amount) in enumerate(rows):
        data |= {
            f"currency_amounts-{i}-currency": SiteCurrency.objects.get(code=code).pk,
            f"currency_amounts-{i}-frequency": frequency,
            f"currency_amounts-{i}-amount": amount,
            f"currency_amounts-{i}-position": str(i),
        }
    return data


def test_an_editor_sets_a_variant_s_euro_amounts_in_its_admin(admin_client):
    b = second_variant()
    url = reverse("admin:support_appeal_change", args=[b.pk])

    response = admin_client.post(
        url, with_rows(variant_form(b), ("eur", "monthly", "7"), ("eur", "monthly", "14"))
    )

    assert response.status_code == 302
    assert sorted(b.currency_amounts.values_list("amount", flat=True)) == [7, 14]
    assert "amounts in other currencies" in admin_client.get(url).content.decode().lower()


def test_amounts_a_currency_cannot_take_are_form_errors_and_nothing_is_saved(admin_client):
    SiteCurrency.objects.create(code="jpy", position=9, smallest_gift=300, largest_gift=10**6)
    b = second_variant()
    url = reverse("admin:support_appeal_change", args=[b.pk])

    response = admin_client.post(
        url,
        with_rows(
            variant_form(b),
            ("eur", "monthly", "1.50"),
            ("jpy", "monthly", "750.50"),
            ("usd", "monthly", "10"),
        ),
    )

    text = response.content.decode()
    assert response.status_code == 200
    assert "The smallest gift we can take is €2" in text
    assert "amounts in yen are whole numbers" in text
    assert "Select a valid choice" in text  # dollars: the variant's fields above
    assert not AppealLadderAmount.objects.exists()


def test_a_variant_s_amounts_in_the_base_currency_are_its_fields_not_rows():
    b = second_variant()
    row = AppealLadderAmount(
        appeal=b, currency=SiteCurrency.objects.get(code="usd"), frequency="monthly", amount=10
    )

    with pytest.raises(ValidationError) as refused:
        row.full_clean()

    assert "are the monthly, annual and one-time amounts above" in str(refused.value)


def test_a_variant_for_monthly_donors_keeps_its_upgrade_ask_in_each_currency(admin_client):
    b = second_variant()
    url = reverse("admin:support_appeal_change", args=[b.pk])
    upgrade = variant_form(
        b, donor_states=["recurring"], monthly_amounts="10, 25", default_frequency="monthly"
    )

    refused = admin_client.post(
        url, with_rows(upgrade, ("eur", "monthly", "2"), ("eur", "monthly", "10"))
    )
    accepted = admin_client.post(
        url, with_rows(upgrade, ("eur", "monthly", "10"), ("eur", "monthly", "25"))
    )

    assert refused.status_code == 200
    assert "Monthly donors never see the €2 ask" in refused.content.decode()
    assert accepted.status_code == 302
    assert sorted(b.currency_amounts.values_list("amount", flat=True)) == [10, 25]
