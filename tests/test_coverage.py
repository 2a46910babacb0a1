"""Relations only where the template prints them, and an account of coverage: how many relation instances were
checked, how many do not apply to this template or document, how many a blank left unchecked (issue 16.4)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from rulekit import _rc, by_rule, cell_of, check, grids_with, sample_sheet_grids

from budget_xl import relations
from budget_xl.model import Budget, Row, Table, empty_budget
from budget_xl.read.grid import read_grids
from budget_xl.relations import Coverage, check_relations, coverage, expand
from budget_xl.rules import NOTHING_CHECKED, check_budget
from budget_xl.schema import schema_from_texts
from budget_xl.schema.declarations import LayoutError
from tests.conftest import run_cli

# ---------------------------------------------------------------- a tiny template, inline
TINY_LAYOUTS = '''
func_classes = [["201", "一般公共服务支出"]]

[[sheet]]
key = "A"
sheet = "支出总表"
title = "支出总表"
kind = "coded"
code_system = "func"
not_printed = ["oper"]          # 经营支出: other templates print it, this one does not
columns = [
  { key = "code", header = ["科目编码"], type = "code" },
  { key = "name", header = ["科目名称"], type = "label" },
  { key = "total", header = ["合计"], type = "amount" },
  { key = "basic", header = ["基本支出"], type = "amount" },
  { key = "project", header = ["项目支出"], type = "amount" },
  { key = "reserve", header = ["单位预留机动经费"], type = "amount" },
]
row_sums = [{ total = "total", parts = ["basic", "project", "reserve", "oper"] }]

[[sheet]]
key = "B"
sheet = "一般公共预算支出表"
title = "一般公共预算支出表"
kind = "coded"
code_system = "func"
columns = [
  { key = "code", header = ["科目编码"], type = "code" },
  { key = "name", header = ["科目名称"], type = "label" },
  { key = "total", header = ["合计"], type = "amount" },
]
'''

TINY_RELATIONS = '''
[[relation]]
id = "X-A-B"
severity = "error"
description = "支出总表与一般公共预算支出表逐行一致"
kind = "copy"
a = { table = "A", rows = "coded", column = "total" }
b = { table = "B", rows = "coded", column = "total" }
missing = "error"

[[relation]]
id = "X-A-OPER"
severity = "error"
description = "经营支出合计与一般公共预算支出表合计一致（本模板不列示经营支出：不适用）"
kind = "copy"
a = { table = "A", rows = "合计", column = "oper" }
b = { table = "B", rows = "合计", column = "total" }
'''


@pytest.fixture
def tiny(monkeypatch):
    """The tiny template in place of the profile's (relations.expand reads the relations from it)."""
    schema = schema_from_texts(TINY_LAYOUTS, TINY_RELATIONS)
    monkeypatch.setattr(relations, "load_schema", lambda profile="national": schema)
    return schema


def _d(v):
    return None if v is None else Decimal(str(v))


def _table(layout, rows: dict[str, dict]) -> Table:
    t = Table(layout=layout, unit="万元")
    for key, values in rows.items():
        vals = {c: _d(v) for c, v in values.items()}
        if key != "合计":
            vals["code"] = key
        t.rows.append(Row(key, vals, cells={c: f"{layout.sheet}!{key}{c}" for c in values}))
    t.reindex()
    return t


def _budget(schema, a: dict, b: dict) -> Budget:
    return Budget(tables={"A": _table(schema["A"], a), "B": _table(schema["B"], b)})


A_ROWS = {
    "合计": {"total": 10, "basic": 9, "project": 0, "reserve": 1},
    "201": {"total": 10, "basic": 9, "project": 0, "reserve": 1},
    "20101": {"total": 10, "basic": 9, "project": None, "reserve": 1},
}


def _account(budget) -> tuple[Coverage, list]:
    skipped: list = []
    instances = expand(budget, skipped)
    return coverage(budget, instances, skipped), check_relations(budget, instances=instances)


