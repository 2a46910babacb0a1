"""Localization through the command line: check shows the cell to fix; narrative and document refuse errors."""

import json

import docx
import openpyxl
import pytest

from budget_xl.read import read_workbook
from tests.conftest import run_cli


@pytest.fixture
def misplaced(sample_copy):
    """The 行政运行 case in a real file: 6484.05 typed into the blank 项目支出 cell of 2040601."""
    ref = read_workbook(sample_copy).budget["T3"].get("2040601").cell("project")
    sheet, _, addr = ref.rpartition("!")
    wb = openpyxl.load_workbook(sample_copy)
    assert wb[sheet][addr].value in (None, "")
    wb[sheet][addr] = 6484.05
    wb.save(sample_copy)
    return sample_copy, ref


def test_check_names_the_cell_to_fix_first_with_its_findings_folded_under_it(misplaced):
    path, ref = misplaced
    r = run_cli("check", path, "--json")
    assert r.returncode == 1
    data = json.loads(r.stdout)
    head = data["findings"][0]
    assert head["rule"] == "LOCATE" and head["cells"] == [ref] and head["kind"] == "多填（应为空白或0）"
    assert head["message"].startswith(f"最可能出错：{ref}（2040601 行政运行·项目支出）")
    folded = [f for f in data["findings"] if f.get("folded_under") == ref]
    assert len(folded) == len(head["explains"]) >= 2
    assert data["summary"]["located"] == 1
    assert data["summary"]["error"] == sum(1 for f in data["findings"] if f["severity"] == "error") - 1

    text = run_cli("check", path).stdout
    assert "【最可能出错的单元格】" in text and "定位 1 处（最可能出错的单元格）" in text
    assert text.index("最可能出错：") < text.index("T3-TREE-SUM")


def test_narrative_refuses_a_workbook_with_errors_and_names_the_cell(misplaced, tmp_path):
    path, ref = misplaced
    out = tmp_path / "情况说明.docx"
    r = run_cli("narrative", path, "-o", out)
    assert r.returncode == 2 and not out.exists()
    assert "校验错误" in r.stderr and f"最可能出错：{ref}" in r.stderr and "--force" in r.stderr


def test_forced_outputs_are_marked_as_drafts_on_the_first_page(misplaced, tmp_path):
    path, _ = misplaced
    errors = json.loads(run_cli("check", path, "--json").stdout)["summary"]["error"]
    banner = f"草稿：尚有{errors}处校验错误"
    out = tmp_path / "情况说明.docx"
    r = run_cli("narrative", path, "-o", out, "--force")
    assert r.returncode == 0, r.stderr
    assert docx.Document(out).paragraphs[0].text == banner
    md = tmp_path / "情况说明.md"
    assert run_cli("narrative", path, "-o", md, "--force").returncode == 0
    assert md.read_text(encoding="utf-8").startswith(f"> **{banner}**\n\n# ")
    doc = tmp_path / "公开文件.docx"
    r = run_cli("document", path, "-o", doc, "--force")
    assert r.returncode == 0, r.stderr
    assert docx.Document(doc).paragraphs[0].text == banner
