"""重算汇总 follows the accountant (issue 17): the details are the truth and the totals move by exactly their change.

Three scenarios, on the sample (承德市司法局 2024, 万元) and on one imported Shanghai document (普陀区商务委员会 2025,
元): a consistent edit of one 项 in 支出总表, 一般公共预算支出表 and 收入总表 (and its project), the same with the
totals of those three tables cleared first, and a new 项 row in the three tables (with its project). Each through
the plan, the command line and the add-in's button; and the misplaced figure of issue 10 still held beside them.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from budget_xl.fill import recompute_plan
from budget_xl.read import read_workbook
from budget_xl.rules import run_checks
from budget_xl.sample import sample_budget
from tests.conftest import run_cli
from tests.fill_scenarios import add_item, blank, consistent_edit, materialize
from tests.shanghai_fixtures import sample_pdfs, shanghai_workbook

FIVE = Decimal("5.00")
GRAND = (("T1", "in_grand", "in_amount"), ("T1", "out_grand", "out_amount"), ("T2", "合计", "total"),
         ("T3", "合计", "total"), ("T5", "合计", "total"), ("T4", "in_grand", "in_amount"))
DETAIL_TABLES = ("T2", "T3", "T5")


def table_errors(budget):
    """Errors among the tables: the 情况说明's quotations of a figure the user changed (TXT-…) are the user's to
    update, not 重算汇总's (they are still reported by 校验)."""
    return [f for f in run_checks(budget) if f.severity == "error" and not f.rule.startswith("TXT-")]


def grand(budget, key, row, col):
    return budget[key].get(row).amount(col)


def _shanghai():
    pdf = next((p for p in sample_pdfs() if "商务委员会" in p.name), None)
    if pdf is None:
        pytest.skip("the Shanghai sample PDFs are not on this machine")
    return read_workbook(shanghai_workbook(pdf)).budget


# (document, 项 edited, Δ in 支出总表's unit, new 项 code, its name, amount, the row it follows)
DOCS = {
    "sample": (sample_budget, "2040605", FIVE, "2040609", "仲裁", Decimal("2.00"), "2040608"),
    "shanghai": (_shanghai, "2011302", Decimal("50000"), "2011308", "招商引资", Decimal("20000"), "2011302"),
}


def scenario(doc: str, kind: str, tmp_path):
    make, code, delta, new_code, name, amount, after = DOCS[doc]
    base = materialize(make(), tmp_path / "原表.xlsx")
    if kind == "added":
        return base, materialize(add_item(base, new_code, name, amount, after), tmp_path / "新增.xlsx"), amount
    edited = materialize(consistent_edit(base, code, delta), tmp_path / "改后.xlsx")
    if kind == "blanked":  # the accountant clears the totals of the three tables first
        changed = {c.cell for c in recompute_plan(edited).changes}
        sheets = {edited[k].sheet_name() for k in DETAIL_TABLES}
        edited = materialize(blank(edited, {c for c in changed if c.split("!")[0] in sheets}), tmp_path / "清空.xlsx")
    return base, edited, delta


@pytest.mark.parametrize("doc", ["sample", "shanghai"])
@pytest.mark.parametrize("kind", ["edited", "blanked", "added"])
def test_fill_gives_no_error_and_totals_move_by_exactly_the_change(doc, kind, tmp_path):
    base, edited, delta = scenario(doc, kind, tmp_path)
    assert table_errors(base) == []
    plan = recompute_plan(edited)
    assert plan.held == []
    assert table_errors(plan.filled) == [] and plan.errors_after == 0
    for key, row, col in GRAND:
        assert grand(plan.filled, key, row, col) == grand(base, key, row, col) + delta, (key, row)


def test_the_issue_figures_on_the_sample(tmp_path):
    base, edited, _ = scenario("sample", "edited", tmp_path)
    assert len(table_errors(edited)) == 7  # before: the three details "疑为一位数字错", and what follows from them
    plan = recompute_plan(edited)
    assert plan.errors_before == 7 and plan.errors_after == 0 and len(plan.changes) == 40
    assert grand(plan.filled, "T3", "合计", "total") == Decimal("4153.23")  # 4148.23 + 5.00, not 4153.22
    assert grand(plan.filled, "T1", "in_total", "in_amount") == Decimal("3776.58")  # 本年收入合计 raised too
    _, cleared, _ = scenario("sample", "blanked", tmp_path)
    assert grand(recompute_plan(cleared).filled, "T2", "合计", "total") == Decimal("4153.23")


def _misplaced(doc, edited):
    code, wrong = {"sample": ("2040601", Decimal("6484.05")), "shanghai": ("2011301", Decimal("6484050"))}[doc]
    from budget_xl.model import copy_budget

    b = copy_budget(edited)
    b["T3"].get(code).values["project"] = wrong
    return b, b["T3"].get(code).cell("project")


@pytest.mark.parametrize("doc", ["sample", "shanghai"])
def test_the_misplaced_figure_is_still_held_beside_a_consistent_edit(doc, tmp_path):
    base, edited, delta = scenario(doc, "edited", tmp_path)
    broken, cell = _misplaced(doc, edited)
    plan = recompute_plan(broken)
    assert plan.held and all(cell in h.reason for h in plan.held)
    assert plan.errors_after < plan.errors_before
    assert all(cell in f.cells or any(c.startswith(cell.split("!")[0]) for c in f.cells)
               for f in table_errors(plan.filled))  # what is left is the wrong figure's, where it sits
    # the consistent edit still rolls up; the wrong figure does not
    assert grand(plan.filled, "T3", "合计", "total") == grand(base, "T3", "合计", "total") + delta


def test_dry_run_lists_each_cell_and_writes_nothing(tmp_path):
    _, edited, _ = scenario("sample", "edited", tmp_path)
    src = tmp_path / "改后.xlsx"
    r = run_cli("fill", src, "--dry-run")
    assert r.returncode == 0, r.stderr
    assert "将改写 40 个单元格；校验错误 7 处 → 0 处" in r.stdout
    assert "支出总表!D12 支出总表“2040605 普法宣传”合计：10.00 → 15.00（按明细重算，变动+5.00万元）" in r.stdout
    assert "支出总表!D6 支出总表“合计”合计：4,148.23 → 4,153.23（其下明细变动+5.00万元，原数随之变动（原有尾差保留））" in r.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["原表.xlsx", "改后.xlsx"]
