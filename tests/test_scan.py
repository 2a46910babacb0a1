"""``relations.scan`` — check's one pass over the relations — gives exactly what expanding every instance
gives: the same coverage account (counts and their order) and, in the same order, the instances that do not
plainly hold (the only ones that can give a finding)."""

from __future__ import annotations

import gc
import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rulekit import _base, cell_of, grids_with

from budget_xl.gc_pause import paused_gc
from budget_xl.model import copy_budget, empty_budget
from budget_xl.read import read_workbook
from budget_xl.read.grid import read_grids
from budget_xl.relations import _plainly_holds, coverage, expand, scan
from budget_xl.rounding import DEFAULT
from budget_xl.schema import PROFILES


def _ident(inst):
    return (inst.rule, inst.kind, inst.cells, inst.severity, inst.what, inst.why, inst.fill, inst.origin,
            inst.excess, inst.note, inst.extra, inst.total.value(), tuple(p.value() for p in inst.parts))


def assert_scan_equals_expand(budget) -> None:
    skipped: list = []
    every = expand(budget, skipped)
    scanned = scan(budget)
    assert json.dumps(scanned.coverage.to_json(), ensure_ascii=False) == \
        json.dumps(coverage(budget, every, skipped).to_json(), ensure_ascii=False)
    differing = [i for i in every if not _plainly_holds(i, DEFAULT)]
    assert [_ident(i) for i in scanned.differing] == [_ident(i) for i in differing]
    assert [_ident(i) for i in scanned.every()] == [_ident(i) for i in every]


SAMPLE_CHANGES = {
    "unchanged": {},
    "a detail changed": {cell_of("T3", "2040601", "basic"): 1.0},
    "a total blanked": {cell_of("T3", "合计", "total"): ""},
    "a detail as text": {cell_of("T5", "2040601", "total"): "一百"},
    "a copy ten thousand times off": {cell_of("T2", "2040601", "total"): 12345678.0},
}


@pytest.mark.parametrize("case", list(SAMPLE_CHANGES))
def test_scan_equals_expand_on_the_sample_and_its_defects(case):
    res = read_grids(grids_with(SAMPLE_CHANGES[case]))
    assert_scan_equals_expand(res.budget)


def test_a_defect_is_among_the_differing_instances():
    ref = cell_of("T3", "2040601", "basic")
    scanned = scan(read_grids(grids_with({ref: 1.0})).budget)
    assert any(ref.split("!")[1] in c for i in scanned.differing for c in i.cells)
    assert all(ref.split("!")[1] not in c for i in scan(read_grids(grids_with({})).budget).differing
               for c in i.cells if "T3" in c)


@pytest.mark.parametrize("profile", PROFILES)
def test_scan_equals_expand_on_every_profiles_blank_workbook(profile):
    assert_scan_equals_expand(empty_budget(profile=profile))


def test_scan_equals_expand_on_a_synthetic_department_with_rounding(tmp_path: Path):
    from budget_xl.synth import Job, make_one

    name, _ = make_one(Job(index=1, seed=5, out=str(tmp_path), template="national", errors=2, leaves=60))
    budget = read_workbook(tmp_path / name).budget
    scanned = scan(budget)
    assert scanned.differing  # 尾差 and the planted errors
    assert_scan_equals_expand(budget)


def test_the_collector_is_paused_inside_and_restored_after():
    seen = []

    @paused_gc
    def inner():
        seen.append(gc.isenabled())

    @paused_gc
    def outer():
        inner()
        seen.append(gc.isenabled())

    assert gc.isenabled()
    outer()
    assert seen == [False, False] and gc.isenabled()
    gc.disable()
    try:
        outer()
        assert not gc.isenabled()  # a collector the caller turned off stays off
    finally:
        gc.enable()


def test_the_collector_comes_back_after_an_exception():
    @paused_gc
    def boom():
        raise ValueError(Decimal(1))

    with pytest.raises(ValueError):
        boom()
    assert gc.isenabled()


# the fast loops of scan (a row sum over every row, a parent of the code tree over every column, sums, copies and
# bounds classified inline) must give what expand gives on shapes the sample does not have: a cell missing from
# some rows, a column blank on every row (not printed), figures blanked here and there, an unreadable cell, a
# table in the other unit
_KEYS = ("T1", "T2", "T3", "T4", "T5", "T6", "T9")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(("blank", "drop", "column", "invalid", "change", "unit")), st.sampled_from(_KEYS),
                          st.integers(0, 400), st.integers(0, 20)), min_size=1, max_size=6))
def test_scan_equals_expand_on_workbooks_with_cells_dropped_blanked_or_unreadable(edits):
    budget = copy_budget(_base())
    for what, key, i, j in edits:
        t = budget.tables[key]
        if not t.rows:
            continue
        row = t.rows[i % len(t.rows)]
        cols = [c.key for c in t.layout.columns if c.is_numeric]
        col = cols[j % len(cols)]
        if what == "blank":
            row.values[col] = None
        elif what == "drop":  # the row has no such cell at all
            row.values.pop(col, None)
            row.cells.pop(col, None)
        elif what == "column":  # blank on every row: a column this document does not print
            for r in t.rows:
                r.values[col] = None
        elif what == "invalid":
            row.values[col] = None
            row.invalid.add(col)
        elif what == "unit":  # the same figures in the other unit: a copy between the tables is no longer plain
            t.unit = "元" if t.unit == "万元" else "万元"
        else:
            row.values[col] = (row.amount(col) or Decimal(0)) + Decimal("0.01") * (j + 1)
    assert_scan_equals_expand(budget)


@pytest.mark.parametrize("key", _KEYS)
def test_scan_equals_expand_with_one_table_in_the_other_unit(key):
    """The same figures in 元 on one table and 万元 on the others: no copy or bound between them holds plainly."""
    budget = copy_budget(_base())
    t = budget.tables[key]
    t.unit = "元" if t.unit == "万元" else "万元"
    assert_scan_equals_expand(budget)


@pytest.mark.parametrize("key", ["T2", "T3", "T5"])
def test_scan_equals_expand_on_a_synthetic_department_with_one_table_in_the_other_unit(tmp_path: Path, key):
    """Its bounds by code (支出 ≤ 财政拨款 on every row) in two units: none of them plainly within."""
    from budget_xl.synth import Job, make_one

    name, _ = make_one(Job(index=1, seed=5, out=str(tmp_path), template="national", errors=0, leaves=60))
    budget = read_workbook(tmp_path / name).budget
    t = budget.tables[key]
    t.unit = "元" if t.unit == "万元" else "万元"
    assert_scan_equals_expand(budget)


def test_scan_equals_expand_when_one_of_several_counterparts_is_not_printed(tmp_path: Path):
    """A bound by code over three tables (X-T3-FISCAL: 财拨支出 ≥ 一般公共预算、政府性基金、国有资本经营) where one
    of them does not print a column: that counterpart adds nothing, the others are still compared."""
    from dataclasses import replace

    from budget_xl.schema import load_schema
    from budget_xl.synth import Job, make_one

    name, _ = make_one(Job(index=1, seed=5, out=str(tmp_path), template="national", errors=0, leaves=60))
    budget = read_workbook(tmp_path / name).budget
    decl = next(d for d in load_schema("national").relations if d.id == "X-T3-FISCAL" and len(d.small) == 3)
    term = decl.small[1]
    t = budget.tables[term.table]
    t.layout = replace(t.layout, not_printed=t.layout.not_printed | {term.column_keys[0]})
    assert_scan_equals_expand(budget)
