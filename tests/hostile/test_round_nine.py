"""Hostile input, round nine (inputs from tests/hostile/round_nine.py).

Found failing: ``review`` of a PDF whose page is declared kilometres wide stopped with 内部错误（MemoryError）
(the page rendered at 144 dpi asked for a 10^14-pixel bitmap); ``fill`` and ``--mark`` of a workbook whose
workbook part is listed under a content type openpyxl does not know (``check`` reads it) said
“无法读写文件：操作系统拒绝了这次读写”; a package whose members are compressed with bzip2 or LZMA (zipfile
reads them, python-calamine does not) was called damaged; a sheet in UTF-16 was called headerless; a text
typed with full-width digits (“单价在２０万元以上的设备”) gave a false 国有资产 error; a text whose tables are
Markdown rows was said to have its columns split by spaces; a landscape PDF whose pages were turned 90° in a
viewer (tables shown sideways) was “只有情况说明，没有公开表”; a PDF portfolio (blank cover, the disclosure
attached) was called a scan."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tests.hostile import round_nine
from tests.hostile.test_corpus import findings, run


def build(name: str, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return {**round_nine.xlsx_inputs(), **round_nine.pdf_inputs(), **round_nine.text_inputs()}[name](folder)


def digest(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def test_a_page_declared_kilometres_wide_is_reviewed_not_an_internal_error(tmp_path):
    src = build("pdf-huge-mediabox", tmp_path)
    code, text = run(["review", str(src), "-o", str(tmp_path / "检查表.xlsx")])
    assert code == 2 and "内部错误" not in text and "MemoryError" not in text, text
    assert "找不到任何预算公开表的表题" in text and "巨大页.pdf" in text


def test_the_render_scale_is_capped_for_huge_pages_only():
    from budget_xl.review.pages import MAX_PIXELS, SCALE, _scale

    assert _scale(595, 842) == SCALE and _scale(2384, 3370) == SCALE  # A4, A0: as before
    s = _scale(14_400_000, 14_400_000)
    assert 0 < s < SCALE and (14_400_000 * s) ** 2 <= MAX_PIXELS * 1.001
    assert _scale(0, 0) == SCALE


@pytest.mark.parametrize("name", ["workbook-content-type-odd", "workbook-content-type-xml"])
@pytest.mark.parametrize("command", ["fill", "mark"])
def test_a_workbook_part_under_an_odd_content_type_is_written_back(name, command, tmp_path):
    src = build(name, tmp_path)
    before = digest(src)
    out = tmp_path / "副本.xlsx"
    argv = ["fill", str(src), "-o", str(out)] if command == "fill" else ["check", str(src), "--mark", str(out)]
    code, text = run(argv)
    assert code in (0, 1) and "操作系统拒绝" not in text, text
    assert "已写出" in text and out.exists() and digest(src) == before
    code, text = run(["check", str(out)])
    assert code in (0, 1) and "无法读取" not in text, text


def test_a_macro_enabled_workbook_keeps_its_vba_project(tmp_path):
    import zipfile

    src = build("xlsm-vba", tmp_path)
    out = tmp_path / "重算.xlsm"
    code, text = run(["fill", str(src), "-o", str(out)])
    assert code == 0, text
    assert "xl/vbaProject.bin" in zipfile.ZipFile(out).namelist()




def _read_as_the_sample(name: str, tmp_path: Path) -> tuple[Path, str]:
    """Input ``name`` built, checked to give the sample's own findings; (its path, its digest before)."""
    from tests.hostile.make_corpus import sample_bytes

    sample = tmp_path / "样例.xlsx"
    sample.write_bytes(sample_bytes())
    src = build(name, tmp_path / "in")
    before = digest(src)
    assert findings(src) == findings(sample)
    return src, before


@pytest.mark.parametrize("name", ["zip-bzip2-sheet", "zip-lzma-all"])
def test_members_compressed_with_bzip2_or_lzma_are_read_not_called_damaged(name, tmp_path):
    """python-calamine refused them ("compression method not supported"): 文件无法读取…可能已损坏."""
    import zipfile

    src, before = _read_as_the_sample(name, tmp_path)
    out = tmp_path / "重算.xlsx"
    code, text = run(["fill", str(src), "-o", str(out)])
    assert code == 0 and "已写出" in text, text
    assert {i.compress_type for i in zipfile.ZipFile(out).infolist()} == {zipfile.ZIP_DEFLATED}  # Excel opens it
    assert digest(src) == before


