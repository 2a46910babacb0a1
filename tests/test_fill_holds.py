"""重算汇总 never spreads a wrong figure: the 行政运行 case of issue 10 rebuilt on the sample."""

from __future__ import annotations

from decimal import Decimal

from budget_xl.fill import held_totals, plan_fill, plan_recompute
from budget_xl.localize.fold import suspects_for_fill
from budget_xl.sample import sample_budget
from tests.conftest import run_cli

WRONG = Decimal("6484.05")  # a large figure put in the 项目支出 cell of 2040601 行政运行 (printed blank)


def _broken():
    b = sample_budget()
    b["T3"].get("2040601").values["project"] = WRONG
    return b


def test_the_misplaced_figure_is_the_suspect_and_no_total_is_rewritten():
    b = _broken()
    cell = b["T3"].get("2040601").cell("project")
    assert list(suspects_for_fill(b)) == [cell]
    _filled, changes = plan_fill(b)
    assert len(changes) == 10  # without localization the wrong figure would climb into ten totals
    _filled, changes, held = plan_recompute(b)
    assert changes == []
    assert {h.cell for h in held} == {c.cell for c in plan_fill(b)[1]}
    assert all("支出总表!F8" in h.reason for h in held)


def test_blank_totals_are_still_filled_beside_a_suspect():
    b = _broken()
    t5 = b["T5"].get("合计")
    t5.values["total"] = None  # a blank total elsewhere
    _filled, changes, held = plan_recompute(b)
    # filled with 4148.23, the figure its copies print (its rounded classes add up to 4148.22: 尾差)
    assert [c.cell for c in changes] == [t5.cell("total")] and changes[0].new == Decimal("4148.23")
    assert held and not any(h.cell == t5.cell("total") for h in held)


def test_held_totals_are_empty_without_suspects():
    assert held_totals(sample_budget(), {}) == []


def test_narrative_refuses_the_broken_workbook(tmp_path):
    from budget_xl.write.workbook import write_workbook

    path = write_workbook(_broken(), tmp_path / "行政运行.xlsx")
    r = run_cli("narrative", path, "-o", tmp_path / "说明.docx")
    assert r.returncode == 2 and "校验错误" in r.stderr and not (tmp_path / "说明.docx").exists()
    from budget_xl.read import read_workbook

    assert read_workbook(path).budget["T3"].get("2040601").amount("project") == WRONG  # the input is untouched


def test_fill_command_keeps_the_totals_and_logs_why(tmp_path):
    from budget_xl.read import read_workbook
    from budget_xl.write.workbook import write_workbook

    src = write_workbook(_broken(), tmp_path / "行政运行.xlsx")
    out = tmp_path / "重算后.xlsx"
    r = run_cli("fill", src, "-o", out)
    assert r.returncode == 0, r.stderr
    assert "改写 0 个单元格" in r.stdout and "10 个合计保留原数" in r.stdout
    before, after = read_workbook(src).budget, read_workbook(out).budget
    assert after["T3"].get("合计").amount("total") == before["T3"].get("合计").amount("total") == Decimal("4148.23")
    log = [r for r in after["LOG"].rows if "保留原数" in r.text("what")]
    assert len(log) == 10 and all("2040601 行政运行" in r.text("what") for r in log)
