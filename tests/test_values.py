"""How single cells are read: blanks stay unknown, text numbers are read and flagged."""

from decimal import Decimal

import pytest

from budget_xl.read.values import parse_code, parse_number


@pytest.mark.parametrize("raw", [None, "", "-", "—", "——", " - "])
def test_blank_and_dash_are_unknown_not_zero(raw):
    p = parse_number(raw)
    assert p.value is None and p.how == "blank"


@pytest.mark.parametrize("raw, expected", [
    ("1,234.50", Decimal("1234.50")),
    ("１２３．４５", Decimal("123.45")),
    (" 3771.58 ", Decimal("3771.58")),
    ("(1.00)", Decimal("-1.00")),
    ("１，２３４．５０", Decimal("1234.50")),
])
def test_numbers_stored_as_text_are_read_and_marked(raw, expected):
    p = parse_number(raw)
    assert p.value == expected and p.how == "text-number"


def test_float_noise_from_excel_arithmetic_is_removed():
    assert parse_number(0.1 + 0.2).value == Decimal("0.3")
    assert parse_number(4148.23).value == Decimal("4148.23")


def test_text_that_is_not_a_number_is_bad():
    assert parse_number("约100").how == "bad"
    assert parse_number("20%").how == "bad"  # a percent sign in an amount cell is a mistake


@pytest.mark.parametrize("raw, expected", [(0.2, Decimal(20)), ("20%", Decimal(20)), (50, Decimal(50)),
                                           (1, Decimal(100)), (0.755, Decimal("75.5"))])
def test_percentages_come_back_in_points(raw, expected):
    assert parse_number(raw, percent=True).value == expected


@pytest.mark.parametrize("raw, expected", [(204.0, "204"), (2040601, "2040601"), ("301 02", "30102"),
                                           ("２０４", "204"), ("13080024P00010310005F", "13080024P00010310005F")])
def test_codes_are_text_without_spaces(raw, expected):
    assert parse_code(raw) == expected
