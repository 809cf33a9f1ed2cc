from decimal import Decimal

import pytest

from support.forms import GiveForm

PRESETS = [Decimal("2"), Decimal("5"), Decimal("10"), Decimal("25")]


def give_form(**data):
    return GiveForm({"frequency": "monthly", "amount": "2", **data}, presets=PRESETS)


def test_the_default_two_dollar_monthly_gift_is_valid():
    form = give_form()

    assert form.is_valid(), form.errors
    assert form.cleaned_data["amount_value"] == Decimal("2.00")
    assert form.cleaned_data["frequency"] == "monthly"


def test_a_custom_amount_is_taken_from_the_other_field():
    form = give_form(amount="other", custom_amount="$7.50")

    assert form.is_valid(), form.errors
    assert form.cleaned_data["amount_value"] == Decimal("7.50")


@pytest.mark.parametrize(
    ("custom", "message"),
    [
        ("1.99", "The smallest gift we can take is $2."),
        ("10000.01", "The largest gift we can take online is $10,000."),
        ("ten", "Enter the amount as a number"),
        ("1e999", "Enter the amount as a number"),
        ("NaN", "Enter the amount as a number"),
        ("1,000.5,0", "Enter the amount as a number"),
        ("2,abc,5", "Enter the amount as a number"),
        ("7.505", "Type 7505 without a dot"),
        ("-5", "Enter the amount as a number"),
        ("2.001", "Type 2001 without a dot, or cents like 7.50."),
        ("2.0001", "Enter the amount in dollars and cents"),
    ],
)
def test_a_bad_custom_amount_is_refused_with_a_clear_message(custom, message):
    form = give_form(amount="other", custom_amount=custom)

    assert not form.is_valid()
    assert message in " ".join(form.errors["custom_amount"])


def test_an_amount_that_is_not_offered_is_refused():
    form = give_form(amount="3")

    assert not form.is_valid()
    assert "amount" in form.errors


def test_an_unknown_frequency_is_refused():
    form = give_form(frequency="weekly")

    assert not form.is_valid()
    assert "frequency" in form.errors


def test_unknown_placements_and_offsite_return_urls_are_dropped():
    form = give_form(placement="<script>", next="https://evil.example/")

    assert form.is_valid()
    assert form.cleaned_data["placement"] == ""
    assert form.cleaned_data["next"] == ""


def test_a_local_return_url_and_known_placement_are_kept():
    form = give_form(placement="end_of_article", next="/2024/06/12/story/")

    assert form.is_valid()
    assert form.cleaned_data["placement"] == "end_of_article"
    assert form.cleaned_data["next"] == "/2024/06/12/story/"


def test_other_amount_chosen_but_left_empty_asks_for_an_amount():
    form = give_form(amount="other", custom_amount="  ")

    assert not form.is_valid()
    assert form.errors["custom_amount"] == ["Enter an amount."]


def test_a_typed_amount_wins_without_ticking_other_amount():
    form = give_form(amount="2", custom_amount="50")

    assert form.is_valid(), form.errors
    assert form.cleaned_data["amount_value"] == Decimal("50.00")


def test_a_typed_amount_is_enough_when_no_amount_is_ticked():
    form = GiveForm({"frequency": "monthly", "custom_amount": "12"}, presets=PRESETS)

    assert form.is_valid(), form.errors
    assert form.cleaned_data["amount_value"] == Decimal("12.00")


def test_no_amount_at_all_is_a_form_error():
    form = GiveForm({"frequency": "monthly"}, presets=PRESETS)

    assert not form.is_valid()
    assert form.errors["amount"] == ["Choose an amount or type one."]


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("7,50", "7.50"),
        ("2,50", "2.50"),
        ("7.50", "7.50"),
        ("$ 7,5", "7.50"),
        ("1,000", "1000.00"),
        ("1.000,50", "1000.50"),
        ("1 000", "1000.00"),
        ("20 USD", "20.00"),
    ],
)
def test_amounts_are_read_as_people_type_them(typed, amount):
    form = give_form(amount="other", custom_amount=typed)

    assert form.is_valid(), form.errors
    assert form.cleaned_data["amount_value"] == Decimal(amount)


BY_FREQUENCY = {
    "monthly": [Decimal("2"), Decimal("5")],
    "annual": [Decimal("25"), Decimal("50")],
    "once": [Decimal("10")],
}


@pytest.mark.parametrize(
    ("frequency", "amount", "valid"),
    [("monthly", "2", True), ("annual", "2", False), ("annual", "50", True), ("once", "5", False)],
)
def test_a_preset_is_only_accepted_for_the_frequency_that_offers_it(frequency, amount, valid):
    form = GiveForm({"frequency": frequency, "amount": amount}, presets=BY_FREQUENCY)

    assert form.is_valid() is valid
    if not valid:
        label = {"annual": "annual", "once": "one-time"}[frequency]
        assert form.errors["amount"] == [f"Choose one of the {label} amounts, or type an amount."]


def test_a_typed_amount_is_accepted_for_any_frequency():
    form = GiveForm(
        {"frequency": "annual", "amount": "2", "custom_amount": "12"}, presets=BY_FREQUENCY
    )

    assert form.is_valid(), form.errors
    assert form.cleaned_data["amount_value"] == Decimal("12.00")


def test_a_drafts_preview_link_is_never_kept_as_the_page_to_return_to():
    form = give_form(next="/preview/1:abc:def/")

    assert form.is_valid(), form.errors
    assert form.cleaned_data["next"] == ""
