from decimal import Decimal

from support.money import describe_gift, format_amount, from_cents, to_cents


def test_amounts_convert_between_decimal_and_cents_exactly():
    assert to_cents(Decimal("2")) == 200
    assert to_cents(Decimal("7.50")) == 750
    assert from_cents(1999) == Decimal("19.99")


def test_gifts_are_described_the_way_donors_read_them():
    assert describe_gift(Decimal("2.00"), "monthly") == "$2 every month"
    assert describe_gift(Decimal("7.50"), "annual") == "$7.50 every year"
    assert describe_gift(Decimal("25"), "once") == "$25 once"
    assert format_amount(Decimal("10000")) == "$10,000"


def test_a_very_long_number_is_read_exactly_and_left_to_the_limits():
    from support.money import parse_amount

    assert parse_amount("9" * 29) == Decimal("9" * 29 + ".00")
