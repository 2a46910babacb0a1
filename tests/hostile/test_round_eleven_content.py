"""Hostile input, round eleven, content (inputs from tests/hostile/round_eleven_content.py).

Found failing: every shared-string index written “3.0” or “3E0” (a writer printing the index as a double) read
every text of the workbook blank, and check said 找不到“基本信息”的表头; fill and --mark refused it as damaged XML.
An inline-string cell holding a ``<v>`` beside its ``<is>`` read blank (the typed 3397.31 hidden), and the
copy --mark or fill wrote of one whose ``<is>`` was empty lost the figure. An amount whose commas are no
千分位 (“3397，31”) was read as 339731 (every comma dropped). A sheet text reading “[[t1]]” was taken for the
template's table marker and the narrative refused, blaming 02_overall.md.j2 (“[[机构设置表]]” inserted a
table); a department name typed on two lines split the narrative's title into a heading and a paragraph;
one typed “**承德市**司法局” printed bold in Word and lost its asterisks in .txt (raw Markdown in .md).
An .ods was only “不是 Excel 工作簿”, an .ods renamed .xlsx “文件已损坏”, a .fods renamed .xlsx “纯文本文件”,
and import took a .fods for a text without tables.

Kinds that already behaved (run by the probe, ``--round 11``): a workbook written from scratch by openpyxl
or by pandas (both engines) gives the sample's findings, so does the 1904 date system, an array or a
data-table formula with its result, the sample saved by LibreOffice as .xlsx; a shared formula's follower
without a result is 公式未计算; control characters, lone surrogates, 32,767-character cells, astral CJK,
emoji and Jinja-looking text reach every export printed as they are.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.hostile import round_eleven_content as r11
from tests.hostile.test_corpus import findings


def build(name: str, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return {**r11.xlsx_inputs(), **r11.other_inputs()}[name](folder)


def digest(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


# -- cells other writers spell otherwise ---------------------------------------------------------------
def test_a_shared_string_index_written_as_a_double_reads_as_the_sample(tmp_path, sample_findings):
    src = build("shared-index-float", tmp_path / "in")
    before = digest(src)
    assert findings(src) == sample_findings
    out = tmp_path / "重算.xlsx"
    r = run_cli("fill", src, "-o", out)
    assert r.returncode == 0 and "无法修复" not in r.stdout + r.stderr, r.stdout + r.stderr
    assert findings(out) == sample_findings
    assert digest(src) == before


def test_odd_cells_are_spelt_as_excel_spells_them():
    from budget_xl.read.files import mended_cells

    ss = (b'<row r="1"><c r="A1" t="s"><v>3.0</v></c><c r="B1" t="s"><v>4E0</v></c>'
          b'<c r="C1" t="s"><v> 5 </v></c><c r="D1" t="s"><v>6</v></c></row>')
    assert mended_cells(ss) == (b'<row r="1"><c r="A1" t="s"><v>3</v></c><c r="B1" t="s"><v>4</v></c>'
                                b'<c r="C1" t="s"><v>5</v></c><c r="D1" t="s"><v>6</v></c></row>')
    inline = b'<c r="D7" t="inlineStr"><is><t>9999</t></is><v>3397.31</v></c>'
    assert mended_cells(inline) == b'<c r="D7" t="inlineStr"><is><t>9999</t></is></c>'  # the <is>, as Excel shows it
    empty = b'<x:c r="D7" t="inlineStr"><x:is/><x:v>3397.31</x:v></x:c>'
    assert mended_cells(empty) == b'<x:c r="D7" t="inlineStr"><x:is><x:t xml:space="preserve">3397.31</x:t></x:is></x:c>'
    usual = b'<c r="A1" t="s"><v>3</v></c><c r="D7" t="inlineStr"><is><t>x</t></is></c><c r="E7"><v>1.5</v></c>'
    assert mended_cells(usual) is usual
    assert mended_cells(b'<c r="A1" t="s"><v>2.5</v></c>') == b'<c r="A1" t="s"><v>2.5</v></c>'  # no index: left to the reader


@pytest.mark.parametrize("name", ["inline-and-v", "inline-empty-and-v"])
def test_an_inline_string_beside_a_value_is_read_and_kept_not_blank(name, tmp_path):
    import openpyxl

    src = build(name, tmp_path / "in")
    r = run_cli("check", src, "--mark", tmp_path / "标注.xlsx")
    text = r.stdout + r.stderr
    assert r.returncode == 0 and "支出总表!D7 的数字以文本形式存储（“3397.31”）" in text, text
    assert "错误 0 条，警告 5 条，提示 33 条" in text, text  # the sample's, and the one warning: the figure is there
    assert openpyxl.load_workbook(tmp_path / "标注.xlsx")["支出总表"]["D7"].value == "3397.31"


# -- amounts -----------------------------------------------------------------------------------------------
def test_commas_that_are_no_thousands_separators_are_not_dropped(tmp_path):
    from decimal import Decimal

    from budget_xl.read.values import parse_number

    assert [parse_number(s).value for s in ("3,397.31", "3，397.31", "1,234,567", "(1,234.00)", "１，２３４．５")] == \
        [Decimal("3397.31"), Decimal("3397.31"), Decimal(1234567), Decimal("-1234.00"), Decimal("1234.5")]
    assert [parse_number(s).how for s in ("3397，31", "33,97.31", "1,234,56", ",3397", "3397.31,", "0,5")] == ["bad"] * 6
    r = run_cli("check", build("amount-bad-grouping", tmp_path))
    assert r.returncode == 1, r.stdout
    assert "支出总表!D7 的内容“3397，31”不是有效金额（逗号只能作千分位，每三位一个；小数点应写作“.”）" in r.stdout, r.stdout


# -- the narrative prints what cells hold -----------------------------------------------------------------
def test_a_sheet_text_like_markup_or_on_two_lines_is_printed_as_text(tmp_path):
    import openpyxl

    from tests.hostile.make_corpus import sample_bytes

    wb = openpyxl.load_workbook(io.BytesIO(sample_bytes()))
    wb["说明文字"]["C3"].value = "前文\n[[t1]]\n[[机构设置表]]\n后文"
    wb["基本信息"]["B3"].value = "**承德市**\n司法局"
    src = tmp_path / "主表.xlsx"
    wb.save(src)
    r = run_cli("narrative", src, "-o", tmp_path / "说明.txt")
    assert r.returncode == 0, r.stdout + r.stderr
    lines = (tmp_path / "说明.txt").read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "**承德市**司法局2024年部门预算信息公开情况说明", lines[:3]  # one line, its asterisks as typed
    assert "\u3000\u3000[[t1]]" in lines and "\u3000\u3000[[机构设置表]]" in lines, lines
    assert lines.count("部门机构设置情况") == 1  # the template's one table, not a second
    r = run_cli("narrative", src, "-o", tmp_path / "说明.md")
    md = (tmp_path / "说明.md").read_text(encoding="utf-8-sig").splitlines()
    assert md[0] == "# \\*\\*承德市\\*\\*司法局2024年部门预算信息公开情况说明", md[:2]  # a sheet text's asterisks escaped
    assert "1、**财政拨款收入**：指本级财政当年拨付的资金，包括一般公共预算拨款、政府性基金预算拨款、国有资本经营预算拨款。" in md


# -- other programs' spreadsheets ----------------------------------------------------------------------------
@pytest.mark.parametrize("name, said", [
    ("ods", "这是 LibreOffice、WPS 保存的 .ods 电子表格（开放文档格式），不是 Excel 工作簿"),
    ("fods", "这是 LibreOffice 保存的单文件 .fods 电子表格（开放文档格式），不是 Excel 工作簿"),
    ("ods-renamed-xlsx", "这是 LibreOffice、WPS 保存的 .ods 电子表格（开放文档格式），只是扩展名为 Excel 的"),
])
@pytest.mark.parametrize("command", ["check", "import"])
def test_an_opendocument_spreadsheet_is_named_as_what_it_is(name, said, command, tmp_path):
    src = build(name, tmp_path)
    before = digest(src)
    argv = ["check", src] if command == "check" else ["import", src, "-o", tmp_path / "导入.xlsx"]
    r = run_cli(*argv)
    text = r.stdout + r.stderr
    assert r.returncode == 2 and said in text and "另存为" in text and "已损坏" not in text, text
    assert digest(src) == before and not (tmp_path / "导入.xlsx").exists()
