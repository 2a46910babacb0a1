"""A single figure in the wrong unit is located as that cell; UNIT-SLIP only when a whole table is off (issue 16,
deliverable 6)."""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

from budget_xl.localize.fold import LOCATE, locate_findings
from budget_xl.read.grid import read_grids
from budget_xl.rules import run_checks

sys.path.insert(0, str(Path(__file__).parent))
from rulekit import _base, by_rule, cell_of, grids_with, value_at, yuan_t5_budget  # noqa: E402


def _located(changes):
    res = read_grids(grids_with(changes))
    return locate_findings(res.budget, run_checks(res.budget, res.notes))


def _whole_table(key: str, factor: float) -> dict:
    t = _base()[key]
    return {r.cell(c): float(r.amount(c)) * factor for r in t.rows for c in t.layout.amount_columns
            if r.amount(c) is not None and r.cell(c)}


def test_one_figure_typed_in_yuan_into_a_wanyuan_table_is_located_at_its_cell():
    # 支出总表 合计 4148.23 typed as 41,482,300: over 1000亿元 "by the declared unit", yet the only such figure
    for key in (("T3", "合计", "total"), ("T6", "合计", "total"), ("T6", "301", "total"), ("T3", "2040601", "basic")):
        cell = cell_of(*key)
        found = _located({cell: value_at(cell) * 10000})
        assert not by_rule(found, "UNIT-SLIP"), key
        [loc] = [f for f in found if f.rule == LOCATE]
        assert loc.cells == (cell,) and "疑为按元填入" in loc.message, loc.message
        assert loc.expected == _base()[key[0]].get(key[1]).amount(key[2])


def test_one_figure_typed_in_wanyuan_into_a_yuan_table_is_located_at_its_cell():
    b = yuan_t5_budget({"2010101": ("120000", "35000"), "2010102": ("80000", "0"), "2050101": ("300000", "45000"),
                        "2050102": ("210000", "0")})
    b["T5"].get("2050102").values["basic"] = Decimal("21")  # 210,000 元 typed as 21 (万元)
    found = locate_findings(b, run_checks(b))
    assert not by_rule(found, "UNIT-SLIP")
    [loc] = [f for f in found if f.rule == LOCATE and f.severity == "error"]
    assert loc.row == "2050102" and loc.column == "basic" and loc.expected == Decimal("210000")
    assert "疑为按万元填入" in loc.message, loc.message


def test_a_whole_table_typed_in_yuan_is_still_one_unit_slip():
    for key, sheet in (("T6", "基本支出表"), ("T3", "支出总表"), ("T5", "一般公共预算支出表")):
        found = _located(_whole_table(key, 10000))
        [slip] = by_rule(found, "UNIT-SLIP")
        assert sheet in slip.message and "元为单位" in slip.message
        assert not [f for f in found if f.rule == LOCATE and f.severity == "error"], key