def test_counts_on_a_tiny_model_are_the_ones_counted_by_hand(tiny):
    b = _budget(tiny, A_ROWS, {"合计": {"total": 10}, "201": {"total": 10}, "20101": {"total": 10}})
    cov, found = _account(b)
    # A-ROW-SUM: 3 rows, each 合计 = 基本 + 项目 + 预留 (经营 not printed: no part)            3 checked
    # A-TREE-SUM: 合计 = 201 and 201 = 20101, in 4 columns; 201 项目 0 over a blank 20101 项目:  7 checked, 1 blank
    # B-TREE-SUM: the same two parents in 1 column                                            2 checked
    # X-A-B: 合计, 201, 20101                                                                  3 checked
    # X-A-OPER: names 经营支出, which this template does not print                             1 not applicable
    assert (cov.checked, cov.not_applicable, cov.not_checkable) == (15, 1, 1)
    assert cov.by_rule["A-TREE-SUM"] == {"checked": 7, "not_applicable": 0, "not_checkable": 1}
    assert cov.by_rule["X-A-OPER"] == {"checked": 0, "not_applicable": 1, "not_checkable": 0}
    assert cov.by_table["A"]["checked"] == 13 and cov.by_table["B"]["checked"] == 2
    assert found == []
    assert cov.line() == "检查关系 15 处，不适用 1 处，因空白未能检查 1 处"


def test_a_row_sum_takes_the_templates_extra_part_column(tiny):
    rows = {k: dict(v) for k, v in A_ROWS.items()}
    rows["201"]["reserve"] = 2  # 合计 10 ≠ 9 + 0 + 2: the third 支出用途 is part of the sum
    cov, found = _account(_budget(tiny, rows, {"合计": {"total": 10}, "201": {"total": 10}, "20101": {"total": 10}}))
    bad = [f for f in found if f.rule == "A-ROW-SUM" and f.severity == "error"]
    assert [f.row for f in bad] == ["201"] and "单位预留机动经费" in bad[0].message
    assert "支出总表!201reserve" in bad[0].cells


def test_a_table_printed_with_its_total_only_makes_its_rows_by_code_not_applicable(tiny):
    cov, found = _account(_budget(tiny, A_ROWS, {"合计": {"total": 10}}))
    assert found == []  # no “一般公共预算支出表中没有科目201” for rows the table does not print
    # X-A-B: 合计 checked, 201 and 20101 not applicable; B's 合计 = Σ类 not applicable (no class printed)
    assert cov.by_rule["X-A-B"] == {"checked": 1, "not_applicable": 2, "not_checkable": 0}
    assert cov.by_rule["B-TREE-SUM"] == {"checked": 0, "not_applicable": 1, "not_checkable": 0}


def test_a_row_really_missing_from_a_table_with_rows_is_still_an_error(tiny):
    cov, found = _account(_budget(tiny, A_ROWS, {"合计": {"total": 10}, "201": {"total": 10}}))
    [missing] = [f for f in found if f.rule == "X-A-B"]
    assert missing.severity == "error" and "没有科目20101" in missing.message
    assert cov.by_rule["X-A-B"]["not_applicable"] == 0


def test_not_printed_names_may_not_also_be_declared():
    with pytest.raises(LayoutError, match="not_printed"):
        schema_from_texts(TINY_LAYOUTS.replace('not_printed = ["oper"]', 'not_printed = ["reserve"]'), TINY_RELATIONS)
    with pytest.raises(LayoutError, match="opr"):  # a typo is still a typo
        schema_from_texts(TINY_LAYOUTS, TINY_RELATIONS.replace('column = "oper"', 'column = "opr"'))


# ---------------------------------------------------------------- the sample, and the sample printed the Jiangsu way
def _without_t3_rows_by_code() -> dict:
    """The sample with its 支出总表 printed as Jiangsu prints it: the 合计 line only."""
    grids = dict(sample_sheet_grids())
    grids["支出总表"] = [r for r in grids["支出总表"]
                      if not (len(r) > 1 and isinstance(r[1], str) and r[1].strip().isdigit())]
    return grids


def test_expenditure_table_with_only_its_total_gives_no_per_code_errors():
    res = read_grids(_without_t3_rows_by_code())
    out = check_budget(res.budget, res.notes)
    assert not [f for f in out.findings if f.severity == "error"]
    assert not [f for f in out.findings if f.rule in ("X-T3-FISCAL", "X-T2-T3", "X-T1-T3", "P-FUNC")]
    # the 合计 line is still compared (3 columns); the 34 rows by code of T5 are not applicable, not errors
    fiscal = out.coverage.by_rule["X-T3-FISCAL"]
    assert fiscal["checked"] == 3 and fiscal["not_applicable"] == 72 and fiscal["not_checkable"] == 0
    assert out.coverage.by_rule["X-T2-T3"] == {"checked": 1, "not_applicable": 34, "not_checkable": 0}


def test_the_total_line_of_a_totals_only_table_is_still_checked():
    grids = _without_t3_rows_by_code()
    res = read_grids(grids)
    total = res.budget["T3"].total_row.cell("basic")
    r, c = _rc(total.split("!")[1])
    grids["支出总表"] = [list(x) for x in grids["支出总表"]]
    grids["支出总表"][r][c] = 3060.00  # 3060.90 in 一般公共预算支出表
    res = read_grids(grids)
    errs = [f for f in check_budget(res.budget, res.notes).findings if f.severity == "error"]
    assert any(f.rule == "X-T3-FISCAL" and total in f.cells for f in errs)


