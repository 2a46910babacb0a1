"""Error localization (issue 10): which cell to fix, on tiny abstract relations and on the sample."""

import random
from decimal import Decimal

import pytest

from budget_xl.localize import CellMeta, Constraint, localize
from budget_xl.localize.adapter import constraints_from_budget, localize_budget
from budget_xl.localize.fold import LOCATE, fold, locate_findings, suspects_for_fill
from budget_xl.localize.plant import KINDS, among_candidates, named_first, plant, run_plants
from budget_xl.rules import run_checks
from budget_xl.sample import sample_budget

D = Decimal


def grid_problem(values):
    """A 2×2 table of details with row totals (column C), column totals (row 3) and a grand total C3."""
    cons = [
        Constraint("r1", "ROW", {"s!A1": 1, "s!B1": 1, "s!C1": -1}, tol=D(0)),
        Constraint("r2", "ROW", {"s!A2": 1, "s!B2": 1, "s!C2": -1}, tol=D(0)),
        Constraint("cA", "COL", {"s!A1": 1, "s!A2": 1, "s!A3": -1}, tol=D(0)),
        Constraint("cB", "COL", {"s!B1": 1, "s!B2": 1, "s!B3": -1}, tol=D(0)),
        Constraint("cC", "COL", {"s!C1": 1, "s!C2": 1, "s!C3": -1}, tol=D(0)),
        Constraint("r3", "ROW", {"s!A3": 1, "s!B3": 1, "s!C3": -1}, tol=D(0)),
    ]
    meta = {f"s!{c}{r}": CellMeta("s", r, " ABC".index(c), f"{c}{r}", "元", total=(c == "C" or r == 3))
            for c in "ABC" for r in (1, 2, 3)}
    weights = {c: 1.5 if m.total else 1.0 for c, m in meta.items()}
    vals = {f"s!{k}": D(v) for k, v in values.items()}
    return cons, vals, weights, meta


CLEAN = {"A1": "12.34", "B1": "56.78", "C1": "69.12", "A2": "10.00", "B2": "20.00", "C2": "30.00",
         "A3": "22.34", "B3": "76.78", "C3": "99.12"}


def test_consistent_values_need_no_change():
    assert localize(*grid_problem(CLEAN)).groups == ()


def test_transposed_digits_in_a_detail_are_named_with_the_right_value():
    loc = localize(*grid_problem({**CLEAN, "A1": "21.34"}))
    (group,) = loc.groups
    assert group.unique and set(group.violated) == {"r1", "cA"}
    (change,) = group.best.changes
    assert (change.cell, change.new, change.kind) == ("s!A1", D("12.34"), "两位数字颠倒")


def test_a_wrong_total_is_named_when_only_it_explains_both_relations():
    (group,) = localize(*grid_problem({**CLEAN, "C3": "-99.12"})).groups
    (change,) = group.best.changes
    assert (change.cell, change.new, change.kind) == ("s!C3", D("99.12"), "正负号")


def test_swapped_neighbours_are_a_pair():
    (group,) = localize(*grid_problem({**CLEAN, "A2": "20.00", "B2": "10.00"})).groups
    assert group.unique and sorted(c.cell for c in group.best.changes) == ["s!A2", "s!B2"]
    assert {c.kind for c in group.best.changes} == {"相邻两格数字互换"}


def test_two_errors_sharing_a_relation_are_peeled_one_at_a_time():
    # A1 and B2 both wrong by amounts no slip explains; each alone explains its row and column
    groups = localize(*grid_problem({**CLEAN, "A1": "15.00", "B2": "23.45"})).groups
    assert [(g.best.changes[0].cell, g.best.changes[0].new) for g in groups] == [("s!A1", D("12.34")),
                                                                                   ("s!B2", D("20.00"))]


def test_errors_cancelling_in_their_row_fall_to_the_general_solver():
    # +5 on A1 and −5 on B1: the row still adds up, no single change helps: the MILP finds {A1, B1}
    (group,) = localize(*grid_problem({**CLEAN, "A1": "17.34", "B1": "51.78"})).groups
    assert group.best.source == "milp" and group.unique
    assert {c.cell: c.new for c in group.best.changes} == {"s!A1": D("12.34"), "s!B1": D("56.78")}


def test_one_relation_alone_cannot_decide_and_says_so():
    cons = [Constraint("t", "SUM", {"x!A1": 1, "x!A2": 1, "x!A3": -1}, tol=D(0))]
    meta = {c: CellMeta("x", i + 1, 1, c) for i, c in enumerate(("x!A1", "x!A2", "x!A3"))}
    vals = {"x!A1": D("5.00"), "x!A2": D("7.00"), "x!A3": D("13.00")}
    (group,) = localize(cons, vals, {c: 1.0 for c in meta}, meta).groups
    assert not group.unique
    assert {e.cells[0] for e in group.candidates} == {"x!A1", "x!A2", "x!A3"}


