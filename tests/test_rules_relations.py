"""Each relation on the sample with one thing changed, as a reviewer would meet it."""

from decimal import Decimal

from tests.rulekit import by_rule, cell_of, check, errors, value_at


def test_income_table_row_identity_names_all_cells():
    # 收入总表 2040605 普法宣传: 财政拨款收入 10.00 → 12.00
    fin = cell_of("T2", "2040605", "fin")
    fs = check({fin: 12.0})
    rows = [f for f in errors(fs, "T2-ROW-SUM") if "2040605" in f.message]
    assert rows and rows[0].cells == (cell_of("T2", "2040605", "sub"), fin)


def test_class_equals_sum_of_its_kuan_in_every_column():
    cell = cell_of("T3", "2040607", "project")
    fs = check({cell: 57.59 + 0.5})
    tree = errors(fs, "T3-TREE-SUM")
    assert any("20406 司法" in f.message and "项目支出" in f.message and cell in f.cells for f in tree)


def test_summary_table_class_line_is_a_copy_of_the_expenditure_table():
    fs = check({cell_of("T1", "204", "out_amount"): 3397.30})
    [x] = [f for f in errors(fs) if f.rule == "X-T1-T3"]
    assert x.cells == (cell_of("T1", "204", "out_amount"), cell_of("T3", "204", "total"))
    assert x.difference == Decimal("-0.01")


def test_fiscal_income_must_match_between_summary_tables():
    cell = cell_of("T4", "gen", "in_amount")
    fs = check({cell: 3771.48})
    assert any(f.rule == "X-T4-T1" and cell in f.cells for f in errors(fs))


def test_basic_table_total_equals_basic_spending():
    fs = check({cell_of("T6", "合计", "total"): 3060.80})
    assert any(f.rule == "X-T6-T5" for f in errors(fs))


def test_sangong_item_below_its_economic_code_is_an_error():
    fs = check({cell_of("T9", "recep", "gen"): 3.00, cell_of("T9", "recep", "total"): 3.00})  # 30217 is 3.15
    bad = [f for f in errors(fs) if f.rule == "X-T9-T6"]
    assert bad and cell_of("T6", "30217", "total") in bad[0].cells


def test_carry_over_of_fiscal_table_may_not_exceed_total_carry_over():
    carry, carry_gen = cell_of("T4", "carry", "in_amount"), cell_of("T4", "carry_gen", "in_amount")
    fs = check({carry: 400.0, carry_gen: 400.0})
    assert any(f.rule == "X-T4-T1" and carry in f.cells for f in errors(fs))


def test_projects_per_function_code():
    hotline = "13080024P00010310005F"  # 12348 热线 moved from 公共法律服务 to 律师管理
    fs = check({cell_of("PROJ", hotline, "func_code"): "2040606"})
    cells = {c for f in errors(fs, "P-FUNC") for c in f.cells}
    assert cells >= {cell_of("T3", "2040607", "project"), cell_of("T3", "2040606", "project"),
                     cell_of("PROJ", hotline, "budget")}


def test_project_funds_must_add_up():
    hotline = "13080024P00010310005F"
    fs = check({cell_of("PROJ", hotline, "fiscal"): 20.0})
    assert any(f.rule == "P-FUNDS" and f.cells[0] == cell_of("PROJ", hotline, "budget") for f in errors(fs))


def test_spending_plan_is_cumulative_and_at_most_100_percent():
    hotline, adviser = "13080024P00010310005F", "13080024P00009710005F"
    fs = check({cell_of("PROJ", hotline, "plan_03"): 0.6, cell_of("PROJ", adviser, "plan_12"): 1.2})
    msgs = [f.message for f in errors(fs, "P-PLAN")]
    assert any("6月底（50%）不应低于3月底（60%）" in m for m in msgs)
    assert any("12月底为120%" in m for m in msgs)


def test_duplicate_project_code_is_an_error():
    fs = check({cell_of("PROJ", "13080024P00009710005F", "code"): "13080024P00010310005F"})
    assert any(f.rule == "P-CODE" and "重复" in f.message for f in errors(fs))


def test_empty_table_without_note_and_note_over_figures():
    from tests.rulekit import _base

    text, cell = _base()["T7"].notes[0]
    assert "空表列示" in text and value_at(cell) == text
    fs = check({cell: ""})
    assert [f.severity for f in by_rule(fs, "C-EMPTY-NOTE")] == ["warning"]
    fs = check({"政府性基金支出表!B7": "2040601", "政府性基金支出表!C7": "行政运行", "政府性基金支出表!D7": 1.0,
                "政府性基金支出表!E7": 1.0})
    assert any(f.rule == "C-EMPTY-NOTE" and f.severity == "error" for f in fs)


def test_names_of_one_code_must_agree():
    name = cell_of("T3", "2040601", "name")
    fs = check({name: "行政运行经费"})
    [x] = by_rule(fs, "C-NAME")
    assert x.severity == "warning" and name in x.cells


def test_text_in_an_amount_cell_is_reported_on_that_cell():
    cell = cell_of("T3", "2040601", "basic")
    fs = check({cell: "九百"})
    assert any(f.rule == "READ-NOT-NUMBER" and f.cells == (cell,) for f in fs)


