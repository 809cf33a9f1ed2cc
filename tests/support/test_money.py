import re
from decimal import Decimal

import pytest

from support.money import (
    THREE_DECIMAL,
    ZERO_DECIMAL,
    AmountError,
    check_chargeable,
    currency,
    describe_gift,
    format_amount,
    format_money,
    from_minor,
    parse_amount,
    to_minor,
)


@pytest.mark.parametrize(
    ("amount", "code", "units"),
    [
        ("2", "usd", 200),
        ("7.50", "eur", 750),
        ("50", "jpy", 50),
        ("10000", "krw", 10000),
        ("1.5", "bhd", 1500),
        ("12.34", "kwd", 12340),
        ("5", "isk", 500),
        ("19.99", "gbp", 1999),
    ],
)
def test_amounts_go_to_stripe_in_each_currencys_minor_units(amount, code, units):
    assert to_minor(Decimal(amount), code) == units
    assert from_minor(units, code) == Decimal(amount)


def test_every_zero_and_three_decimal_currency_of_stripes_lists_is_in_the_table():
    assert {"jpy", "krw", "vnd", "clp", "xof", "ugx"} <= set(ZERO_DECIMAL)
    assert len(ZERO_DECIMAL) == 16
    assert set(THREE_DECIMAL) == {"bhd", "jod", "kwd", "omr", "tnd"}
    for code in ZERO_DECIMAL:
        assert (currency(code).exponent, currency(code).places) == (0, 0)
        assert to_minor(Decimal("50"), code) == 50
    for code in THREE_DECIMAL:
        assert (currency(code).exponent, currency(code).step) == (3, 10)
    assert currency("USD") == currency("usd")  # codes in either case


@pytest.mark.parametrize(
    ("amount", "code"),
    [("7.50", "jpy"), ("0.5", "krw"), ("1.505", "bhd"), ("5.50", "isk"), ("0.001", "usd")],
)
def test_an_amount_the_currency_cannot_carry_is_refused_never_rounded(amount, code):
    with pytest.raises(AmountError):
        to_minor(Decimal(amount), code)


def test_stripes_minimum_charge_is_refused_in_the_currencys_own_terms():
    with pytest.raises(AmountError, match="The smallest gift we can take in yen is ¥50."):
        check_chargeable(Decimal("49"), "jpy")
    with pytest.raises(AmountError, match=r"in pounds is £0\.30"):
        check_chargeable(Decimal("0.29"), "gbp")
    with pytest.raises(AmountError, match="whole numbers"):
        check_chargeable(Decimal("60.5"), "jpy")
    check_chargeable(Decimal("50"), "jpy")
    check_chargeable(Decimal("0.30"), "gbp")
    check_chargeable(Decimal("0.10"), "bhd")  # not in Stripe's table: Stripe itself decides
    assert currency("huf").minimum == Decimal("175.00")


@pytest.mark.parametrize(
    ("amount", "code", "written"),
    [
        ("10000", "usd", "$10,000.00"),
        ("7.5", "eur", "€7.50"),
        ("50", "jpy", "¥50"),
        ("1.5", "bhd", "BHD 1.500"),
        ("1234567", "krw", "₩1,234,567"),
        ("0.710000000000001", "usd", "$0.71"),
        ("2.675", "gbp", "£2.68"),  # half up, not to even
        ("49.5", "jpy", "¥50"),
        ("5", "isk", "ISK 5"),
        ("12", "cad", "CAD 12.00"),
        ("-2", "usd", "-$2.00"),
    ],
)
def test_amounts_are_written_with_the_currencys_symbol_and_places(amount, code, written):
    assert format_money(Decimal(amount), code) == written


def test_gifts_are_described_the_way_donors_read_them(settings):
    assert describe_gift(Decimal("2.00"), "monthly") == "$2 every month"
    assert describe_gift(Decimal("7.50"), "annual") == "$7.50 every year"
    assert describe_gift(Decimal("25"), "once") == "$25 once"
    assert describe_gift(Decimal("500"), "monthly", "jpy") == "¥500 every month"
    assert format_amount(Decimal("10000")) == "$10,000"
    settings.DONATION_CURRENCY = "eur"
    assert format_amount(Decimal("7.5")) == "€7.50"


def test_a_very_long_number_is_read_exactly_and_left_to_the_limits():
    from support.money import parse_amount

    assert parse_amount("9" * 29) == Decimal("9" * 29 + ".00")


@pytest.mark.parametrize(
    ("typed", "code", "amount"),
    [
        ("2.500", "bhd", "2.5"),
        ("2,500", "kwd", "2.5"),
        ("1.000", "bhd", "1"),
        ("12.75", "bhd", "12.75"),
    ],
)
def test_a_three_decimal_currency_reads_three_decimals_as_its_donors_write_them(
    typed, code, amount
):
    assert parse_amount(typed, code) == Decimal(amount)


@pytest.mark.parametrize(
    ("typed", "code", "message"),
    [
        ("2.0001", "eur", "Enter the amount in euros, like 7.50."),
        ("500.", "jpy", "Enter a whole amount in yen, like 500."),
        ("2.0001", "usd", "Enter the amount in dollars and cents, like 7.50."),
    ],
)
def test_an_amount_that_cannot_be_read_is_explained_in_the_currencys_terms(typed, code, message):
    with pytest.raises(AmountError, match=re.escape(message)):
        parse_amount(typed, code)
