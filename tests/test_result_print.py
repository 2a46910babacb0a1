"""校验结果 printed (issue 17): LibreOffice prints the sheet of the sample with 40+ findings on A4 landscape pages one
column-set wide — every page carries the whole header row, 序号 to 说明 — and no 问题 text is cut."""

from __future__ import annotations

import re
import subprocess
from decimal import Decimal

import openpyxl
import pytest

from budget_xl.sample import sample_budget
from tests.conftest import run_cli, soffice
from tests.fill_scenarios import consistent_edit, materialize

A4_LONG, A4_SHORT = 841.89, 595.28  # points


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_the_result_sheet_prints_one_page_wide_with_nothing_cut(tmp_path):
    pypdf = pytest.importorskip("pypdf")
    exe = soffice("calc", "cjk")  # without a Chinese font the page's text comes out as other glyphs
    src = tmp_path / "改后.xlsx"
    materialize(consistent_edit(sample_budget(), "2040605", Decimal("5.00")), src)
    marked = tmp_path / "标注.xlsx"
    assert run_cli("check", src, "--mark", marked).returncode == 1
    wb = openpyxl.load_workbook(marked)
    for name in wb.sheetnames:
        if name != "校验结果":
            del wb[name]  # print the one sheet
    sheet = tmp_path / "校验结果.xlsx"
    wb.save(sheet)
    ws = wb["校验结果"]
    problems = [r[4] for r in ws.iter_rows(min_row=3, values_only=True) if isinstance(r[0], int)]
    assert len(problems) >= 40
    subprocess.run([exe, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(sheet)],
                   check=True, capture_output=True, timeout=180)
    pdf = pypdf.PdfReader(tmp_path / "校验结果.pdf")
    pages = [p.extract_text() for p in pdf.pages]
    assert 1 < len(pages) <= 8
    for p in pdf.pages:  # A4 landscape
        assert abs(float(p.mediabox.width) - A4_LONG) < 1 and abs(float(p.mediabox.height) - A4_SHORT) < 1
    for text in pages:  # one column-set wide: the whole header on every page, no page of overflow columns
        assert "序号" in text and "说明（请填写）" in text
    printed = _squash("".join(pages))
    for problem in problems:  # wrapped, each row as tall as its text: every 问题 printed whole
        assert _squash(problem) in printed, problem
    assert pages[0].index("LOCATE") < pages[0].index("T2-ROW-SUM")  # the cells to fix first lead