def test_procurement_rows_check_sme_share_and_quantity_times_price():
    row = {"政府采购!A5": "警察服装", "政府采购!C5": "服装", "政府采购!F5": 15, "政府采购!G5": 0.2,
           "政府采购!H5": 3.0, "政府采购!I5": 3.0, "政府采购!N5": 3.5}
    fs = check(row)
    assert any(f.rule == "PROC-SME" and "政府采购!N5" in f.cells for f in errors(fs))
    fs = check({**row, "政府采购!G5": 0.3, "政府采购!N5": 1.0})
    assert any(f.rule == "PROC-QTY-PRICE" for f in fs)


def test_a_wanyuan_total_of_one_yuan_addend_is_its_rounding_not_an_error():
    # 一般公共预算支出表 in 元; 2040601 = 9,673,512 元 (967.3512 万元) against 支出总表's 967.35 万元
    from budget_xl.read.grid import read_grids
    from budget_xl.rules import run_checks
    from tests.rulekit import _base, grids_with

    t5 = _base()["T5"]
    changes = {r.cell(c): float(r.amount(c) * 10000) for r in t5.rows for c in ("total", "basic", "project")
               if r.amount(c) is not None}
    changes[cell_of("T5", "2040601", "total")] = 9673512
    changes[cell_of("T5", "2040601", "basic")] = 9673512
    unit_row = _base()["INFO"].get("unit:T5").cell("value")
    changes[unit_row] = "元"
    res = read_grids(grids_with(changes))
    fs = run_checks(res.budget, res.notes)
    assert res.budget["T5"].unit == "元"
    assert not [f for f in fs if f.severity == "error" and f.rule in ("X-T3-FISCAL", "X-T4-FISCAL")]


def test_text_in_a_part_suspends_the_relation_instead_of_counting_zero():
    cell = cell_of("T6", "30101", "total")
    fs = check({cell: "685.95万元"})
    assert [f.cells for f in errors(fs) if f.rule == "READ-NOT-NUMBER"] == [(cell,)]
    assert not [f for f in errors(fs) if f.rule == "T6-TREE-SUM" and "301 工资福利支出" in f.message and "合计" in f.message]


def test_an_absurd_amount_is_refused_on_its_cell():
    cell = cell_of("T3", "2040601", "basic")
    fs = check({cell: 1e27})
    assert any(f.rule == "READ-NOT-NUMBER" and f.cells == (cell,) and "不合理" in f.message for f in fs)


def test_json_amounts_are_rounded_half_up():
    from budget_xl.findings import Finding

    f = Finding("R", "error", "m", expected=Decimal("2474.225"), difference=Decimal("-0.125"))
    assert f.to_json()["expected"] == "2474.225"  # a 元-derived figure keeps its digits
    from budget_xl.rules.base import fmt

    assert fmt(Decimal("2474.2250")) == "2474.225" and fmt(Decimal("0.125")) == "0.125"


def test_deleted_total_rows_are_errors_not_silence(sample_copy):
    import openpyxl

    from budget_xl.read import read_workbook
    from budget_xl.rules import run_checks

    wb = openpyxl.load_workbook(sample_copy)
    for sheet in ("收入总表", "支出总表", "基本支出表"):
        wb[sheet].delete_rows(6)      # the 合计 row
    wb["收支总表"].delete_rows(39)     # 收入总计 / 支出总计
    wb.save(sample_copy)
    res = read_workbook(sample_copy)
    rows = [f for f in run_checks(res.budget, res.notes) if f.rule == "C-ROWS"]
    assert {f.sheet for f in rows} == {"收入总表", "支出总表", "基本支出表", "收支总表"}
    assert all(f.severity == "error" for f in rows)
    assert any("收入总计" in f.message and "支出总计" in f.message for f in rows)


def test_a_procurement_total_line_is_checked_not_counted_as_an_item():
    rows = {"政府采购!A5": "合计", "政府采购!H5": 12.0, "政府采购!I5": 12.0, "政府采购!N5": 5.0,
            "政府采购!A6": "警察服装", "政府采购!C6": "服装", "政府采购!H6": 3.0, "政府采购!I6": 3.0,
            "政府采购!A7": "监控设备", "政府采购!C7": "摄像机", "政府采购!H7": 9.0, "政府采购!I7": 9.0,
            "政府采购!N7": 4.0}
    fs = check(rows)
    sme = [f for f in errors(fs, "PROC-TOTAL") if "政府采购!N5" in f.cells]
    assert len(sme) == 1 and sme[0].expected == Decimal("4") and sme[0].actual == Decimal("5")
    assert not [f for f in errors(fs, "PROC-TOTAL") if "政府采购!H5" in f.cells]  # 12 = 3 + 9


def test_a_project_without_function_code_is_a_warning_not_an_error_elsewhere():
    hotline = "13080024P00010310005F"  # 22.59 in 2040607 公共法律服务
    fs = check({cell_of("PROJ", hotline, "func_code"): None})
    assert not errors(fs, "P-FUNC")
    assert [f.severity for f in by_rule(fs, "P-FUNC")] == ["warning"]


def test_a_fund_column_figure_without_a_fund_table_row_is_an_error():
    cell = cell_of("T4", "213", "fund")  # 农林水支出, 政府性基金预算财政拨款 — the 基金表 is empty
    fs = check({cell: 5.0})
    assert any(f.rule == "X-T4-FISCAL" and f.cells == (cell,) for f in errors(fs))
