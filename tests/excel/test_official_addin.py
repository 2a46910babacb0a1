"""The add-in's 校验 on a department's own workbook (the official template, filled from a shared PDF, one detail
typed wrong), on xlwings' remote engine in-process: it marks the same cells as ``check --mark``."""

import sys
from pathlib import Path

import openpyxl
import pytest
import xlwings as xw

from budget_xl.excel import handlers
from budget_xl.findings import ERROR, WARNING
from budget_xl.mark import FILL, RESULT_SHEET
from budget_xl.marking.plan import LOCATE_FILL

from .fake_excel import FakeExcel, actions_of, covered, sample_grids_from_file, sheet_names

sys.path.insert(0, str(Path(__file__).parents[1]))
from conftest import run_cli  # noqa: E402
from official_templates import DEPT_PDF, DEPT_TEMPLATE, fill_template  # noqa: E402

RED, YELLOW = f"#{FILL[ERROR][-6:]}", f"#{FILL[WARNING][-6:]}"
SHEET = "部门支出总表"
pytestmark = pytest.mark.skipif(not DEPT_TEMPLATE.exists(), reason="shared samples not present")


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    d = tmp_path_factory.mktemp("official_addin")
    filled = fill_template(DEPT_TEMPLATE, DEPT_PDF, d / "已填.xlsx")
    wb = openpyxl.load_workbook(filled)
    ws = wb[SHEET]
    leaf = next(r for r in range(1, ws.max_row + 1) if [ws.cell(r, c).value for c in (1, 2, 3)] == [204, "06", "01"])
    ws.cell(leaf, 6).value += 1000
    wb.save(d / "埋错.xlsx")
    return d / "埋错.xlsx", f"{SHEET}!F{leaf}"


def _filled_cells(path: Path, argb: str) -> set[str]:
    wb = openpyxl.load_workbook(path)
    return {f"{ws.title}!{c.coordinate}" for ws in wb.worksheets if ws.title != RESULT_SHEET
            for row in ws.iter_rows() for c in row
            if c.fill.fill_type == "solid" and str(c.fill.fgColor.rgb).upper().endswith(argb[-6:])}


def test_the_addin_marks_the_cells_check_mark_marks(planted, tmp_path):
    src, cell = planted
    excel = FakeExcel(sample_grids_from_file(src))
    payload = excel.payload()
    sheets = sheet_names(payload)
    book = xw.Book(json=payload)
    handlers.validate(book)
    actions = actions_of(book)
    red = covered(actions, sheets, "setRangeColor", RED)
    yellow = covered(actions, sheets, "setRangeColor", YELLOW)
    marked = tmp_path / "标注.xlsx"
    assert run_cli("check", src, "--mark", marked).returncode == 1
    assert cell in covered(actions, sheets, "setRangeColor", f"#{LOCATE_FILL[-6:]}")  # the LOCATE cell, apart
    assert cell in _filled_cells(marked, LOCATE_FILL)
    assert red == _filled_cells(marked, FILL[ERROR])
    assert yellow == _filled_cells(marked, FILL[WARNING])
    assert all(c.split("!")[0] in sheets for c in red | yellow)  # the user's own sheets
    excel.apply(actions)
    results = excel.sheet(RESULT_SHEET)["values"]
    assert any(cell in str(v) for row in results for v in row)


def test_the_addins_recompute_fills_a_blank_total_in_the_users_cell(planted):
    from budget_xl.writeback import LOG_SHEET

    from .fake_excel import with_value

    src, cell = planted
    sheet, a1 = cell.split("!")
    parent = f"{sheet}!F{int(a1[1:]) - 1}"  # 20406 司法 · 基本支出, the row above the planted leaf
    grids = sample_grids_from_file(src)
    grids = with_value(grids, cell, grids[sheet][int(a1[1:]) - 1][5] - 1000)  # the leaf put right again
    expected = grids[sheet][int(a1[1:]) - 2][5]
    excel = FakeExcel(with_value(grids, parent, ""))
    sheets = sheet_names(excel.payload())
    book = excel.book()
    outcome = handlers.recompute(book)
    actions = actions_of(book)
    assert covered([a for a in actions if a["func"] == "setValues" and a["sheet_position"] == sheets.index(sheet)],
                   sheets, "setValues") == {parent}
    excel.apply(actions)
    assert excel.sheet(sheet)["values"][int(a1[1:]) - 2][5] == pytest.approx(expected)
    assert [r[1] for r in excel.sheet(LOG_SHEET)["values"][2:]] == [parent]
    assert outcome.counts == {"changed": 1, "held": 0}


def test_the_addins_narrative_reads_the_templates_text_sheets(planted):
    from budget_xl.excel.handlers import NARRATIVE_SHEET

    src, _cell = planted
    excel = FakeExcel(sample_grids_from_file(src))
    book = excel.book()
    handlers.export_narrative(book)
    excel.apply(actions_of(book))
    rows = excel.sheet(NARRATIVE_SHEET)["values"]
    text = "\n".join(str(v) for r in rows for v in r if v)
    assert "上海市普陀区司法局" in text and "其他相关情况说明" in text
