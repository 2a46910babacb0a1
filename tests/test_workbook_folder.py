"""The committed workbooks are what the writer produces today, and a real spreadsheet program prints them."""

import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import ROOT, soffice

FOLDER = ROOT / "workbook"
BLANK = FOLDER / "预算公开主表_空白模板.xlsx"
SAMPLE = FOLDER / "样例_承德市司法局2024.xlsx"


def signature(path: Path) -> dict:
    """Everything a user sees in a workbook: values, formats, merges, widths, freeze, print setup."""
    wb = openpyxl.load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        cells = {c.coordinate: (c.value, c.number_format, c.font.b, c.fill.fgColor.rgb)
                 for row in ws.iter_rows() for c in row if c.value is not None or c.border.left.style}
        out[ws.title] = {
            "cells": cells,
            "merged": sorted(str(m) for m in ws.merged_cells.ranges),
            "widths": {k: v.width for k, v in ws.column_dimensions.items()},
            "freeze": ws.freeze_panes,
            "print": (ws.page_setup.orientation, ws.page_setup.paperSize, ws.page_setup.fitToWidth,
                      ws.print_title_rows),
        }
    return out


@pytest.mark.parametrize("committed, command", [(BLANK, "new"), (SAMPLE, "sample")])
def test_committed_workbooks_are_what_the_writer_produces(tmp_path, committed, command):
    from tests.conftest import run_cli

    fresh = tmp_path / committed.name
    assert run_cli(command, "-o", fresh).returncode == 0
    assert signature(fresh) == signature(committed), f"请重新生成 {committed.name}（见 workbook/README.md）"


def test_sheets_look_like_the_official_tables():
    wb = openpyxl.load_workbook(SAMPLE)
    ws = wb["收入总表"]
    assert ws["A1"].value == "部门预算收入总表"
    assert "A1:M1" in [str(m) for m in ws.merged_cells.ranges]          # title across the table
    assert "E3:L3" in [str(m) for m in ws.merged_cells.ranges]          # 本年收入 over its 8 columns
    assert ws["A5"].value == "栏次" and ws["M5"].value == 12
    assert ws["D6"].number_format == "#,##0.00" and ws["D6"].value == 4148.23
    assert ws.freeze_panes == "D6"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws["M2"].value.startswith('="单位："&基本信息!')


@pytest.fixture(scope="module")
def printed_workbooks(tmp_path_factory) -> dict[Path, Path]:
    """Both workbooks printed to PDF by LibreOffice Calc in one run (a start of soffice takes seconds)."""
    exe = soffice("calc", "cjk")  # the PDF's Chinese titles need a CJK font
    d = tmp_path_factory.mktemp("printed")
    srcs = {BLANK: d / "blank.xlsx", SAMPLE: d / "sample.xlsx"}  # ASCII copies: soffice and odd names
    for path, src in srcs.items():
        shutil.copy(path, src)
    subprocess.run([exe, f"-env:UserInstallation=file://{d}/lo-profile", "--headless", "--convert-to", "pdf",
                    "--outdir", str(d), *map(str, srcs.values())],
                   check=True, capture_output=True, timeout=240)
    return {path: src.with_suffix(".pdf") for path, src in srcs.items()}


@pytest.mark.parametrize("path", [BLANK, SAMPLE], ids=["blank", "sample"])
def test_libreoffice_opens_and_prints_the_workbook(printed_workbooks, path):
    pdf = printed_workbooks[path]
    assert pdf.exists()
    pdfplumber = pytest.importorskip("pdfplumber")
    with pdfplumber.open(pdf) as doc:
        pages = len(doc.pages)
        text = "".join((p.extract_text() or "") for p in doc.pages)
    assert pages >= 18  # at least one page per sheet
    for title in ("部门预算收支总表", "部门预算财政拨款“三公”经费支出表", "部门固定资产占用情况表"):
        assert title in text
    if path == SAMPLE:
        assert "3,771.58" in text and "4,720.92" in text
        assert re.search(r"单位：万元", text)  # the 单位 line is a formula LibreOffice computed


def test_the_master_workbook_carries_the_hidden_xlwings_conf_sheet():
    wb = openpyxl.load_workbook(BLANK)
    conf = wb["xlwings.conf"]
    assert conf.sheet_state == "hidden"
    assert dict((r[0], r[1]) for r in conf.iter_rows(values_only=True))["UDF Modules"] == "budget_xl.excel.udfs"
