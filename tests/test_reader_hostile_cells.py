"""Every cell read as what it is: error values, formulas without results, merged and duplicate codes,
control characters, years — and 重算汇总 refuses to write while the reader reports errors."""

from __future__ import annotations

import zipfile
from datetime import datetime
from decimal import Decimal

import openpyxl
import pytest

from budget_xl.errors import InputError
from budget_xl.model import parse_year
from budget_xl.read import read_workbook
from budget_xl.read.files import check_workbook_file
from budget_xl.read.values import parse_number
from budget_xl.writeback import apply_changes, original_content


def _patch(src, dst, sheet_part, old: bytes, new: bytes):
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == sheet_part:
                assert old in data
                data = data.replace(old, new, 1)
            zout.writestr(info.filename, data)
    return dst


def _part(path, sheet):
    from budget_xl.read.files import _sheet_paths

    return _sheet_paths(zipfile.ZipFile(path))[sheet]


def _notes(path, rule):
    return [n for n in read_workbook(path).notes if n.rule == rule]


def test_an_error_value_is_reported_as_itself_not_as_blank(sample_file, tmp_path):
    part = _part(sample_file, "支出总表")
    data = zipfile.ZipFile(sample_file).read(part)
    start = data.index(b'<c r="D9"')
    cell = data[start:data.index(b"</c>", start) + 4]
    (n,) = _notes(_patch(sample_file, tmp_path / "ref.xlsx", part, cell, b'<c r="D9" t="e"><v>#REF!</v></c>'),
                  "READ-CELL-ERROR")
    assert "支出总表!D9 单元格是 #REF!" in n.message and n.cells == ("支出总表!D9",)


def test_formulas_without_results_are_reported_once_with_a_hint(tmp_path, sample_file):
    wb = openpyxl.load_workbook(sample_file)
    wb["支出总表"]["D7"].value = "=D8+D13"
    wb["支出总表"]["D6"].value = "=D7"
    wb.save(tmp_path / "f.xlsx")
    (n,) = _notes(tmp_path / "f.xlsx", "READ-FORMULA-UNCACHED")
    assert n.severity == "error" and n.message.startswith("公式未计算") and "在 Excel 或 WPS 中打开并保存" in n.message
    assert set(n.cells) == {"支出总表!D6", "支出总表!D7"}


def test_a_merged_code_cell_and_a_duplicate_code_are_errors_and_fill_refuses_naming_them(sample_file, tmp_path):
    from tests.test_outputs import run

    wb = openpyxl.load_workbook(sample_file)
    wb["支出总表"].merge_cells("B9:B10")
    wb.save(tmp_path / "merged.xlsx")
    (n,) = _notes(tmp_path / "merged.xlsx", "READ-MERGED")
    assert "支出总表!B9:B10 是合并单元格" in n.message
    code, out = run("fill", tmp_path / "merged.xlsx", "-o", tmp_path / "o.xlsx")
    assert code == 2 and "合并单元格" in out and "重算汇总没有进行" in out
    assert not (tmp_path / "o.xlsx").exists()

    wb = openpyxl.load_workbook(sample_file)
    wb["支出总表"]["B10"].value = "2040601"
    wb.save(tmp_path / "dup.xlsx")
    (n,) = _notes(tmp_path / "dup.xlsx", "READ-DUP-CODE")
    assert "科目编码 2040601 重复出现（第9行和第10行）" in n.message
    code, out = run("fill", tmp_path / "dup.xlsx", "-o", tmp_path / "o.xlsx")
    assert code == 2 and "重复出现" in out


def test_fill_keeps_a_users_formula_and_names_it(sample_file, tmp_path):
    from tests.test_outputs import run

    part = _part(sample_file, "三公经费表")
    data = zipfile.ZipFile(sample_file).read(part)
    start = data.index(b'<c r="C6"')
    cell = data[start:data.index(b"</c>", start) + 4]
    p = _patch(sample_file, tmp_path / "f.xlsx", part, cell, b'<c r="C6"><f>SUM(C7:C9)+1</f><v>15.55</v></c>')
    code, out = run("fill", p, "-o", tmp_path / "o.xlsx")
    assert code == 0 and "三公经费表!C6" in out and "公式保留未改写" in out
    assert "保存时没有计算结果" in out  # openpyxl keeps the formula, not its result: the user is told
    wb = openpyxl.load_workbook(tmp_path / "o.xlsx")
    assert wb["三公经费表"]["C6"].value == "=SUM(C7:C9)+1"
    log = [r for r in wb["变更记录"].iter_rows(min_row=3, values_only=True)]
    assert any(r[1] == "三公经费表!C6" and "公式" in r[2] for r in log)


