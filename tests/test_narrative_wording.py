"""Year-over-year wording and amount formatting: values computed by hand (or read off the seed)."""

from decimal import Decimal

import pytest

from budget_xl.narrative.amounts import Amount, cell_amount
from budget_xl.narrative.marks import change, change_pct, wan
from budget_xl.narrative.wording import Change, additivity_notes, ordinal


def amount(text, unit="万元", ref="表!A1"):
    return cell_amount(ref, "amount", Decimal(text), unit, "测试")


def chg(cur, prev, label="测试"):
    return Change(label, amount(cur, ref="表!A1"), None if prev is None else amount(prev, ref="表!A2"))


def test_a_decrease_is_spelled_out_as_减少_with_two_decimals():
    assert change(chg("4148.23", "4150.58")) == "减少2.35万元"  # seed: 较2023年预算减少2.35万元


def test_an_increase_reads_增加_and_its_growth_rate():
    # 公用经费 348.81 against 343.07: 5.74 / 343.07 = 1.673 %
    assert change_pct(chg("348.81", "343.07")) == "增加5.74万元，增长1.67%"


def test_a_fall_reads_下降():
    # 三公 14.55 against 14.58: 0.03 / 14.58 = 0.206 %
    assert change_pct(chg("14.55", "14.58")) == "减少0.03万元，下降0.21%"


def test_no_change_reads_持平():
    c = chg("11.40", "11.40")
    assert c.zero and change(c) == "持平" and change_pct(c) == "持平"


def test_no_growth_rate_when_last_year_was_zero():
    assert change_pct(chg("3.00", "0")) == "增加3.00万元"


def test_the_difference_is_taken_between_the_printed_figures():
    # 1.004 and 0.996 both print as 1.00: the text must not claim a change of 0.01
    assert change(chg("1.004", "0.996")) == "持平"
    assert change(chg("1.005", "0.994")) == "增加0.02万元"  # printed 1.01 and 0.99


def test_rounding_is_half_up_never_bankers():
    assert wan(amount("0.125")) == "0.13万元"  # banker's rounding would print 0.12
    assert wan(amount("1.005")) == "1.01万元"
    assert wan(amount("2.665")) == "2.67万元"


def test_a_blank_cell_prints_as_zero_with_two_decimals():
    blank = cell_amount("表!A1", "amount", None, "万元", "空白")
    assert blank.value is None and wan(blank) == "0.00万元"


def test_tables_in_yuan_are_turned_into_wan():
    assert wan(amount("41482300", unit="元")) == "4148.23万元"
    assert wan(amount("1250", unit="元")) == "0.13万元"  # 0.125 万元, 四舍五入


def test_an_unknown_last_year_cannot_be_compared():
    c = chg("3.15", None)
    assert not c.known
    with pytest.raises(ValueError, match="上年数未知"):
        change(c)


def test_the_growth_rate_is_traced_to_both_figures():
    pct = chg("348.81", "343.07").pct
    assert pct.cells == ("表!A1", "表!A2")
    assert pct.value.quantize(Decimal("0.0001")) == Decimal("1.6731")


def test_a_breakdown_that_does_not_add_up_is_reported():
    changes = {"total": chg("100.01", "90.00", "收支总计"), "basic": chg("60.00", "55.00", "基本支出"),
               "project": chg("40.00", "35.00", "项目支出")}
    notes = additivity_notes(changes, "“上年数”工作表")
    assert len(notes) == 1
    assert "收支总计增加10.01万元" in notes[0] and "增加10.00万元" in notes[0] and "相差0.01万元" in notes[0]


def test_a_breakdown_that_adds_up_is_not_reported():
    changes = {"total": chg("100.00", "90.00"), "basic": chg("60.00", "55.00"), "project": chg("40.00", "35.00")}
    assert additivity_notes(changes, "上年数") == []


def test_amounts_add_only_to_amounts():
    a, b = amount("1.10"), amount("2.20", ref="表!A2")
    assert (a + b).value == Decimal("3.30") and (a + b).cells == ("表!A1", "表!A2")
    with pytest.raises(TypeError):
        a + 1


def test_chinese_ordinals_for_section_numbers():
    assert [ordinal(n) for n in (1, 9, 10, 11, 12)] == ["一", "九", "十", "十一", "十二"]


def test_an_amount_outside_a_render_is_printed_plainly():
    assert str(Amount(Decimal("2712.09"), ("cell", "表!A1", "x", "万元"))) == "2712.09万元"
