"""The add-in's 重算汇总 runs the command line's plan (issue 17): the same cells, the same values, the same list.

In-process, through the Office.js stand-in (``fake_excel``), on the scenarios of ``tests/test_fill_follows.py``."""

from __future__ import annotations

from budget_xl.excel import handlers
from budget_xl.fill import recompute_plan
from budget_xl.read import read_workbook
from budget_xl.read.grid import read_grids
from tests.conftest import run_cli
from tests.fill_scenarios import materialize
from tests.test_fill_follows import _misplaced, scenario

from .fake_excel import FakeExcel, actions_of, sample_grids_from_file


def test_the_command_line_and_the_add_in_write_the_same_cells(tmp_path):
    _, edited, _ = scenario("sample", "added", tmp_path)
    src = tmp_path / "新增.xlsx"
    out = tmp_path / "重算后.xlsx"
    r = run_cli("fill", src, "-o", out)
    assert r.returncode == 0, r.stderr
    assert "改写 40 个单元格" in r.stdout and "校验错误 4 处 → 0 处" in r.stdout
    check = run_cli("check", out, "--json")
    assert check.returncode == 0 and '"error": 0' in check.stdout
    cli = read_workbook(out).budget
    excel = FakeExcel(sample_grids_from_file(src))
    book = excel.book()
    outcome = handlers.recompute(book)
    excel.apply(actions_of(book))
    addin = read_grids({s["name"]: s["values"] for s in excel.sheets if s["name"] not in handlers.OWN_SHEETS}).budget
    plan = recompute_plan(edited)
    assert outcome.counts == {"changed": 40, "held": 0}
    for c in plan.changes:
        key = next((k, r.key, col) for k, t in cli.tables.items() for r in t.rows for col, ref in r.cells.items()
                   if ref == c.cell)
        assert cli[key[0]].get(key[1]).amount(key[2]) == c.new
        assert addin[key[0]].get(key[1]).amount(key[2]) == c.new, c.cell
    log = [row for row in excel.sheet("变更记录")["values"][2:] if row[1]]
    assert len(log) == 40 and all(row[5] for row in log)  # every change with its 原因


def test_dry_run_and_the_add_in_preview_name_the_held_totals(tmp_path):
    _, edited, _ = scenario("sample", "edited", tmp_path)
    broken, cell = _misplaced("sample", edited)
    src = tmp_path / "错行.xlsx"
    materialize(broken, src)
    r = run_cli("fill", src, "--dry-run")
    assert "10 个合计保留原数、没有计入疑错的明细" in r.stdout
    book = FakeExcel(sample_grids_from_file(src)).book()
    preview = handlers.recompute_preview(book)
    assert [a for a in actions_of(book) if a["func"] == "setValues"] == []  # nothing written
    assert preview.message.splitlines() == r.stdout.splitlines()[:-1]  # the same list, less the dry-run's last line
    assert preview.counts == {"changed": 40, "held": 10}


def _desktop_book(src):
    from .fake_desktop import DesktopBook

    return DesktopBook(sample_grids_from_file(src))


def test_the_desktop_button_shows_the_plan_and_writes_nothing_when_cancelled(tmp_path):
    _, edited, _ = scenario("sample", "added", tmp_path)
    src = tmp_path / "新增.xlsx"
    dry = run_cli("fill", src, "--dry-run").stdout.splitlines()
    book = _desktop_book(src)
    before = {sheet.name: dict(sheet.values) for sheet in book.sheets}
    asked: list[str] = []
    outcome = handlers.recompute_confirmed(book, lambda text: asked.append(text) or False)
    assert len(asked) == 1 and asked[0].splitlines()[0] == dry[0]  # the same list fill --dry-run starts with
    assert "按“确定”写入" in asked[0]
    assert outcome.counts["changed"] == 0 and "已取消" in outcome.message
    assert {sheet.name: dict(sheet.values) for sheet in book.sheets} == before


def test_the_desktop_button_writes_the_plan_once_confirmed(tmp_path):
    _, edited, _ = scenario("sample", "added", tmp_path)
    src = tmp_path / "新增.xlsx"
    book = _desktop_book(src)
    outcome = handlers.recompute_confirmed(book, lambda text: True)
    plan = recompute_plan(edited)
    assert outcome.counts == {"changed": len(plan.changes), "held": 0} and len(plan.changes) == 40
    assert all(book.cell(c.cell)[0] == float(c.new) for c in plan.changes)


def test_the_task_pane_offers_the_preview_the_server_script_runs():
    from pathlib import Path

    import budget_xl.excel.addin.custom_scripts as scripts

    pane = (Path(scripts.__file__).parents[1] / "templates" / "taskpane.html").read_text(encoding="utf-8")
    assert 'xw-click="recompute_preview"' in pane and callable(scripts.recompute_preview)
