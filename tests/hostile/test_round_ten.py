"""Hostile input, round ten (inputs from tests/hostile/round_ten.py).

Found failing: a number stored as text that is a double's full printout (“66.73999999999999”, every
number cell typed ``t="str"`` by an exporter) gave a false X-T3-FISCAL error 0.00000000000001 万元 off;
``fill`` and ``--mark`` of a workbook whose relationships spell the sheet parts in another letter case
(``Worksheets/Sheet1.xml``, which Excel opens and ``check`` read) refused with “写出副本时只能读到 0 张”;
a workbook whose sheet parts are named with a space and targeted percent-encoded (``sheet%201.xml``) was
refused by every command (“工作簿目录中列出的工作表“基本信息”在文件里找不到”); a text joined from two
files each saved with a BOM lost the second one's first table (找不到表题); a text copied from Excel with
the empty last columns as trailing tabs was imported with its rows misplaced (25 findings differed from
the same text without them); a zeroed sector in a package (a bad disk) whose data no longer inflates
stopped every command with 内部错误 (zlib.error, exit 3), one failing its checksum was said to lack
“工作簿内容”; a PDF whose tables are scanned pictures, or whose embedded font a bad sector destroyed, was
said to hold no table title at all; a file name typed in NFC for a name stored NFD (a file from a Mac), or
in another letter case, was only “不存在”; blanks around a number in ``<v>`` (a pretty-printing writer)
made every command refuse the workbook; a sheet named with characters Excel forbids (附表[1]*?) made fill
and --mark blame the XML; a WPS picture embedded in an amount cell was quoted as “=DISPIMG("ID_…",1)”.

Kinds that already behaved (regression guards): every element under an ``x:`` prefix, a UTF-8 BOM before
every part, lower-case or missing cell references, rows without numbers, rows with ``spans``, amounts
as text with spaces, full-width digits or a non-breaking space, ``_x000D_`` escapes, relative targets,
hidden and very hidden table sheets, defined names and print titles pointing nowhere, a chartsheet first,
comments, threaded comments and data validation, a zeroed block in the central directory; PDFs with a
script, a broken or blanked cross-reference table, an incremental update, AES-256 owner encryption, junk
before the header, a zero-filled tail; texts with a DOS end-of-file mark, quoted cells, GB18030 or UTF-16
with CR line ends, zero-width spaces in numbers."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tests.hostile import round_ten
from tests.hostile.test_corpus import findings, run


def build(name: str, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return {**round_ten.xlsx_inputs(), **round_ten.pdf_inputs(), **round_ten.text_inputs()}[name](folder)


def digest(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()






# -- numbers stored as text ----------------------------------------------------------------------------
def test_a_double_printed_into_a_text_cell_reads_as_the_double(tmp_path, sample_findings):
    src = build("str-without-formula", tmp_path)
    got = [f for f in findings(src) if f[0] != "READ-TEXT-NUMBER"]
    assert got == sample_findings
    code, text = run(["check", str(src)])
    assert "已按 66.74 读取" in text and "0.00000000000001" not in text, text


def test_a_typed_figure_is_kept_exactly_as_typed():
    from decimal import Decimal

    from budget_xl.read.values import parse_number

    assert parse_number("66.73999999999999").value == Decimal("66.74")
    assert parse_number("-0.30000000000000004").value == Decimal("-0.3")
    assert parse_number("1.1234567").value == Decimal("1.1234567")  # 8 digits: typed, not printed
    assert parse_number("3397.31").value == Decimal("3397.31")
    assert parse_number("(66.73999999999999)").value == Decimal("-66.74")


# -- relationship targets --------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["rels-case-differs", "rels-relative-case-differs", "rels-percent-encoded"])
@pytest.mark.parametrize("command", ["check", "fill", "mark"])
def test_a_target_spelt_otherwise_than_its_part_is_read_and_written(name, command, tmp_path, sample_findings):
    src = build(name, tmp_path)
    before = digest(src)
    out = tmp_path / "副本.xlsx"
    argv = {"check": ["check", str(src)], "fill": ["fill", str(src), "-o", str(out)],
            "mark": ["check", str(src), "--mark", str(out)]}[command]
    code, text = run(argv)
    assert code == 0 and "只能读到" not in text and "找不到" not in text, text
    assert digest(src) == before
    if command != "check":
        assert findings(out) == sample_findings
    else:
        assert findings(src) == sample_findings


# -- texts -------------------------------------------------------------------------------------------------
def _imported(src: Path, out: Path) -> list[tuple]:
    code, text = run(["import", str(src), "-o", str(out)])
    assert code == 0, text
    return findings(out)


@pytest.fixture(scope="module")
def seed_findings(tmp_path_factory):
    from tests.hostile.round_four import seed_text

    d = tmp_path_factory.mktemp("seed")
    (d / "公开.txt").write_text(seed_text(), encoding="utf-8")
    return _imported(d / "公开.txt", d / "主表.xlsx")


@pytest.mark.parametrize("name", ["txt-bom-mid", "txt-trailing-tabs"])
def test_a_text_found_failing_imports_as_the_plain_text(name, tmp_path, seed_findings):
    assert _imported(build(name, tmp_path), tmp_path / "主表.xlsx") == seed_findings


@pytest.mark.parametrize("name", ["txt-ctrl-z", "txt-quoted-cells", "txt-gb18030-cr", "txt-utf16-cr", "txt-zwsp-numbers"])
def test_a_text_that_already_behaved_imports_as_the_plain_text(name, tmp_path, seed_findings):
    assert _imported(build(name, tmp_path), tmp_path / "主表.xlsx") == seed_findings


# -- a broken disk ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("name, sheet, part", [
    ("zeroed-block-sheet", "支出总表", None), ("zeroed-block-inflate", "绩效指标", None),
    ("zeroed-block-workbook", None, "xl/workbook.xml")])
@pytest.mark.parametrize("command", ["check", "fill", "import", "narrative"])
def test_a_zeroed_sector_names_the_damaged_sheet(name, sheet, part, command, tmp_path):
    src = build(name, tmp_path)
    before = digest(src)
    argv = {"check": ["check", str(src)], "fill": ["fill", str(src), "-o", str(tmp_path / "重算.xlsx")],
            "import": ["import", str(src), "-o", str(tmp_path / "导入.xlsx")],
            "narrative": ["narrative", str(src), "-o", str(tmp_path / "说明.docx")]}[command]
    code, text = run(argv)
    assert code == 2 and "内部错误" not in text and "decompressing" not in text, text
    assert "文件已损坏" in text and "校验不符" in text and src.name in text, text
    assert (f"工作表“{sheet}”" in text) if sheet else (f"“{part}”" in text), text
    assert digest(src) == before


# -- PDFs ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["pdf-tables-scanned", "pdf-zeroed-sector"])
@pytest.mark.parametrize("command", ["import", "review"])
def test_pages_without_text_are_named_not_called_a_file_without_tables(name, command, tmp_path):
    src = build(name, tmp_path)
    out = tmp_path / ("导入.xlsx" if command == "import" else "检查表.xlsx")
    code, text = run([command, str(src), "-o", str(out)])
    assert code == 2 and "第3–33页没有文字" in text and "扫描件" in text and "OCR" in text, text
    assert "找不到任何预算公开表的表题，未导入" not in text and src.name in text


def test_one_scanned_page_is_reported_by_import(tmp_path):
    src = build("pdf-one-page-scanned", tmp_path)
    code, text = run(["import", str(src), "-o", str(tmp_path / "导入.xlsx")])
    assert code == 0 and "没有文字（第6页）" in text, text


def test_a_blank_page_is_not_reported_as_without_text(tmp_path):
    import pypdf

    from budget_xl.importers.pdf import Line, Word, _textless_pages
    from tests.hostile.round_nine import _pdf

    p = tmp_path / "空白页.pdf"
    p.write_bytes(_pdf([b"/MediaBox [0 0 612 792] "] * 2))
    wr = pypdf.PdfWriter(clone_from=pypdf.PdfReader(p))
    wr.add_blank_page(612, 792)
    wr.write(p)
    read = [Line(page=1, top=0, words=[Word("预算", 0, 10, 0)])]
    assert _textless_pages(p, read) == [2]  # page 2 draws text that was not read; page 3 draws nothing


@pytest.mark.parametrize("name", ["pdf-javascript", "pdf-startxref-past-end", "pdf-startxref-zero", "pdf-xref-blanked",
                                  "pdf-incremental", "pdf-aes256-owner", "pdf-junk-before-header", "pdf-nul-tail"])
def test_a_pdf_that_already_behaved_imports_as_the_original(name, tmp_path):
    from tests.hostile.round_four import SHANGHAI_PDF

    code, text = run(["import", str(SHANGHAI_PDF), "-o", str(tmp_path / "原.xlsx")])
    assert code == 0, text
    src = build(name, tmp_path / "in")
    code, text = run(["import", str(src), "-o", str(tmp_path / "导入.xlsx")])
    assert code == 0 and "没有文字" not in text, text
    assert findings(tmp_path / "导入.xlsx") == findings(tmp_path / "原.xlsx")


# -- names -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name, said", [("name-nfd-typed-nfc", "字符编码方式不同"), ("name-nfc-typed-nfd", "字符编码方式不同"),
                                        ("name-case-differs", "只是字母大小写不同")])
@pytest.mark.parametrize("command", ["check", "fill", "import", "batch"])
def test_a_name_typed_otherwise_than_stored_is_pointed_at(name, said, command, tmp_path):
    typed = round_ten.path_inputs()[name](tmp_path)
    stored = next(tmp_path.iterdir())
    assert not typed.exists() and stored.name != typed.name
    argv = {"check": ["check", str(typed)], "fill": ["fill", str(typed), "-o", str(tmp_path / "重算.xlsx")],
            "import": ["import", str(typed), "-o", str(tmp_path / "导入.xlsx")], "batch": ["batch", str(typed)]}[command]
    code, text = run(argv)
    assert code == 2 and "不存在" in text and said in text and f"“{stored.name}”" in text, text


# -- other writers' sheet XML ------------------------------------------------------------------------------
@pytest.mark.parametrize("command", ["check", "fill", "mark"])
def test_number_values_padded_with_blanks_are_read(command, tmp_path, sample_findings):
    src = build("v-padded", tmp_path)
    out = tmp_path / "副本.xlsx"
    argv = {"check": ["check", str(src)], "fill": ["fill", str(src), "-o", str(out)],
            "mark": ["check", str(src), "--mark", str(out)]}[command]
    code, text = run(argv)
    assert code == 0 and "不是数字" not in text, text
    assert findings(out if command != "check" else src) == sample_findings


@pytest.mark.parametrize("command", ["fill", "mark"])
def test_a_sheet_name_excel_forbids_is_named_when_no_copy_can_be_written(command, tmp_path, sample_findings):
    src = build("sheet-name-forbidden-chars", tmp_path)
    assert findings(src) == sample_findings  # read as it is
    out = tmp_path / "副本.xlsx"
    argv = ["fill", str(src), "-o", str(out)] if command == "fill" else ["check", str(src), "--mark", str(out)]
    code, text = run(argv)
    assert code == 2 and "工作表名“附表[1]*?”含有 Excel 不允许" in text and "XML" not in text, text
    assert not out.exists()


SAME_AS_SAMPLE = ["ns-prefixed-sheet", "ns-prefixed-all", "ns-prefixed-shared", "utf8-bom-parts", "lowercase-refs",
                  "rows-without-r", "cells-without-r", "rows-with-spans", "strings-x000d-shared", "strings-x000d-inline",
                  "rels-relative", "table-sheet-hidden", "table-sheet-very-hidden", "defined-name-missing-sheet",
                  "print-titles-past-sheets", "chartsheet-first", "comments-validation", "threaded-comments", "wps-dispimg",
                  "dimension-whole-sheet", "dimension-lies-small", "cdata-strings", "formula-after-value",
                  "numbers-summary-first", "sheet-name-40-chars"]


@pytest.mark.parametrize("name", SAME_AS_SAMPLE)
def test_a_workbook_that_already_behaved_gives_the_samples_findings(name, tmp_path, sample_findings):
    assert findings(build(name, tmp_path)) == sample_findings


@pytest.mark.parametrize("name", ["ns-prefixed-all", "utf8-bom-parts", "cdata-strings", "threaded-comments",
                                  "table-sheet-very-hidden", "print-titles-past-sheets"])
def test_a_workbook_that_already_behaved_is_filled(name, tmp_path, sample_findings):
    src = build(name, tmp_path)
    code, text = run(["fill", str(src), "-o", str(tmp_path / "重算.xlsx")])
    assert code == 0 and "已写出" in text, text
    assert findings(tmp_path / "重算.xlsx") == sample_findings


@pytest.mark.parametrize("name, rule", [("amount-fullwidth-text", "READ-TEXT-NUMBER"), ("amount-spaces-around", "READ-TEXT-NUMBER"),
                                        ("amount-nbsp-thousands", "READ-TEXT-NUMBER"), ("control-char-escapes", "READ-CONTROL-CHAR")])
def test_an_odd_text_cell_is_read_with_one_warning(name, rule, tmp_path, sample_findings):
    got = findings(build(name, tmp_path))
    extra = [f for f in got if f not in sample_findings]
    assert [f[0] for f in extra] == [rule] and not [f for f in sample_findings if f not in got]


@pytest.mark.parametrize("name, cell, shown", [("amount-trailing-minus", "支出总表!D7", "3397.31-"),
                                               ("amount-text-exponent", "支出总表!D7", "3.39731E+3"),
                                               ("wps-dispimg-amount", "支出总表!D9", "是一张嵌入单元格的图片")])
def test_an_amount_that_is_no_number_is_an_error_naming_its_cell(name, cell, shown, tmp_path):
    src = build(name, tmp_path)
    code, text = run(["check", str(src)])
    assert code == 1 and "READ-NOT-NUMBER" in text and cell in text and shown in text, text
    code, text = run(["fill", str(src), "-o", str(tmp_path / "重算.xlsx")])
    assert code == 2 and cell in text and "DISPIMG" not in text, text


# -- the lossless writer (a sheet holding what openpyxl drops) --------------------------------------------------
@pytest.fixture(scope="module")
def filled_plain(tmp_path_factory):
    d = tmp_path_factory.mktemp("lossless")
    src = build("lossless-plain", d)
    code, text = run(["fill", str(src), "-o", str(d / "重算.xlsx")])
    assert code == 0 and "改写" in text, text
    return findings(d / "重算.xlsx")


@pytest.mark.parametrize("name", ["lossless-rels-case-differs", "lossless-rels-percent-encoded"])
@pytest.mark.parametrize("command", ["fill", "mark", "inplace"])
def test_the_lossless_writer_finds_a_part_spelt_otherwise(name, command, tmp_path, filled_plain):
    import shutil

    src = build(name, tmp_path / "in")
    out = tmp_path / "副本.xlsx"
    if command == "inplace":
        shutil.copy(src, out)
    argv = {"fill": ["fill", str(src), "-o", str(out)], "mark": ["check", str(src), "--mark", str(out)],
            "inplace": ["fill", str(out), "--in-place"]}[command]
    code, text = run(argv)
    assert code in (0, 1) and "内部错误" not in text and "KeyError" not in text, text
    got = findings(out)
    if command != "mark":
        assert got == filled_plain


# -- attributes as XML allows them, not as Excel writes them ---------------------------------------------------
@pytest.mark.parametrize("name", ["attrs-single-quoted-far-cell", "attrs-spaced-equals-far-cell", "lowercase-refs-far-cell"])
@pytest.mark.parametrize("command", ["check", "fill"])
def test_a_far_cell_written_otherwise_is_refused_before_calamine_allocates(name, command, tmp_path):
    src = build(name, tmp_path)
    argv = ["check", str(src)] if command == "check" else ["fill", str(src), "-o", str(tmp_path / "重算.xlsx")]
    code, text = run(argv)  # the old code: calamine aborted the process (exit 134)
    assert code == 2 and "范围达 1048576 行 × 16384 列" in text and "工作表“支出总表”" in text, text


@pytest.mark.parametrize("name", ["attrs-single-quoted", "attrs-spaced-equals"])
def test_attributes_written_otherwise_read_as_the_sample(name, tmp_path, sample_findings):
    assert findings(build(name, tmp_path)) == sample_findings


@pytest.mark.parametrize("name", ["attrs-single-quoted-error-cells", "attrs-spaced-equals-error-cells"])
def test_error_cells_written_otherwise_are_found(name, tmp_path):
    expected = findings(build("error-cells", tmp_path / "plain"))
    assert ("READ-CELL-ERROR", ("支出总表!D9",), "error") in expected
    assert findings(build(name, tmp_path)) == expected


@pytest.mark.parametrize("name", ["shared-strings-count-lies-single-quoted", "shared-strings-count-lies-spaced"])
@pytest.mark.parametrize("command", ["check", "fill"])
def test_a_lying_shared_strings_count_written_otherwise_is_refused(name, command, tmp_path):
    src = build(name, tmp_path)
    argv = ["check", str(src)] if command == "check" else ["fill", str(src), "-o", str(tmp_path / "重算.xlsx")]
    code, text = run(argv)  # the old code: calamine aborted the process (exit 134)
    assert code == 2 and "声明有 2000000000 条文字" in text, text
