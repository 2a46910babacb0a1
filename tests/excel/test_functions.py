"""ROLLUP / WANYUAN / ZENGJIAN / DAXIE: the pure functions, and the desktop wrappers around them."""

from decimal import Decimal

import pytest

from budget_xl.excel import functions_core as core
from budget_xl.excel import udfs
from budget_xl.excel.functions_core import ERROR_PREFIX, cell_result


def column(grid, col, first=5):
    """One column of a sheet from its first data row, as Excel passes a range (rows of one cell)."""
    return [[row[col] if col < len(row) else ""] for row in grid[first:]]


@pytest.mark.parametrize("yuan, wan", [(12345, 1.23), (12250, 1.23), (12249.99, 1.22), (-12250, -1.23),
                                       ("12,250", 1.23), (41482300, 4148.23), (0.5, 0.0)])
def test_wanyuan_rounds_half_up_to_two_decimals(yuan, wan):
    assert cell_result(core.wanyuan, yuan) == wan


def test_wanyuan_uses_decimal_half_up_where_float_rounding_goes_wrong():
    # float: 10050/10000 is 1.00499999…, and round() rounds half to even (0.125 → 0.12)
    assert (round(10050 / 10000, 2), round(1250 / 10000, 2)) == (1.0, 0.12)
    assert (core.wanyuan(10050.0), core.wanyuan(1250)) == (Decimal("1.01"), Decimal("0.13"))


def test_wanyuan_of_a_blank_cell_is_blank_and_of_text_a_chinese_error():
    assert cell_result(core.wanyuan, None) == ""
    assert cell_result(core.wanyuan, "—") == ""
    assert cell_result(core.wanyuan, "一万") == f"{ERROR_PREFIX}金额“一万”不是数字。"
    assert cell_result(core.wanyuan, [[1], [2]]) == f"{ERROR_PREFIX}金额应为一个单元格，而不是 2 个单元格的区域。"


@pytest.mark.parametrize("this, last, text", [
    (4148.23, 4000, "增加148.23万元"),
    (3060.9, 3100.25, "减少39.35万元"),
    (348.81, 348.81, "持平"),
    (8, 10.005, "减少2.01万元"),        # between the printed figures: 10.005 prints as 10.01
    (1.004, 1.001, "持平"),
])
def test_zengjian_words_the_change_between_printed_figures(this, last, text):
    assert cell_result(core.zengjian, this, last) == text


def test_zengjian_says_nothing_when_last_year_is_unknown():
    assert cell_result(core.zengjian, 10, None) == ""
    assert cell_result(core.zengjian, "x", 1) == f"{ERROR_PREFIX}本年数“x”不是数字。"


@pytest.mark.parametrize("amount, unit, text", [
    (4148.23, None, "肆仟壹佰肆拾捌元贰角叁分"),
    (4148.23, "元", "肆仟壹佰肆拾捌元贰角叁分"),
    (4148.23, "万元", "肆仟壹佰肆拾捌万贰仟叁佰元整"),
    (100, None, "壹佰元整"),
    (10.05, None, "壹拾元零伍分"),
    (1.005, None, "壹元零壹分"),           # rounded half up first; cn2an alone would cut to 壹元整
])
def test_daxie_writes_renminbi_in_capitals(amount, unit, text):
    assert cell_result(core.daxie, amount, unit) == text


def test_daxie_refuses_an_unknown_unit_in_chinese():
    assert cell_result(core.daxie, 1, "美元") == f"{ERROR_PREFIX}单位“美元”应为“元”或“万元”。"


def test_rollup_sums_the_direct_children_of_a_lei_and_a_kuan(grids):
    t2 = grids["收入总表"]
    codes, total, subtotal = column(t2, 1), column(t2, 3), column(t2, 4)
    assert cell_result(core.rollup, codes, total, "204") == 3397.31           # 20406 + 20408
    assert cell_result(core.rollup, codes, total, 20406) == 1365.88           # ten 项, code as a number
    assert cell_result(core.rollup, codes, subtotal, "20406") == 1362.27      # 2040699 blank: left out


def test_rollup_gives_the_exact_sum_where_the_printed_total_differs_by_rounding(grids):
    t6 = grids["基本支出表"]
    codes, amounts = column(t6, 1), column(t6, 3)
    assert [r[3] for r in t6 if r[1] == "301"] == [2474.1]   # as printed
    result = cell_result(core.rollup, codes, amounts, "301")  # 经济分类: 301 → 301xx
    assert result == 2474.12 and Decimal(repr(result)) == Decimal("2474.12")


def test_rollup_explains_wrong_arguments_in_chinese(grids):
    t2 = grids["收入总表"]
    codes, total = column(t2, 1), column(t2, 3)
    assert cell_result(core.rollup, codes, total, "2040601") == (
        f"{ERROR_PREFIX}“2040601”是项级科目，ROLLUP 只汇总类（3位）或款（5位）科目的下级。")
    assert cell_result(core.rollup, codes, total[:-1], "204").startswith(
        f"{ERROR_PREFIX}科目编码区域有 {len(codes)} 个单元格，金额区域有 {len(codes) - 1} 个")
    assert cell_result(core.rollup, codes, total, "999") == f"{ERROR_PREFIX}所选区域中没有“999”的下级科目（5位编码）。"
    assert cell_result(core.rollup, codes, total, "司法") == f"{ERROR_PREFIX}科目编码“司法”应为 3 位或 5 位数字。"
    bad = [r[:] for r in total]
    bad[codes.index(["20408"])] = ["两千"]
    assert cell_result(core.rollup, codes, bad, "204") == f"{ERROR_PREFIX}科目 20408 的金额“两千”不是数字。"


def test_no_function_lets_a_python_error_reach_the_cell():
    assert cell_result(core.rollup, None, None, None).startswith(ERROR_PREFIX)
    assert cell_result(core.daxie, 10 ** 20) == f"{ERROR_PREFIX}金额太大，无法计算。"
    assert cell_result(lambda: 1 / 0) == f"{ERROR_PREFIX}无法计算（ZeroDivisionError）。"


def test_desktop_functions_answer_like_the_core(grids):
    t2 = grids["收入总表"]
    assert udfs.WANYUAN(12250) == 1.23
    assert udfs.ZENGJIAN(4148.23, 4000) == "增加148.23万元"
    assert udfs.DAXIE(4148.23) == "肆仟壹佰肆拾捌元贰角叁分"
    assert udfs.ROLLUP(column(t2, 1), column(t2, 3), "204") == 3397.31
    assert udfs.WANYUAN("abc") == f"{ERROR_PREFIX}金额“abc”不是数字。"
    assert udfs.ROLLUP.__doc__ == core.DOCS["rollup"]
