"""The reader finds tables by title and header, rows by code or label: edits to the layout don't matter."""

from decimal import Decimal

import openpyxl
import pytest

from budget_xl.model import snapshot
from budget_xl.read import read_workbook
from budget_xl.read.grid import read_grids


def _rows(ws, first_col_value):
    return [r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == first_col_value]


@pytest.mark.parametrize("engine", ["calamine", "openpyxl"])
def test_engines_give_the_same_model(sample_file, engine):
    assert snapshot(read_workbook(sample_file, engine=engine).budget) == snapshot(read_workbook(sample_file).budget)


def test_inserted_blank_rows_and_columns_change_nothing(sample_copy):
    before = snapshot(read_workbook(sample_copy).budget)
    wb = openpyxl.load_workbook(sample_copy)
    ws = wb["收入总表"]
    ws.insert_rows(1, 2)           # two rows above the title
    ws.insert_rows(12, 1)          # a blank row inside the data
    wb["基本支出表"].insert_rows(8, 3)
    wb["三公经费表"].insert_rows(1)
    wb["项目"].insert_rows(10, 2)
    wb.save(sample_copy)
    assert snapshot(read_workbook(sample_copy).budget) == before


def test_reordered_rows_give_the_same_model(sample_copy):
    before = snapshot(read_workbook(sample_copy).budget)
    wb = openpyxl.load_workbook(sample_copy)
    ws = wb["支出总表"]
    data = [r for r in range(1, ws.max_row + 1) if isinstance(ws.cell(r, 2).value, str) and ws.cell(r, 2).value.isdigit()]
    values = [[ws.cell(r, c).value for c in range(1, ws.max_column + 1)] for r in data]
    for r, row in zip(data, reversed(values)):  # write the coded rows in reverse order
        for c, v in enumerate(row, start=1):
            ws.cell(r, c).value = v
    ws3 = wb["三公经费表"]  # swap two fixed rows
    a, b = 7, 10
    for c in range(1, ws3.max_column + 1):
        ws3.cell(a, c).value, ws3.cell(b, c).value = ws3.cell(b, c).value, ws3.cell(a, c).value
    wb.save(sample_copy)
    after = snapshot(read_workbook(sample_copy).budget)
    assert after["T3"] == before["T3"] and after["T9"] == before["T9"]


def test_a_new_row_is_read_and_a_deleted_row_is_gone(sample_copy):
    wb = openpyxl.load_workbook(sample_copy)
    ws = wb["支出总表"]
    r = _rows(ws, "2040699")[0]
    ws.insert_rows(r + 1)
    ws.cell(r + 1, 2, "2040698")
    ws.cell(r + 1, 3, "新增的项")
    ws.cell(r + 1, 4, 1.5)
    ws.delete_rows(_rows(ws, "2040610")[0])
    wb.save(sample_copy)
    t3 = read_workbook(sample_copy).budget["T3"]
    assert t3.get("2040698").amount("total") == Decimal("1.5")
    assert t3.get("2040610") is None
    assert t3.get("2040699").amount("project") == Decimal("3.61")


def test_text_numbers_are_read_with_a_warning_naming_the_cell(sample_copy):
    wb = openpyxl.load_workbook(sample_copy)
    ws = wb["收入总表"]
    r = _rows(ws, "2040605")[0]
    ws.cell(r, 4).value = "１０．００"
    ws.cell(r, 5).value = "10.00"
    wb.save(sample_copy)
    res = read_workbook(sample_copy)
    assert res.budget["T2"].get("2040605").amount("total") == Decimal("10.00")
    cells = [n.cells[0] for n in res.notes if n.rule == "READ-TEXT-NUMBER"]
    assert cells == [f"收入总表!D{r}", f"收入总表!E{r}"]


def test_dash_is_unknown_and_garbage_is_an_error_finding(sample_copy):
    wb = openpyxl.load_workbook(sample_copy)
    ws = wb["支出总表"]
    r = _rows(ws, "2040605")[0]
    ws.cell(r, 5).value = "—"
    ws.cell(r, 6).value = "十万"
    wb.save(sample_copy)
    res = read_workbook(sample_copy)
    row = res.budget["T3"].get("2040605")
    assert row.amount("basic") is None and row.amount("project") is None
    bad = [n for n in res.notes if n.rule == "READ-NOT-NUMBER"]
    assert [n.cells for n in bad] == [(f"支出总表!F{r}",)] and bad[0].severity == "error"


def test_rows_are_keyed_by_code_not_position():
    grid = [["部门预算支出总表"], [],
            ["序号", "功能分类科目", None, "合计", "基本支出", "项目支出", "经营支出", "上解上级支出", "对附属单位补助支出"],
            [None, "科目编码", "科目名称"], ["栏次", 1, 2, 3, 4, 5, 6, 7, 8],
            [1, "2040601", "行政运行", 10, 10], [2, None, "合计", 10, 10], [3, 204, "公共安全支出", 10, 10]]
    from budget_xl.sample import sample_grids

    grids = dict(sample_grids())
    grids["支出总表"] = grid
    t3 = read_grids(grids).budget["T3"]
    assert [r.key for r in t3.rows] == ["2040601", "合计", "204"]
    assert t3.get("204").cell("total") == "支出总表!D8"


def test_units_per_table_come_from_basic_info(sample_copy):
    wb = openpyxl.load_workbook(sample_copy)
    ws = wb["基本信息"]
    for r in range(1, ws.max_row + 1):
        if ws.cell(r, 1).value == "金额单位：部门预算收入总表":
            ws.cell(r, 2).value = "元"
    wb.save(sample_copy)
    b = read_workbook(sample_copy).budget
    assert b["T2"].unit == "元" and b["T3"].unit == "万元"


def test_each_table_sheet_shows_its_official_title_first(sample_file, blank_file):
    from budget_xl.schema import load_schema

    for path in (sample_file, blank_file):
        wb = openpyxl.load_workbook(path)
        for lay in load_schema().tables:
            assert wb[lay.sheet]["A1"].value == lay.title