@pytest.mark.parametrize("name", ["sheet-utf16", "all-parts-utf16"])
def test_parts_in_utf16_are_read_not_called_headerless(name, tmp_path):
    """python-calamine read a UTF-16 sheet as empty: “找不到…的表头”, naming A1 of a sheet that has it."""
    src, before = _read_as_the_sample(name, tmp_path)
    assert digest(src) == before


@pytest.mark.parametrize(("name", "words"), [
    ("sheet-utf16-far-cell", "1048576 行 × 16384 列"),
    ("shared-strings-utf16-count-lies", "声明有 2000000000 条文字"),
])
def test_the_guards_read_utf16_parts_as_the_reader_does(name, words, tmp_path):
    """Once UTF-16 parts reach python-calamine, the byte searches guarding it must see them too (else:
    exit 134, a Rust abort). In a subprocess: an abort would take pytest with it."""
    import subprocess
    import sys

    src = build(name, tmp_path)
    proc = subprocess.run([sys.executable, "-m", "budget_xl", "check", str(src)], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 2 and words in proc.stderr + proc.stdout, (proc.returncode, proc.stderr[-800:])


def test_a_label_with_full_width_digits_is_the_row_it_names(tmp_path):
    src = build("txt-fullwidth-digits", tmp_path / "in")
    out = tmp_path / "导入.xlsx"
    code, text = run(["import", str(src), "-o", str(out)])
    assert code == 0, text
    code, text = run(["check", str(out)])
    assert code == 0 and "错误 0 条" in text and "ASSET-LINE-SUM" not in text, text


def test_a_text_of_markdown_tables_is_said_to_be_one(tmp_path):
    src = build("txt-markdown-pipes", tmp_path)
    code, text = run(["import", str(src), "-o", str(tmp_path / "导入.xlsx")])
    assert code == 2 and "竖线“|”" in text and "用空格隔开" not in text, text
    code, text = run(["batch", str(src)])
    assert code == 1 and "竖线“|”" in text, text


@pytest.fixture(scope="module")
def upright_findings(tmp_path_factory):
    d = tmp_path_factory.mktemp("upright")
    code, text = run(["import", str(round_nine.SHANGHAI_2026), "-o", str(d / "导入.xlsx")])
    assert code == 0, text
    return findings(d / "导入.xlsx")


@pytest.mark.parametrize("name", ["pdf-turned-90", "pdf-turned-minus-450"])
def test_a_pdf_turned_sideways_is_imported_as_the_upright_one(name, upright_findings, tmp_path):
    src = build(name, tmp_path / "in")
    out = tmp_path / "导入.xlsx"
    code, text = run(["import", str(src), "-o", str(out)])
    assert code == 0 and "共找到 9 张表" in text, text
    assert findings(out) == upright_findings


@pytest.mark.parametrize("command", ["import", "review"])
def test_a_pdf_portfolio_is_said_to_carry_the_file_not_called_a_scan(command, tmp_path):
    src = build("pdf-portfolio", tmp_path)
    code, text = run([command, str(src), "-o", str(tmp_path / "输出.xlsx")])
    assert code == 2 and "附有 1 个文件" in text and "扫描件" not in text, text


@pytest.mark.parametrize("command", ["import", "batch"])
def test_a_text_saved_as_csv_is_said_to_be_comma_separated(command, tmp_path):
    """Excel's “CSV（逗号分隔）” renamed .txt got the generic “找不到预算公开表格” (round nine's left-over)."""
    from tests.hostile.round_four import seed_text

    src = tmp_path / "公开.txt"
    src.write_text(seed_text().replace("\t", ","), encoding="utf-8")
    argv = ["import", str(src), "-o", str(tmp_path / "导入.xlsx")] if command == "import" else \
        ["batch", str(src), "--jobs", "1"]
    code, text = run(argv)
    assert code in (1, 2), text
    assert "这份文本的列是用逗号隔开的" in text and "文本文件（制表符分隔）" in text


def test_a_text_with_commas_in_its_sentences_is_not_taken_for_csv():
    from budget_xl.importers.cli import commas_for_tabs
    from tests.hostile.round_four import seed_text

    assert not commas_for_tabs(seed_text())  # tabs between cells, commas only inside figures and sentences
    assert not commas_for_tabs("收入,支出,结余\n" * 3)  # a few lines are not a table
    assert not commas_for_tabs("收入4,148.23万元、支出3,060.90万元、结余1,087.33万元。\n" * 8)  # figures' thousands
