"""Localization reuses what ``check`` already computed (issue 19): the expanded relations, and the errors the
budget has now for 重算汇总's plan. Either way the LOCATE findings and the plan are those computed from scratch."""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

from budget_xl.fill import TEXT_RULES, recompute_plan
from budget_xl.localize.fold import STALE, locate_findings
from budget_xl.read import read_workbook
from budget_xl.read.grid import read_grids
from budget_xl.relations import expand
from budget_xl.rules import check_budget
from budget_xl.sample import sample_budget

sys.path.insert(0, str(Path(__file__).parent))
from fill_scenarios import add_item, consistent_edit, materialize  # noqa: E402
from rulekit import cell_of, grids_with, value_at  # noqa: E402


def _as_dicts(findings):
    return [(f.rule, f.severity, f.message, f.cells, f.expected, f.actual, f.difference, f.identity, f.extra)
            for f in findings]


def test_locating_with_checks_relations_equals_locating_from_scratch():
    one, two = cell_of("T3", "2040601", "basic"), cell_of("T6", "30101", "total")
    for changes in ({one: value_at(one) + 1}, {one: value_at(one) * 10, two: value_at(two) + 0.5}):
        budget = read_grids(grids_with(changes)).budget
        findings = check_budget(budget).findings
        mine = locate_findings(budget, findings, expand(budget))
        assert any(f.rule == "LOCATE" for f in mine)
        assert _as_dicts(mine) == _as_dicts(locate_findings(budget, findings))


def test_the_plan_with_checks_errors_is_the_plan_from_scratch(tmp_path):
    base = sample_budget()
    for i, scenario in enumerate((consistent_edit(base, "2040605", Decimal("5.00")),
                                  add_item(base, "2040609", "仲裁", Decimal("2.00"), "2040608"), base)):
        materialize(scenario, tmp_path / f"{i}.xlsx")
        edited = read_workbook(tmp_path / f"{i}.xlsx").budget
        findings = check_budget(edited).findings
        errors = [f for f in findings if f.severity == "error" and not f.rule.startswith(TEXT_RULES)]
        given, fresh = recompute_plan(edited, errors_before=errors), recompute_plan(edited)
        assert (given.changes, given.held, given.errors_before, given.errors_after) == \
            (fresh.changes, fresh.held, fresh.errors_before, fresh.errors_after)
        if scenario is not base:
            assert given.changes and locate_findings(edited, findings)[0].extra["kind"] == STALE


def test_a_detail_slip_gets_the_same_plan_and_findings_from_checks_localization():
    from budget_xl.derive import graph_from
    from budget_xl.fill import held_totals
    from budget_xl.localize.adapter import localize_budget
    from budget_xl.localize.fold import stale_totals

    for key in (("T3", "2040601", "basic"), ("T2", "2040601", "fin")):
        cell = cell_of(*key)
        budget = read_grids(grids_with({cell: value_at(cell) + 3})).budget
        findings = check_budget(budget).findings
        _inputs, loc = localize_budget(budget)
        given, fresh = recompute_plan(budget, localized=loc), recompute_plan(budget)
        assert given.errors_after == fresh.errors_after > 0 and given.held == fresh.held
        assert given.changes == fresh.changes
        assert stale_totals(budget, findings, loc) == stale_totals(budget, findings) is None
        suspects = {cell: "疑错"}
        held = held_totals(budget, suspects)
        assert held and held == held_totals(budget, suspects, graph_from(expand(budget)))
        assert _as_dicts(locate_findings(budget, findings))[0][0] == "LOCATE"
