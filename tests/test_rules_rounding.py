"""The rounding model on small, hand-computed cases (values held in 元; 万元 figures carry 50 元 each)."""

from decimal import Decimal as D

from budget_xl.findings import ERROR, INFO, WARNING
from budget_xl.rounding import Tolerances, keeps_printed_total, own_share
from budget_xl.rules.base import Fig, check_at_most, check_copy, check_sum

W = own_share("万元")  # 50 元: half of 0.01 万元


def f(v, cell="S!A1", share=W, unit="万元", inherited=False):
    value = None if v is None else (D(v) * 10000 if unit == "万元" else D(v))
    return Fig(value=value, cell=cell, named=cell, share=share, unit=unit, inherited=inherited)


def test_exact_sum_is_silent():
    assert check_sum("R", f("3.00"), [f("1.00", "S!A2"), f("2.00", "S!A3")], "x") == []


def test_one_cent_over_two_addends_is_rounding_info_shown_in_wanyuan():
    [x] = check_sum("R", f("4148.23"), [f("3060.90", "S!A2"), f("1087.32", "S!A3")], "x")
    assert x.severity == INFO and x.difference == D("0.01") and x.cells == ("S!A1", "S!A2", "S!A3")
    assert "相差0.01万元" in x.message and x.unit == "万元"


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


def test_a_total_whose_parts_are_all_blank_is_not_compared_with_zero():
    assert check_sum("R", f("4148.23"), [f(None, "S!A2"), f(None, "S!A3")], "x") == []


def test_a_blank_bound_bounds_nothing():
    assert check_at_most("R", f("18.50"), f(None, "T!B2")) == []
    assert check_at_most("R", f("18.50"), f("10.00", "T!B2"))[0].severity == ERROR


def test_a_copy_with_one_side_blank_is_a_warning_not_an_error():
    [x] = check_copy("R", f("3771.58"), f(None, "T!B2"))
    assert x.severity == WARNING


def test_copies_must_be_identical_even_by_one_cent():
    [x] = check_copy("R", f("3771.58"), f("3771.59", "T!B2"))
    assert x.severity == ERROR and x.cells == ("S!A1", "T!B2")


def test_yuan_copy_matches_its_wanyuan_rounding():
    yuan = f("37715849", "Y!A1", share=D(0), unit="元")  # 37,715,849 元
    assert check_copy("R", yuan, f("3771.58")) == []
    assert check_copy("R", yuan, f("3771.59"))[0].severity == ERROR


def test_yuan_tables_are_exact_and_messages_speak_yuan():
    [x] = check_sum("R", f("91016775.35", unit="元", share=D(0)),
                    [f("91016775.00", "S!A2", unit="元", share=D(0)), f("0.01", "S!A3", unit="元", share=D(0))], "x")
    assert x.severity == ERROR and "相差0.34元" in x.message and x.difference == D("0.34") and x.unit == "元"


def test_a_total_summed_from_rounded_parts_may_differ_from_its_copy_within_their_shares():
    summed = f("3060.92", share=D(1500), inherited=True)  # 30 rounded items added up: 30 × 50 元
    assert check_copy("R", summed, f("3060.90", "T!B2"))[0].severity == INFO
    assert check_copy("R", summed, f("3061.90", "T!B2"))[0].severity == ERROR


def test_fill_keeps_a_printed_total_within_its_envelope():
    assert keeps_printed_total(D("4148.23"), D("4148.22"), 2, "万元")      # 0.01 ≤ 3 × 0.005
    assert not keeps_printed_total(D("4148.23"), D("4148.20"), 2, "万元")  # 0.03 > 0.015
    assert not keeps_printed_total(D("100.01"), D("100.00"), 2, "元")      # 元 is exact


def test_tolerances_are_an_argument_not_an_attribute():
    tol = Tolerances(inherited={"S!A1": D(150)})
    assert tol.share("S!A1", "万元") == D(150) and tol.share("S!A2", "万元") == W and tol.is_inherited("S!A1", "万元")
