"""The rule engine: relations declared as data and validated on load, one registry of ids, blank strictly
unknown, amounts in each table's unit, unit slips found as such."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from importlib import resources
from pathlib import Path

import pytest
from rulekit import _rc, by_rule, cell_of, check, errors, sample_sheet_grids

from budget_xl.rules import registry
from budget_xl.rules.catalogue import render
from budget_xl.schema import schema_from_texts
from budget_xl.schema.declarations import LayoutError

NATIONAL = resources.files("budget_xl.schema").joinpath("profiles", "national")
LAYOUTS = NATIONAL.joinpath("layouts.toml").read_text(encoding="utf-8")
RELATIONS = NATIONAL.joinpath("relations.toml").read_text(encoding="utf-8")


def _a1(r: int, c: int) -> str:
    col, n = "", c + 1
    while n:
        n, rem = divmod(n - 1, 26)
        col = chr(65 + rem) + col
    return f"{col}{r + 1}"


def _table_amounts(sheet: str, first_col: int = 3):
    """(cell, value) of every number in the body of a sample sheet."""
    for r, row in enumerate(sample_sheet_grids()[sheet]):
        for c, v in enumerate(row):
            if r >= 5 and c >= first_col and isinstance(v, (int, float)) and not isinstance(v, bool):
                yield f"{sheet}!{_a1(r, c)}", v


def test_a_misspelt_key_in_a_layout_file_names_the_file_and_the_entry():
    typo = LAYOUTS.replace('{ total = "total", parts = ["sub", "carry"] }', '{ total = "total", prats = ["sub", "carry"] }')
    with pytest.raises(LayoutError) as e:
        schema_from_texts(typo, RELATIONS)
    msg = str(e.value)
    assert "profiles/national/layouts.toml" in msg and "（T2）" in msg and "row_sums[0].prats" in msg and "不认识的键" in msg


def test_a_relation_naming_an_undeclared_column_fails_on_load():
    typo = RELATIONS.replace('b = { table = "T5", rows = "合计", column = "basic" }',
                             'b = { table = "T5", rows = "合计", column = "basci" }')
    with pytest.raises(LayoutError) as e:
        schema_from_texts(LAYOUTS, typo)
    assert "relations.toml" in str(e.value) and "X-T6-T5" in str(e.value) and "basci" in str(e.value)


def test_a_row_sum_naming_an_undeclared_column_fails_on_load():
    typo = LAYOUTS.replace('row_sums = [{ total = "total", parts = ["person", "public"] }]',
                           'row_sums = [{ total = "total", parts = ["person", "pubic"] }]')
    with pytest.raises(LayoutError, match="pubic"):
        schema_from_texts(typo, RELATIONS)


def test_adding_a_relation_is_one_entry():
    extra = RELATIONS + '''
[[relation]]
id = "X-DEMO"
severity = "warning"
description = "演示：资产总额不超过收入总计"
kind = "at_most"
small = [{ table = "ASSET", rows = "total", column = "value" }]
big = { table = "T1", rows = "in_grand", column = "in_amount" }
'''
    schema = schema_from_texts(LAYOUTS, extra)
    assert schema.relations[-1].id == "X-DEMO" and schema.relations[-1].kind == "at_most"


def test_every_id_a_check_emits_is_registered_and_documented():
    known = registry()
    t3_leaf = cell_of("T3", "2040601", "basic")
    emitted = set()
    for changes in ({}, {t3_leaf: 1.0}, {cell_of("T2", "合计", "total"): None},
                    {cell_of("T6", "30101", "public"): 5.0}, {cell_of("T5", "2040601", "code"): "2040602"},
                    dict((c, v * 10000) for c, v in _table_amounts("收入总表")),
                    {cell_of("T9", "recep", "gen"): 0.5}, {cell_of("INFO", "year", "value"): "二四"}):
        emitted |= {f.rule for f in check(changes)}
    assert emitted - set(known) == set()
    assert {"T3-ROW-SUM", "UNIT-SLIP", "T6-ECON-COLUMN", "X-T9-T6"} <= emitted
    assert (Path(__file__).parent.parent / "docs" / "rules.md").read_text(encoding="utf-8") == render(), \
        "docs/rules.md is stale: python -m budget_xl.rules.catalogue > docs/rules.md"


def test_a_finding_is_identified_by_rule_table_row_and_column_not_by_its_wording():
    [f] = errors(check({cell_of("T3", "2040601", "total"): 999.0}), "T3-ROW-SUM")
    assert f.identity == ("T3-ROW-SUM", "T3", "2040601", "total")


def test_income_table_part_columns_blank_give_no_error_from_that_table():
    blanked = {c: None for c, _ in _table_amounts("收入总表", first_col=4)}  # only 合计 (column D) stays
    fs = check(blanked)
    assert not [f for f in errors(fs) if any(c.startswith("收入总表!") for c in f.cells)]
    notes = by_rule(fs, "C-ABSENT-COLUMN")
    assert {f.column for f in notes} >= {"sub", "carry"} and all(f.severity == "info" for f in notes)


def test_income_table_typed_ten_thousand_times_gives_one_unit_error():
    fs = check({c: v * 10000 for c, v in _table_amounts("收入总表")})
    [slip] = by_rule(fs, "UNIT-SLIP")
    assert slip.severity == "error" and "收入总表" in slip.message and "元为单位" in slip.message
    assert len([f for f in errors(fs) if f.rule != "UNIT-SLIP"]) <= 3
    assert len(slip.extra["explains"]) >= 40  # the imbalances it causes are folded under it


def test_a_yuan_table_speaks_yuan_in_its_messages():
    changes = {cell_of("INFO", "unit:T2", "value"): "元"}
    changes.update({c: round(v * 10000, 2) for c, v in _table_amounts("收入总表")})
    # the same figures in 元: every copy in 万元 is their rounding (only T2's own 尾差, now exact 元, differ)
    assert not [f for f in errors(check(changes)) if f.rule.startswith("X-")]
    leaf = cell_of("T2", "2040601", "total")
    r, c = _rc(leaf.split("!")[1])
    changes[leaf] = round(sample_sheet_grids()["收入总表"][r][c] * 10000 + 0.34, 2)
    fs = [f for f in errors(check(changes), "T2-ROW-SUM") if f.row == "2040601"]
    assert fs and "相差0.34元" in fs[0].message and fs[0].difference == Decimal("0.34") and fs[0].unit == "元"


def test_a_blank_bound_bounds_nothing_on_the_sample():
    fs = check({cell_of("T9", "recep", "gen"): None, cell_of("T9", "recep", "total"): None})
    assert not [f for f in errors(fs) if f.rule == "X-T9-T6"]


def test_the_sample_keeps_its_warnings_and_rounding_notes():
    fs = check()
    assert not errors(fs)
    counts = Counter(f.severity for f in fs)
    assert counts["warning"] == 4 and counts["info"] == 33


def test_a_workbook_typed_in_yuan_but_declared_in_wanyuan_gives_one_unit_error():
    changes = {}
    for sheet in ("收支总表", "收入总表", "支出总表", "财拨收支总表", "一般公共预算支出表", "基本支出表", "三公经费表"):
        first = 2 if sheet in ("收支总表", "财拨收支总表", "三公经费表") else 3
        changes.update({c: v * 10000 for c, v in _table_amounts(sheet, first_col=first) if isinstance(v, float)})
    fs = check(changes)
    slips = by_rule(fs, "UNIT-SLIP")
    assert len(slips) == 1 and "元为单位" in slips[0].message and "基本信息中填的是万元" in slips[0].message
