"""The official Excel templates, filled from the shared Shanghai PDFs as a department would (official_templates.py):
read, checked and imported exactly as the PDF they came from."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from conftest import run_cli, soffice
from official_templates import (
    DEPT_PDF,
    DEPT_TEMPLATE,
    UNIT_PDF,
    UNIT_TEMPLATE,
    UNIT_XLS_TEMPLATE,
    fill_template,
    fill_xls_template,
)

from budget_xl.localize.fold import locate_findings
from budget_xl.model import snapshot
from budget_xl.read import read_workbook
from budget_xl.rules import check_budget

pytestmark = pytest.mark.skipif(not DEPT_TEMPLATE.exists(), reason="shared samples not present")
NINE = {"T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8", "T9"}


@pytest.fixture(scope="session")
def filled(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("official")
    return {"dept": fill_template(DEPT_TEMPLATE, DEPT_PDF, d / "部门预算_已填.xlsx"),
            "unit": fill_template(UNIT_TEMPLATE, UNIT_PDF, d / "单位预算_已填.xlsx")}


@pytest.fixture(scope="session")
def filled_xls(tmp_path_factory) -> Path:
    soffice()
    return fill_xls_template(tmp_path_factory.mktemp("official_xls"))


@pytest.fixture(scope="session")
def pdf_masters(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("pdf_master")
    out = {}
    for name, pdf in (("dept", DEPT_PDF), ("unit", UNIT_PDF)):
        out[name] = d / f"{name}.xlsx"
        r = run_cli("import", pdf, "-o", out[name])
        assert r.returncode == 0, r.stderr
    return out


def _findings(path: Path):
    result = read_workbook(path)
    return result.budget, locate_findings(result.budget, check_budget(result.budget, result.notes).findings)


def _same(findings) -> Counter:
    """Findings as compared with the PDF's: all but the hint that a column the template prints (单位预算's
    人员经费 / 公用经费 / 项目支出 in 收支总表) is not one the profile checks — the PDF's import sets it aside."""
    return Counter((f.rule, f.severity, f.message) for f in findings
                   if not (f.rule == "READ-UNFITTED" and f.severity == "info"))


def test_the_filled_templates_keep_the_templates_sheets():
    wb = openpyxl.load_workbook(DEPT_TEMPLATE, read_only=True)
    assert wb.sheetnames[:3] == ["封面", "目录", "部门主要职能"] and "部门收支总表" in wb.sheetnames


@pytest.mark.parametrize("which", ["dept", "unit"])
def test_all_nine_tables_are_read_on_the_users_own_sheets(filled, which):
    budget = read_workbook(filled[which]).budget
    sheets = set(openpyxl.load_workbook(filled[which], read_only=True).sheetnames)
    for key in NINE:
        table = budget[key]
        assert table.sheet in sheets, key
        assert table.title_cell and table.title_cell.startswith(table.sheet + "!"), key
        assert all(c.split("!")[0] == table.sheet for r in table.rows for c in r.cells.values()), key
    assert all(budget[k].rows for k in NINE - {"T7", "T8"})
    assert budget.profile == "shanghai"
    assert budget.budget_type == ("部门预算" if which == "dept" else "单位预算")
    assert budget["T1"].unit == "元" and budget["T9"].unit == "万元"


def test_a_figure_is_read_from_its_own_cell(filled):
    budget = read_workbook(filled["dept"]).budget
    ws = openpyxl.load_workbook(filled["dept"])["部门支出总表"]
    row = budget["T3"].get("2040601")
    sheet, cell = row.cell("basic").split("!")
    assert sheet == "部门支出总表"
    assert ws[cell].value == pytest.approx(float(row.amount("basic")))
    assert [ws.cell(ws[cell].row, c).value for c in (1, 2, 3)] == [204, "06", "01"]


@pytest.mark.parametrize("which", ["dept", "unit"])
def test_checking_the_template_finds_what_checking_the_pdf_finds(filled, pdf_masters, which):
    _b, from_template = _findings(filled[which])
    _b, from_pdf = _findings(pdf_masters[which])
    assert _same(from_template) == _same(from_pdf)
    errors = [f for f in from_template if f.severity == "error"]
    assert len(errors) == (3 if which == "dept" else 0)
    hints = sorted(f.cells[0] for f in from_template if f.rule == "READ-UNFITTED")
    assert hints == ([] if which == "dept" else ["单位收支总表!E9", "单位收支总表!F9", "单位收支总表!G8"])
    if which == "dept":  # the document's real defects, on the user's own 编制说明 sheet
        assert {f.rule for f in errors} == {"TXT-DIRECTION", "TXT-PCT", "TXT-AMOUNT"}
        assert all(f.cells[0].startswith("部门编制说明!A") for f in errors)


def test_the_old_xls_template_reads_as_the_pdf(filled_xls, pdf_masters):
    budget, from_xls = _findings(filled_xls)
    _b, from_pdf = _findings(pdf_masters["unit"])
    assert _same(from_xls) == _same(from_pdf)
    assert all(budget[k].sheet for k in NINE)
    r = run_cli("check", filled_xls)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "错误 0 条" in r.stdout