SAMPLE = {"checked": 466, "not_applicable": 207, "not_checkable": 0}  # measured on the sample (承德市司法局 2024)


def test_the_samples_coverage_is_stable_and_plausible():
    b = read_grids(sample_sheet_grids()).budget
    skipped: list = []
    instances = expand(b, skipped)
    cov = coverage(b, instances, skipped)
    assert {k: cov.to_json()[k] for k in SAMPLE} == SAMPLE
    # every instance is counted once, in exactly one of the three
    assert cov.checked + cov.not_applicable + cov.not_checkable == len(instances) + len(skipped)
    # by hand: 支出总表, 收入总表 and 一般公共预算支出表 have 35 rows each with a 合计 figure
    # (合计 + 34 codes), so each row sum is checked 35 times, and so is 收入总表 ↔ 支出总表 row by row
    for rule in ("T3-ROW-SUM", "T5-ROW-SUM", "X-T2-T3"):
        assert cov.by_rule[rule]["checked"] == 35
    # 支出总表 = 一般公共预算 + 基金 + 国资: 35 rows × 3 columns, each either compared or a blank cell on both sides
    fiscal = cov.by_rule["X-T3-FISCAL"]
    assert fiscal["checked"] + fiscal["not_applicable"] == 105 and fiscal["checked"] >= 35
    # the sample's empty tables (基金, 国资) are printed as 空表: nothing there applies, nothing there is blank
    assert cov.by_table["T7"] == {"checked": 0, "not_applicable": 1, "not_checkable": 0}
    assert 35 * 5 <= cov.checked <= len(instances)


def test_a_blanked_figure_is_counted_as_not_checkable():
    fs_before = check_budget(read_grids(sample_sheet_grids()).budget).coverage
    res = read_grids(grids_with({cell_of("T4", "gen", "in_amount"): None}))
    after = check_budget(res.budget, res.notes).coverage
    assert after.by_rule["X-T4-T1"]["not_checkable"] == fs_before.by_rule["X-T4-T1"]["not_checkable"] + 1
    assert after.checked < fs_before.checked and after.not_checkable >= 1


def test_an_empty_workbook_says_nothing_was_checked():
    out = check_budget(empty_budget())
    assert out.coverage.checked == 0
    [f] = by_rule(out.findings, NOTHING_CHECKED)
    assert f.severity == "warning" and "检查关系 0 处" in f.message and "不表示通过" in f.message


def test_the_sample_is_not_told_it_checked_nothing():
    assert not by_rule(check(), NOTHING_CHECKED)


# ---------------------------------------------------------------- where the counts are said
def test_check_json_and_summary_line_carry_the_counts(sample_file):
    r = run_cli("check", sample_file, "--json")
    data = json.loads(r.stdout)
    assert {k: data["coverage"][k] for k in SAMPLE} == SAMPLE
    assert data["coverage"]["by_table"]["T3"]["checked"] > 0 and "X-T3-FISCAL" in data["coverage"]["by_rule"]
    r = run_cli("check", sample_file)
    assert "检查关系 466 处，不适用 207 处，因空白未能检查 0 处" in r.stdout.splitlines()[0]


def test_a_blank_workbook_says_so_on_its_summary_line(blank_file):
    r = run_cli("check", blank_file)
    first = r.stdout.splitlines()[0]
    assert "检查关系 0 处" in first and "没有核对任何关系" in first


def test_the_result_sheet_title_says_the_coverage():
    from budget_xl.marking.plan import plan_marks

    plan = plan_marks([], coverage=Coverage(12, 3, 4))
    assert plan.title.endswith("错误 0 条，警告 0 条，提示 0 条；检查关系 12 处，不适用 3 处，因空白未能检查 4 处")
    nothing = plan_marks([], coverage=Coverage(0, 3, 4))
    assert "没有核对任何关系" in nothing.title


def test_a_batch_result_carries_the_counts(sample_file):
    from budget_xl.batch import work
    from budget_xl.batch.report import status

    res = work.check_file(str(sample_file))
    assert {k: res.coverage[k] for k in SAMPLE} == SAMPLE and res.to_json()["coverage"]["checked"] == 466
    res.coverage = {"checked": 0, "not_applicable": 5, "not_checkable": 0}
    res.findings = [f for f in res.findings if f["severity"] != "error"]
    assert status(res) == "未核对"
