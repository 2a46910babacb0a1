"""The rounding model on small, hand-computed cases."""

from decimal import Decimal as D

from budget_xl.findings import ERROR, INFO, WARNING
from budget_xl.rules.base import Fig, check_copy, check_sum

W = D("0.005")


def f(v, cell="S!A1", slack=W):
    return Fig(value=None if v is None else D(v), cell=cell, label=cell, slack=slack)


def test_exact_sum_is_silent():
    assert check_sum("R", f("3.00"), [f("1.00", "S!A2"), f("2.00", "S!A3")], "x") == []


def test_one_cent_over_two_addends_is_rounding_info():
    [x] = check_sum("R", f("4148.23"), [f("3060.90", "S!A2"), f("1087.32", "S!A3")], "x")
    assert x.severity == INFO and x.difference == D("0.01") and x.cells == ("S!A1", "S!A2", "S!A3")


def test_envelope_grows_with_the_number_of_addends():
    ten = [f("247.41", f"S!B{i}") for i in range(10)]  # Σ = 2474.10
    assert check_sum("R", f("2474.12"), ten, "x")[0].severity == INFO      # 0.02 ≤ 11 × 0.005
    assert check_sum("R", f("2474.16"), ten, "x")[0].severity == ERROR     # 0.06 > 0.055
    two = [f("1.00", "S!A2"), f("2.00", "S!A3")]
    assert check_sum("R", f("3.02"), two, "x")[0].severity == ERROR       # 0.02 > 0.015


def test_a_total_of_one_addend_is_a_copy_and_must_be_identical():
    [x] = check_sum("R", f("3.61"), [f("3.62", "S!A2"), f(None, "S!A3")], "x")
    assert x.severity == ERROR and x.difference == D("-0.01")


def test_blank_total_with_parts_is_unknown_not_zero():
    [x] = check_sum("R", f(None), [f("1.00", "S!A2"), f("2.00", "S!A3")], "x")
    assert x.severity == WARNING and x.expected == D("3.00")
    assert check_sum("R", f(None), [f(None, "S!A2")], "x") == []


def test_copies_must_be_identical_even_by_one_cent():
    [x] = check_copy("R", f("3771.58"), f("3771.59", "T!B2"))
    assert x.severity == ERROR and x.cells == ("S!A1", "T!B2")


def test_yuan_copy_matches_its_wanyuan_rounding():
    yuan = Fig(value=D("37715849") / 10000, cell="Y!A1", label="y", slack=D(0))  # 37,715,849 元
    assert check_copy("R", yuan, f("3771.58")) == []
    assert check_copy("R", yuan, f("3771.59"))[0].severity == ERROR


def test_a_total_summed_from_rounded_parts_may_differ_from_its_copy_within_their_shares():
    summed = f("3060.92", slack=D("0.15"))  # 30 rounded items added up
    assert check_copy("R", summed, f("3060.90", "T!B2"))[0].severity == INFO
    assert check_copy("R", summed, f("3061.90", "T!B2"))[0].severity == ERROR