def test_an_at_most_relation_holds_below_its_bound():
    cons = [Constraint("le", "LE", {"x!A1": 1, "x!A2": -1}, sense="le", tol=D(0))]
    assert Constraint.holds(cons[0], {"x!A1": D(3), "x!A2": D(5)})
    assert not Constraint.holds(cons[0], {"x!A1": D(6), "x!A2": D(5)})


@pytest.fixture(scope="module")
def inputs():
    return constraints_from_budget(sample_budget())


def test_the_sample_holds_every_relation(inputs):
    assert len(inputs.constraints) == 466  # every relation check tests on the sample (673 instances, 207 test nothing)
    assert inputs.localize().violated == ()
    # 万元 figures are held in 元: 支出总表 行政运行 基本支出 967.35万元
    assert inputs.values["支出总表!E8"] == D("9673500.00")
    assert inputs.meta["支出总表!D5"].total and not inputs.meta["支出总表!E8"].total


def test_planted_errors_of_every_kind_are_found():
    """A seeded subset of the acceptance run (benchmarks/bench_localize.py runs all 300), typed into the Budget."""
    results = [(p, loc) for p, loc, _ in run_plants(sample_budget(), 42, random.Random(2024))]
    assert {p.kind for p, _ in results} == set(KINDS)
    assert all(among_candidates(p, loc) for p, loc in results)
    assert sum(named_first(p, loc) for p, loc in results) >= 0.95 * len(results)


def xingzheng_yunxing_case():
    """The 行政运行 case: a large figure in the blank 项目支出 cell of one 项 row, totals untouched."""
    b = sample_budget()
    row = b["T3"].get("2040601")
    assert row.amount("project") is None and row.cell("project") == "支出总表!F8"
    row.values["project"] = D("6484.05")
    return b


def test_the_figure_in_the_wrong_place_is_the_suspect():
    b = xingzheng_yunxing_case()
    _inputs, loc = localize_budget(b)
    (group,) = loc.groups
    assert group.unique
    (change,) = group.best.changes
    assert (change.cell, change.new, change.kind) == ("支出总表!F8", D(0), "多填（应为空白或0）")


def test_fold_puts_one_locate_finding_first_and_keeps_the_explained_ones(monkeypatch):
    b = xingzheng_yunxing_case()
    findings = run_checks(b)
    errors = [f for f in findings if f.severity == "error"]
    out = locate_findings(b, findings)
    head = out[0]
    assert head.rule == LOCATE and head.severity == "error" and head.cells == ("支出总表!F8",)
    assert head.message.startswith("最可能出错：支出总表!F8（2040601 行政运行·项目支出），疑为多填")
    assert f"可使{len(errors)}处不符全部消除" in head.message
    assert (head.table, head.row, head.column) == ("T3", "2040601", "project")
    assert len(out) == len(findings) + 1
    folded = [f for f in out if f.extra.get("folded_under") == "支出总表!F8"]
    assert {f.rule for f in folded} >= {"T3-ROW-SUM", "T3-TREE-SUM"}
    assert all(f.severity == "error" for f in folded)
    assert len(head.extra["explains"]) == len(folded)


def test_fill_is_told_the_wrong_detail():
    reasons = suspects_for_fill(xingzheng_yunxing_case())
    assert list(reasons) == ["支出总表!F8"]
    assert "依赖它的合计不计入这个数" in reasons["支出总表!F8"]
    assert suspects_for_fill(sample_budget()) == {}


def test_two_errors_on_different_tables_are_both_named():
    b = sample_budget()
    b["T3"].get("2040601").values["basic"] = D("976.35")   # 967.35: two digits transposed
    b["T9"].get("recep").values["total"] = D("4.15")       # 3.15 + 1.00 on a total
    _inputs, loc = localize_budget(b)
    named = {c.cell: (c.new, c.kind) for c in loc.suspects}
    t9_cell = b["T9"].get("recep").cell("total")
    assert named == {"支出总表!E8": (D("9673500.00"), "两位数字颠倒"), t9_cell: (D("31500.00"), "一位数字错")}


def test_ties_are_reported_as_undecided():
    from budget_xl.localize.model import Localization

    cons = [Constraint("t", "SUM", {"x!A1": 1, "x!A2": 1, "x!A3": -1}, tol=D(0))]
    meta = {c: CellMeta("x", i + 1, 1, c, "元") for i, c in enumerate(("x!A1", "x!A2", "x!A3"))}
    vals = {"x!A1": D("5.00"), "x!A2": D("7.00"), "x!A3": D("13.00")}
    loc = localize(cons, vals, {c: 1.0 for c in meta}, meta)
    assert isinstance(loc, Localization)
    out = fold([], loc)
    assert len(out) == 1 and out[0].message.startswith("无法唯一确定：候选 ")
    assert set(out[0].cells) == {"x!A1", "x!A2", "x!A3"}


def test_ten_errors_are_all_accounted_for(inputs):
    """Ten planted errors at once: applying every group's best changes makes every relation hold."""
    rng = random.Random(7)
    values, planted = dict(inputs.values), set()
    while len(planted) < 10:
        p = plant(rng.choice(KINDS), inputs, rng, values)
        if p is not None and not p.cells & set().union(*planted or [set()]):
            planted.add(frozenset(p.cells))
            values = p.apply(values)
    loc = localize(inputs.constraints, values, inputs.weights, inputs.meta)
    fixed = {**values, **{c.cell: c.new for c in loc.suspects}}
    assert all(k.holds(fixed) for k in inputs.constraints)
    named = {c.cell for c in loc.suspects}
    assert sum(1 for cells in planted if cells & named) >= 9


