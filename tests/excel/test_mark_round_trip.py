"""One marking plan, two writers: a file marked by ``check --mark`` and re-marked by the add-in's 校验
(or the reverse) gives the user back the cell's own fill, note text and note author."""

import openpyxl
import pytest
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill

from budget_xl.excel import handlers
from budget_xl.mark import FILL, NOTE_PREFIX, mark_workbook
from budget_xl.read import read_workbook
from budget_xl.rules import run_checks

from .file_bridge import book_from_file, file_from_book

CELL, SHEET, A1, KEY = "支出总表!F22", "支出总表", "F22", (21, 5)  # 2040607 公共法律服务 项目支出
GREEN, GREEN_RGB = "FF00B050", (0, 176, 80)
NOTE, AUTHOR = "此项含追加的公证经费", "会计"
RED_RGB = (0xFF, 0xC7, 0xCE)
LOCATE_RGB = (0xF4, 0xB0, 0x84)  # the cell to fix first (issue 17)


@pytest.fixture
def broken(sample_copy):
    """The sample with F22 one more than it should be, coloured green and noted by the user."""
    wb = openpyxl.load_workbook(sample_copy)
    c = wb[SHEET][A1]
    c.value = c.value + 1
    c.fill = PatternFill("solid", fgColor=GREEN)
    c.comment = Comment(NOTE, AUTHOR)
    wb.save(sample_copy)
    return sample_copy


def check_mark(src, out):
    r = read_workbook(src)
    return mark_workbook(src, out, run_checks(r.budget, r.notes))


def fix_file(path):
    wb = openpyxl.load_workbook(path)
    wb[SHEET][A1].value -= 1
    wb.save(path)


def own_in_file(path):
    c = openpyxl.load_workbook(path)[SHEET][A1]
    return c.fill.fgColor.rgb if c.fill.fill_type == "solid" else None, c.comment and (c.comment.text, c.comment.author)


def test_check_mark_then_addin_then_check_mark_gives_back_fill_note_and_author(broken, tmp_path):
    marked = check_mark(broken, tmp_path / "1.xlsx")
    assert own_in_file(marked)[0] == FILL["error"]
    book = book_from_file(marked)
    handlers.validate(book)  # still wrong: the add-in re-marks
    _value, fill, note = book.cell(CELL)
    assert fill == LOCATE_RGB and note[0].startswith(NOTE_PREFIX) and f"——原批注：{NOTE}" in note[0]
    again = file_from_book(book, marked, tmp_path / "2.xlsx")
    fix_file(again)
    check_mark(again, tmp_path / "3.xlsx")
    assert own_in_file(tmp_path / "3.xlsx") == (GREEN, (NOTE, AUTHOR))


def test_addin_then_check_mark_then_addin_gives_back_fill_note_and_author(broken, tmp_path):
    book = book_from_file(broken)
    assert book.cell(CELL)[1:] == (GREEN_RGB, (NOTE, AUTHOR))
    handlers.validate(book)
    assert book.cell(CELL)[1] == LOCATE_RGB
    saved = file_from_book(book, broken, tmp_path / "1.xlsx")
    marked = check_mark(saved, tmp_path / "2.xlsx")  # still wrong: check --mark re-marks
    assert own_in_file(marked)[0] == FILL["error"]
    book = book_from_file(marked)
    book.sheets[SHEET].values[KEY] -= 1  # the user corrects it in Excel and presses 校验
    handlers.validate(book)
    assert book.cell(CELL)[1:] == (GREEN_RGB, (NOTE, AUTHOR))


def test_a_mark_made_by_the_addin_is_taken_off_by_check_mark(broken, tmp_path):
    book = book_from_file(broken)
    handlers.validate(book)
    saved = file_from_book(book, broken, tmp_path / "1.xlsx")
    fix_file(saved)
    check_mark(saved, tmp_path / "2.xlsx")
    assert own_in_file(tmp_path / "2.xlsx") == (GREEN, (NOTE, AUTHOR))
    wb = openpyxl.load_workbook(tmp_path / "2.xlsx")
    red = [f"{ws.title}!{c.coordinate}" for ws in wb.worksheets for row in ws.iter_rows() for c in row
           if c.fill.fill_type == "solid" and c.fill.fgColor.rgb == FILL["error"]]
    assert red == []


def test_a_mark_made_by_check_mark_is_taken_off_by_the_addin(broken, tmp_path):
    book = book_from_file(check_mark(broken, tmp_path / "1.xlsx"))
    book.sheets[SHEET].values[KEY] -= 1
    handlers.validate(book)
    assert book.cell(CELL)[1:] == (GREEN_RGB, (NOTE, AUTHOR))
    assert not any(v == RED_RGB for s in book.sheets for v in s.fills.values())


def test_a_mark_made_by_check_mark_is_taken_off_on_office_js(broken, tmp_path):
    from .fake_excel import FakeExcel, actions_of

    wb = openpyxl.load_workbook(check_mark(broken, tmp_path / "1.xlsx"))
    grids = {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}
    notes = {ws.title: {c.coordinate: c.comment.text for row in ws.iter_rows() for c in row if c.comment}
             for ws in wb.worksheets}
    excel = FakeExcel(grids, notes=notes)
    for ws in wb.worksheets:  # Office.js cannot read them, but Excel shows them
        excel.sheet(ws.title)["fills"] = {c.coordinate: "#" + c.fill.fgColor.rgb[-6:] for row in ws.iter_rows()
                                          for c in row if c.fill.fill_type == "solid"}
    excel.sheet(SHEET)["values"][KEY[0]][KEY[1]] -= 1
    book = excel.book()
    handlers.validate(book)
    excel.apply(actions_of(book))
    assert excel.sheet(SHEET)["fills"][A1] == "#00B050"
    assert excel.sheet(SHEET)["notes"][A1] == NOTE


def test_check_mark_and_the_addin_build_the_same_plan(broken, tmp_path):
    from datetime import datetime

    from budget_xl.excel.book_io import BookIO
    from budget_xl.excel.handlers import plan_for_book
    from budget_xl.marking.xlsx import plan_for_workbook

    now = datetime(2026, 1, 5, 9, 30)
    marked = check_mark(broken, tmp_path / "主表.xlsx")  # a second run has marks to take off and a 说明 to carry
    wb = openpyxl.load_workbook(marked)
    row = next(r for r in wb["校验结果"].iter_rows(min_row=3) if r[1].value == "错误")
    row[len(row) - 1].value = "正在核对"
    wb[SHEET][A1].value -= 1
    wb.save(marked)
    r = read_workbook(marked)
    findings = run_checks(r.budget, r.notes)
    by_file = plan_for_workbook(openpyxl.load_workbook(marked), findings, source="主表.xlsx", now=now)
    io = BookIO(book_from_file(marked))
    by_addin = plan_for_book(io, io.read_grids(), findings, io.names(), now=now)
    assert by_file.restore and by_file.gone
    assert sorted(by_file.restore, key=str) == sorted(by_addin.restore, key=str)
    assert by_file.marks == by_addin.marks
    assert (by_file.title, by_file.rows, by_file.gone, by_file.state) == (by_addin.title, by_addin.rows, by_addin.gone, by_addin.state)