def test_a_planted_detail_error_is_located_at_the_users_cell(filled, tmp_path):
    p = tmp_path / "埋错.xlsx"
    wb = openpyxl.load_workbook(filled["dept"])
    ws = wb["部门支出总表"]
    at = next(r for r in range(1, ws.max_row + 1)
              if [ws.cell(r, c).value for c in (1, 2, 3)] == [204, "06", "01"])
    ws.cell(at, 6).value = ws.cell(at, 6).value + 1000  # 2040601 行政运行 · 基本支出
    wb.save(p)
    _b, findings = _findings(p)
    locate = [f for f in findings if f.rule == "LOCATE"]
    assert len(locate) == 1 and locate[0].cells[0] == f"部门支出总表!F{at}"
    r = run_cli("check", p)
    assert r.returncode == 1 and f"部门支出总表!F{at}" in r.stdout


@pytest.mark.parametrize("which", ["dept", "unit"])
def test_importing_the_template_gives_the_pdfs_master_workbook(filled, pdf_masters, tmp_path, which):
    out = tmp_path / "主表.xlsx"
    r = run_cli("import", filled[which], "-o", out)
    assert r.returncode == 0, r.stderr
    assert "共找到 9 张表；未找到 0 张" in r.stdout
    assert "工作表“" in r.stdout  # the report names sheets, not pages
    assert snapshot(read_workbook(out).budget) == snapshot(read_workbook(pdf_masters[which]).budget)
    wb = openpyxl.load_workbook(out, read_only=True)
    assert "导入报告" in wb.sheetnames and "基本信息" in wb.sheetnames


def test_importing_the_xls_template_gives_the_pdfs_master_workbook(filled_xls, pdf_masters, tmp_path):
    out = tmp_path / "主表.xlsx"
    r = run_cli("import", filled_xls, "-o", out)
    assert r.returncode == 0, r.stderr
    assert snapshot(read_workbook(out).budget) == snapshot(read_workbook(pdf_masters["unit"]).budget)


def test_the_sheets_may_be_renamed_and_reordered(filled, tmp_path):
    p = tmp_path / "改名.xlsx"
    shutil.copy(filled["unit"], p)
    wb = openpyxl.load_workbook(p)
    wb["单位支出总表"].title = "2.11单位支出总表"
    wb.move_sheet("单位“三公”经费和机关运行费预算表", offset=-10)
    wb.save(p)
    budget, findings = _findings(p)
    assert budget["T3"].sheet == "2.11单位支出总表"
    assert not [f for f in findings if f.severity == "error"]


def test_a_template_left_blank_is_not_checked_against_zero(tmp_path):
    r = run_cli("check", UNIT_TEMPLATE)
    assert "这不是预算公开主表工作簿" not in r.stdout + r.stderr
    assert r.returncode in (0, 1)


def test_the_xls_template_itself_is_read(tmp_path):
    r = run_cli("check", UNIT_XLS_TEMPLATE)
    assert "不支持旧版" not in r.stdout + r.stderr and r.returncode in (0, 1)


def test_marking_and_filling_an_xls_write_an_xlsx_beside_it(filled_xls, tmp_path):
    src = tmp_path / filled_xls.name
    shutil.copy(filled_xls, src)
    before = src.read_bytes()
    r = run_cli("check", src, "--mark", tmp_path / "标注.xls")
    assert r.returncode == 0, r.stderr
    assert "旧版 .xls" in r.stdout and str(tmp_path / "标注.xlsx") in r.stdout
    wb = openpyxl.load_workbook(tmp_path / "标注.xlsx")
    assert wb.sheetnames[0] == "校验结果" and "单位支出总表" in wb.sheetnames
    r = run_cli("fill", src, "--in-place")
    assert r.returncode == 0, r.stderr
    assert "旧版 .xls" in r.stdout and src.with_suffix(".xlsx").exists()
    assert src.read_bytes() == before  # the .xls itself is never written
    _b, findings = _findings(src.with_suffix(".xlsx"))
    assert not [f for f in findings if f.severity == "error"]


def test_a_row_of_figures_without_a_code_is_not_passed_over(filled, tmp_path):
    p = tmp_path / "无编码.xlsx"
    wb = openpyxl.load_workbook(filled["dept"])
    ws = wb["部门收入总表"]
    total = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "合计")
    ws.cell(total + 2, 4).value = "补充经费"
    ws.cell(total + 2, 5).value = 12345
    wb.save(p)
    result = read_workbook(p)
    [note] = [n for n in result.notes if n.rule == "READ-UNFITTED"]
    assert note.severity == "warning" and note.cells == (f"部门收入总表!D{total + 2}",)
    assert "没有科目编码" in note.message and "部门收入总表" in note.message