def test_past_its_time_budget_localization_leaves_groups_unexplained_and_says_so():
    loc = localize(*grid_problem({**CLEAN, "A1": "21.34"}), time_budget=-1)
    assert [g.candidates for g in loc.groups] == [()]
    (only,) = fold([], loc)
    assert only.rule == LOCATE and only.severity == "warning" and only.message.startswith("无法定位到少数几个单元格")


def test_a_figure_in_one_relation_only_gives_an_honest_tie_and_fill_is_not_told():
    b = sample_budget()
    b["ASSET"].get("equip").values["value"] = D("606.43")  # 605.43 + 1.00: only 资产总额 = Σ lines breaks
    head = locate_findings(b, run_checks(b))[0]
    assert head.message.startswith("无法唯一确定：候选 国有资产!C4（房屋（平方米）·价值）改为2,532.17万元（一位数字错）；或")
    assert head.cells == ("国有资产!C4", "国有资产!C6", "国有资产!C7", "国有资产!C8")
    assert "其他可能：国有资产!C3（资产总额·价值）改为4,721.92万元" in head.message
    assert suspects_for_fill(b) == {}  # the total may be the wrong one: fill decides by its own rules


def test_weights_prefer_details_and_cells_on_fewer_tables(inputs):
    w = inputs.weights
    assert w["支出总表!E8"] == pytest.approx(1.1)  # a 项 detail, compared with 一般公共预算支出表 too
    assert w["支出总表!D7"] == pytest.approx(1.7)  # a 款 total, also on 收入总表 and 一般公共预算支出表
    assert w["支出总表!D6"] == pytest.approx(1.8)  # the 类 total, copied to 收支总表 as well: one table more


def test_an_at_most_relation_is_restored_with_the_sum_it_shares_a_cell_with():
    # A1 ≤ B1 and A1 + A2 = A3: A1 too large breaks both; the sum fixes its value, the bound agrees
    cons = [Constraint("le", "LE", {"x!A1": 1, "x!B1": -1}, sense="le", tol=D(0)),
            Constraint("sum", "SUM", {"x!A1": 1, "x!A2": 1, "x!A3": -1}, tol=D(0))]
    meta = {c: CellMeta("x", int(c[-1]), " AB".index(c[2]), c, "元") for c in ("x!A1", "x!A2", "x!A3", "x!B1")}
    vals = {"x!A1": D("90.00"), "x!A2": D("5.00"), "x!A3": D("15.00"), "x!B1": D("20.00")}
    (group,) = localize(cons, vals, {c: 1.0 for c in meta}, meta).groups
    (change,) = group.best.changes
    assert (change.cell, change.new) == ("x!A1", D("10.00"))


def test_peeled_steps_on_one_cell_are_merged_into_the_fewest_cells():
    # A1 and C1 both wrong; A1 + C1 ≤ B1 couples them. Greedy steps may touch C1 twice: reported once, final value
    cons = [Constraint("le", "LE", {"x!A1": 1, "x!C1": 1, "x!B1": -1}, sense="le", tol=D(0)),
            Constraint("s1", "SUM", {"x!A1": 1, "x!A2": 1, "x!A3": -1}, tol=D(0)),
            Constraint("s2", "SUM", {"x!C1": 1, "x!C2": 1, "x!C3": -1}, tol=D(0))]
    cells = ["x!A1", "x!A2", "x!A3", "x!B1", "x!C1", "x!C2", "x!C3"]
    vals = {"x!A1": D(17), "x!A2": D(5), "x!A3": D(15), "x!B1": D(20), "x!C1": D(13), "x!C2": D(1), "x!C3": D(7)}
    meta = {c: CellMeta("x", i, 9, c) for i, c in enumerate(cells)}
    loc = localize(cons, vals, {c: 1.0 for c in cells}, meta)
    assert sorted((c.cell, c.new) for c in loc.suspects) == [("x!A1", D(10)), ("x!C1", D(6))]
    assert sorted(i for g in loc.groups for i in g.violated) == ["le", "s1", "s2"]


def test_a_whole_table_in_the_wrong_unit_is_not_pinned_on_a_few_cells():
    b = sample_budget()
    t5 = b["T5"]
    for r in t5.rows:  # 一般公共预算支出表 typed in 元 while declared in 万元
        for c in t5.layout.amount_columns:
            if r.amount(c) is not None:
                r.values[c] = r.amount(c) * 10000
    found = locate_findings(b, run_checks(b))
    assert not [f for f in found if f.rule == LOCATE and f.severity == "error"]  # no cell is blamed
    [slip] = [f for f in found if f.rule == "UNIT-SLIP"]  # the unit error says what happened, once
    assert "一般公共预算支出表" in slip.message and "元为单位" in slip.message