@pytest.mark.parametrize("value, kept", [
    ("12.3万", "12.3万"), (True, "TRUE"), (datetime(2024, 1, 2), "2024-01-02 00:00:00"),
    ("\u2212967.35", "\u2212967.35"), ("\u200b", "\u200b"), ("=SUM(A1:A2)", "=SUM(A1:A2)"), (15.55, 15.55),
    (None, None),
])
def test_the_change_log_keeps_the_original_content_whatever_it_was(sample_file, tmp_path, value, kept):
    from budget_xl.fill import Change

    wb = openpyxl.load_workbook(sample_file)
    c = wb["三公经费表"]["C6"]
    c.value = value
    if isinstance(value, str) and value.startswith("="):
        c.data_type = "s"  # typed as text (with a leading apostrophe), not a formula
    wb.save(tmp_path / "in.xlsx")
    written, formulas = apply_changes(tmp_path / "in.xlsx", tmp_path / "out.xlsx",
                                      [Change("三公经费表!C6", None, Decimal("14.55"), "三公经费表“合计”")])
    assert len(written) == 1 and formulas == []
    out = openpyxl.load_workbook(tmp_path / "out.xlsx")
    assert out["三公经费表"]["C6"].value == 14.55
    row = [r for r in out["变更记录"].iter_rows(min_row=3, values_only=True) if r[1] == "三公经费表!C6"][-1]
    assert row[3] == kept
    assert original_content(value) == kept


def test_control_characters_are_dropped_and_reported(sample_file, tmp_path):
    part = _part(sample_file, "基本信息")
    data = zipfile.ZipFile(sample_file).read(part)
    start = data.index(b'<c r="B3"')
    cell = data[start:data.index(b"</c>", start) + 4]
    p = _patch(sample_file, tmp_path / "c.xlsx", part, cell,
               '<c r="B3" t="inlineStr"><is><t>承德市_x0001_司法局</t></is></c>'.encode())
    result = read_workbook(p)
    assert result.budget.dept_name == "承德市司法局"
    assert any(n.rule == "READ-CONTROL-CHAR" and n.cells == ("基本信息!B3",) for n in result.notes)


@pytest.mark.parametrize("text, year", [("2024", 2024), ("2024年", 2024), ("二〇二四年", 2024), ("2024年度", 2024),
                                        ("99999999999", None), ("24", None), ("1800", None), ("", None)])
def test_years(text, year):
    assert parse_year(text) == year


def test_a_percent_read_from_text_prints_without_exponent():
    p = parse_number("0.9", percent=True)
    assert p.value == Decimal(90) and str(p.value) == "90"


def test_a_renamed_old_xls_is_not_called_password_protected(tmp_path):
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1016
    p = tmp_path / "旧.xlsx"
    p.write_bytes(ole + "Workbook".encode("utf-16-le") + b"\0\0" + b"\0" * 100)
    with pytest.raises(InputError, match="旧版 .xls") as e:
        check_workbook_file(p)
    assert "密码" not in str(e.value)
    p.write_bytes(ole + "EncryptedPackage".encode("utf-16-le") + b"\0\0")
    with pytest.raises(InputError, match="密码"):
        check_workbook_file(p)


def test_a_fifo_is_refused_without_opening_it(tmp_path):
    import os

    p = tmp_path / "管道.xlsx"
    os.mkfifo(p)
    with pytest.raises(InputError, match="不是普通文件"):
        check_workbook_file(p)


def test_rich_markup_in_names_prints_literally(sample_file, tmp_path):
    from tests.test_outputs import run

    wb = openpyxl.load_workbook(sample_file)
    wb["基本信息"]["B3"].value = "承德市[/bold]司法局[red]"
    wb["支出总表"]["C9"].value = "行政运行[red]"
    wb["支出总表"]["D7"].value = 3497.31
    wb.save(tmp_path / "m.xlsx")
    code, out = run("check", tmp_path / "m.xlsx")
    assert code == 1 and "行政运行[red]" in out
    code, out = run("show", tmp_path / "m.xlsx")
    assert code == 0 and "承德市[/bold]司法局[red]" in out


def test_a_zip_bomb_is_refused_from_its_directory(tmp_path):
    from tests.hostile.make_corpus import zip_bomb

    p = tmp_path / "炸弹.xlsx"
    p.write_bytes(zip_bomb(50))
    with pytest.raises(InputError, match="压缩炸弹"):
        check_workbook_file(p)


def test_a_sheet_reaching_far_away_is_refused_before_a_grid_is_built(sample_file, tmp_path):
    part = _part(sample_file, "收入总表")
    p = _patch(sample_file, tmp_path / "far.xlsx", part, b"</sheetData>",
               b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>')
    with pytest.raises(InputError, match="1048576 行 × 16384 列"):
        read_workbook(p)


def test_text_numbers_read_as_a_user_means(sample_file):
    assert parse_number("\u2212967.35").value == Decimal("-967.35")
    assert parse_number("\u200b").how == "blank"



def test_a_package_of_too_many_parts_is_refused(sample_file, tmp_path):
    p = tmp_path / "碎片.xlsx"
    with zipfile.ZipFile(sample_file) as zin, zipfile.ZipFile(p, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info.filename))
        for i in range(10_001):
            zout.writestr(f"xl/media/x{i}.bin", b"")
    with pytest.raises(InputError, match="10.* 个部件"):
        check_workbook_file(p)