def test_codes_joined_in_one_column_read_the_same(filled, pdf_masters, tmp_path):
    """A budget-system export prints 2040601 in one cell where the template splits it over 类/款/项."""
    p = tmp_path / "合写编码.xlsx"
    wb = openpyxl.load_workbook(filled["dept"])
    for name in ("部门收入总表", "部门支出总表", "部门一般公共预算拨款表"):
        ws = wb[name]
        for r in range(1, ws.max_row + 1):
            parts = [ws.cell(r, c).value for c in (1, 2, 3)]
            if isinstance(parts[0], int):
                ws.cell(r, 1).value = "".join(str(x) for x in parts if x is not None)
                ws.cell(r, 2).value = ws.cell(r, 3).value = None
    wb.save(p)
    budget, findings = _findings(p)
    _b, from_pdf = _findings(pdf_masters["dept"])
    assert _same(findings) == _same(from_pdf)
    assert budget["T3"].get("2040601").cell("code").startswith("部门支出总表!A")


def test_an_error_value_in_a_figure_is_named_at_its_cell_and_not_read_as_blank(filled):
    from budget_xl.read.files import load_grids_calamine
    from budget_xl.read.grid import read_grids
    from budget_xl.read.values import CellError

    grids = load_grids_calamine(filled["unit"])
    ws = grids["单位支出总表"]
    r = next(i for i, row in enumerate(ws) if row and row[0] == "合计")
    ws[r][4] = CellError("#REF!")
    result = read_grids(grids, source="x.xlsx")
    [note] = [n for n in result.notes if n.rule == "READ-CELL-ERROR"]
    assert note.cells == (f"单位支出总表!E{r + 1}",) and note.severity == "error"
    assert result.budget["T3"].total_row.amount("total") is None


def test_each_tables_unit_line_is_read_from_its_sheet(filled, tmp_path):
    p = tmp_path / "万元.xlsx"
    wb = openpyxl.load_workbook(filled["unit"])
    ws = wb["单位收入总表"]
    [cell] = [c for row in ws.iter_rows(max_row=6) for c in row if c.value == "单位：元"]
    cell.value = "单位：万元"
    wb.save(p)
    budget = read_workbook(p).budget
    assert budget["T2"].unit == "万元" and budget["T3"].unit == "元" and budget["T9"].unit == "万元"
    r = run_cli("check", p)
    assert "UNIT-SLIP" in r.stdout and "单位收入总表" in r.stdout


def test_a_santgong_table_left_wholly_blank_is_an_empty_table_not_missing_rows(filled, tmp_path):
    p = tmp_path / "无三公.xlsx"
    wb = openpyxl.load_workbook(filled["unit"])
    ws = wb["单位“三公”经费和机关运行费预算表"]
    row = next(r for r in range(1, ws.max_row + 1) if isinstance(ws.cell(r, 1).value, (int, float)))
    for c in ws[row]:
        c.value = None
    wb.save(p)
    budget, findings = _findings(p)
    assert {r.key for r in budget["T9"].rows} >= {"total", "abroad", "recep", "car", "car_buy", "car_run", "opex"}
    assert not [f for f in findings if f.rule == "C-ROWS"]
    assert [f.rule for f in findings if f.severity != "info"] == ["C-EMPTY-NOTE"]


def test_a_reviewers_batch_takes_xls_and_marks_it_as_xlsx(filled, filled_xls, tmp_path):
    folder = tmp_path / "各部门"
    folder.mkdir()
    shutil.copy(filled_xls, folder / "商务委.xls")
    shutil.copy(filled["dept"], folder / "司法局.xlsx")
    r = run_cli("check", folder / "商务委.xls", folder / "司法局.xlsx", "--mark", tmp_path / "标注")
    assert r.returncode == 1, r.stderr  # 司法局 has its three real defects
    assert sorted(p.name for p in (tmp_path / "标注").iterdir()) == ["司法局_标注.xlsx", "商务委_标注.xlsx"]
    assert openpyxl.load_workbook(tmp_path / "标注" / "商务委_标注.xlsx").sheetnames[0] == "校验结果"
    r = run_cli("batch", folder, "--report", tmp_path / "报告.xlsx")
    assert "共 2 个文件" in r.stdout and "无法读取 0 个" in r.stdout


def test_an_export_without_title_rows_is_known_by_its_sheet_names(filled, pdf_masters, tmp_path):
    """The budget system's export: sheets named “2.11单位支出总表”, no title row above the header."""
    p = tmp_path / "导出.xlsx"
    wb = openpyxl.load_workbook(filled["unit"])
    names = {"单位收入总表": "2.10单位收入总表", "单位支出总表": "2.11单位支出总表"}
    for old, new in names.items():
        ws = wb[old]
        ws.title = new
        title = next(c for row in ws.iter_rows(max_row=3) for c in row if isinstance(c.value, str) and "预算" in c.value)
        title.value = None
    wb.save(p)
    budget, findings = _findings(p)
    assert budget["T2"].sheet == "2.10单位收入总表" and budget["T3"].sheet == "2.11单位支出总表"
    _b, from_pdf = _findings(pdf_masters["unit"])
    assert _same(findings) == _same(from_pdf)
