"""Hostile input, round seven: each kind the probe's round seven (``tests/hostile/probe.py --round 7``,
inputs from tests/hostile/round_seven.py) found wrong, asserted at its root, in-process.

Kinds: a file name whose bytes are not UTF-8 (a GBK zip unpacked on Linux) read as "已损坏" (workbooks) or
told to fix the locale (PDFs); an empty-string argument silently ignored (``--mark ""``, ``--budget ""``,
``--prior ""``), taken as the current folder (``batch ""``, ``synth --out ""``) or shown as a file “.”;
a sheet or file name holding an invisible character printed as if it were not there; a file named .xlsx
that is empty, a lock file, a macOS companion, CSV, JSON, HTML, an Excel 2003 XML table or a PDF called
"已损坏"; batch leaving out “主表.xlsx ” silently and reading ._ companions; batch stopped by a department
named “[/red]…” (rich markup, exit 3); fill and --mark exit 3 on a duplicated attribute in the workbook part
and refusing a dangling hyperlink, picture, notes relationship or conditional format that check reads;
narrative calling date-formatted amounts "合计数空白".
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from tests.hostile import round_seven
from tests.hostile.make_corpus import sample_bytes
from tests.hostile.round_four import SHANGHAI_PDF
from tests.hostile.test_corpus import run

UTF8 = sys.getfilesystemencoding().lower().replace("-", "") == "utf8"


def build(name: str, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return round_seven.all_inputs()[name](folder)


# -- file names that are not UTF-8 --------------------------------------------------------------------------
@pytest.mark.skipif(not UTF8, reason="a non-UTF-8 locale makes every Chinese name look like this")
@pytest.mark.parametrize("name,argv", [
    ("name-not-utf8", lambda p, o: ["check", str(p)]),
    ("name-not-utf8", lambda p, o: ["fill", str(p), "-o", str(o / "重算.xlsx")]),
    ("name-gbk", lambda p, o: ["narrative", str(p), "-o", str(o / "说明.txt")]),
    ("name-gbk-pdf", lambda p, o: ["import", str(p), "-o", str(o / "导入.xlsx")]),
    ("name-gbk-pdf", lambda p, o: ["review", str(p), "-o", str(o / "检查表.xlsx")]),
])
def test_a_file_name_that_is_not_utf8_is_said_so(name, argv, tmp_path):
    p = build(name, tmp_path / "in")
    code, out = run(argv(p, tmp_path))
    assert code == 2 and "不是 UTF-8 编码的字节" in out, ascii(out)  # a surrogate in a failure report would crash xdist's worker
    assert "已损坏" not in out and "区域设置" not in out and "内容不符合文件格式" not in out, ascii(out)
    if name != "name-not-utf8":
        assert "按 GBK 编码应是“" + ("主表.xlsx" if name == "name-gbk" else "公开.pdf") + "”" in out, ascii(out)
    assert not list(tmp_path.glob("*.xlsx")) and not list(tmp_path.glob("*.txt"))


@pytest.mark.skipif(not UTF8, reason="a non-UTF-8 locale makes every Chinese name look like this")
def test_an_output_name_that_is_not_utf8_is_refused_before_anything_is_written(tmp_path):
    p = tmp_path / "主表.xlsx"
    p.write_bytes(sample_bytes())
    bad = os.fsdecode(os.fsencode(tmp_path) + b"/\xb1\xea\xd7\xa2.xlsx")
    code, out = run(["check", str(p), "--mark", bad])
    assert code == 2 and "参数“" in out and "不是 UTF-8 编码的字节" in out and "〔字节B1〕" in out, ascii(out)
    assert sorted(x.name for x in tmp_path.iterdir()) == ["主表.xlsx"]


@pytest.mark.skipif(not UTF8, reason="a non-UTF-8 locale makes every Chinese name look like this")
def test_batch_reports_a_file_whose_name_is_not_utf8_and_checks_the_others(tmp_path):
    d = tmp_path / "夹"
    build("name-not-utf8", d)
    (d / "主表.xlsx").write_bytes(sample_bytes())
    code, out = run(["batch", str(d), "--jobs", "1"])
    assert code in (0, 1) and "内部错误" not in out, ascii(out)
    assert "bad〔字节FF〕〔字节FE〕.xlsx" in out and "不是 UTF-8 编码的字节" in out and "无法读取 1 个" in out, ascii(out)


# -- empty-string arguments ----------------------------------------------------------------------------------
@pytest.mark.parametrize("argv,option", [
    (["batch", ""], "文件或文件夹"),
    (["check", ""], "文件"),
    (["check", "{p}", ""], "文件"),
    (["show", ""], "文件"),
    (["check", "{p}", "--mark", ""], "--mark"),
    (["check", "{p}", "--summary", ""], "--summary"),
    (["check", "{p}", "--budget", ""], "--budget"),
    (["fill", "{p}", "-o", ""], "-o/--output"),
    (["narrative", "{p}", "--prior", "", "-o", "{o}/说明.txt"], "--prior"),
    (["narrative", "{p}", "--templates", "", "-o", "{o}/说明.txt"], "--templates"),
    (["import", "{p}", "--template", "", "-o", "{o}/导入.xlsx"], "--template"),
    (["synth", "--count", "1", "--out", ""], "--out"),
    (["demo", "--out", ""], "--out"),
    (["batch", "{p}", "--dask", ""], "--dask"),
    (["batch", "{p}", "--report", "  "], "--report"),
])
def test_an_empty_argument_is_refused_for_every_command(argv, option, tmp_path, monkeypatch):
    p = tmp_path / "主表.xlsx"
    p.write_bytes(sample_bytes())
    monkeypatch.chdir(tmp_path)  # ``batch ""`` checked the current folder, ``synth --out ""`` wrote into it
    before = sorted(x.name for x in tmp_path.iterdir())
    code, out = run([a.replace("{p}", str(p)).replace("{o}", str(tmp_path)) for a in argv])
    assert code == 2 and f"参数 {option} 的值是空的" in out, out
    assert sorted(x.name for x in tmp_path.iterdir()) == before


def test_serve_keeps_its_own_reasons_for_an_empty_option():
    code, out = run(["serve", "--users", ""])
    assert code == 2 and "--users 不能为空" in out and "的值是空的" not in out, out


# -- invisible characters -------------------------------------------------------------------------------
def test_visible_shows_what_cannot_be_seen():
    from budget_xl.errors import InputError, visible

    assert visible("支出总表") == "支出总表" and visible("a\nb") == "a\nb"
    assert visible("\u200f支出\u200b总表\ufeff") == "〔不可见字符U+200F〕支出〔不可见字符U+200B〕总表〔不可见字符U+FEFF〕"
    assert visible("主\n表\t.xlsx", names=True) == "主〔换行〕表〔制表符〕.xlsx"
    assert visible(os.fsdecode(b"a\xff.xlsx")) == "a〔字节FF〕.xlsx"
    e = InputError("工作表“\u202e表”", file="\u200f主表.xlsx", sheet="支\u200b出")
    assert e.text == "文件“〔不可见字符U+200F〕主表.xlsx”，工作表“支〔不可见字符U+200B〕出”：工作表“〔不可见字符U+202E〕表”"


@pytest.mark.parametrize("name,shown", [("sheet-rtl-mark", "〔不可见字符U+200F〕支出总表"),
                                        ("sheet-zero-width-space", "支出〔不可见字符U+200B〕总表")])
def test_a_sheet_name_with_an_invisible_character_is_shown_with_it(name, shown, tmp_path):
    p = build(name, tmp_path)
    code, out = run(["check", str(p)])
    assert code == 2 and f"缺少工作表“支出总表”。工作表“{shown}”中有表题" in out, out


def test_batch_shows_a_file_name_s_line_break_and_right_to_left_override(tmp_path):
    d = tmp_path / "夹"
    build("name-line-break", d)
    build("name-rtl-override", d)
    code, out = run(["batch", str(d), "--jobs", "1"])
    assert code in (0, 1) and "主〔换行〕表.xlsx" in out and "〔不可见字符U+202E〕主表.xlsx" in out, ascii(out)
    assert "\u202e" not in out and "主\n表" not in out, ascii(out)


# -- not a workbook, said as what it is -----------------------------------------------------------------------
@pytest.mark.parametrize("name", list(round_seven.not_workbook_inputs()))
@pytest.mark.parametrize("command", ["check", "fill", "narrative"])
def test_a_file_named_like_a_workbook_is_said_as_what_it_is(name, command, tmp_path):
    builder, text = round_seven.not_workbook_inputs()[name]
    p = builder(tmp_path)
    before = p.read_bytes()
    argv = {"check": ["check", str(p)], "fill": ["fill", str(p), "-o", str(tmp_path / "重算.xlsx")],
            "narrative": ["narrative", str(p), "-o", str(tmp_path / "说明.docx")]}[command]
    code, out = run(argv)
    assert code == 2 and text in out, out
    assert "已损坏" not in out and "旧版 .xls" not in out, out
    assert p.read_bytes() == before and not (tmp_path / "重算.xlsx").exists()


def test_random_bytes_are_still_called_damaged(tmp_path):
    import random

    p = tmp_path / "乱码.xlsx"
    rnd = random.Random(7)
    p.write_bytes(bytes(rnd.randrange(256) for _ in range(3000)))
    code, out = run(["check", str(p)])
    assert code == 2 and "文件已损坏，或不是真正的 Excel 工作簿" in out, out


def test_batch_skips_macos_companions_and_names_a_space_after_the_extension(tmp_path):
    d = tmp_path / "夹"
    d.mkdir()
    (d / "主表.xlsx").write_bytes(sample_bytes())
    round_seven.not_workbook_inputs()["appledouble"][0](d)
    round_seven.not_workbook_inputs()["lock-file"][0](d)
    build("name-space-after-suffix", d / "子")
    code, out = run(["batch", str(d), "--jobs", "1"])
    assert "._主表.xlsx" not in out and "~$" not in out, out
    assert "共 2 个文件" in out and "无法读取 1 个" in out, out
    assert "扩展名后面多了空格或句点（“.xlsx”后有“ ”）" in out, out


def test_check_names_a_space_after_the_extension(tmp_path):
    p = build("name-space-after-suffix", tmp_path)
    code, out = run(["check", str(p)])
    assert code == 2 and "扩展名后面多了空格或句点" in out and "扩展名为“.xlsx ”" not in out, out


# -- batch and rich markup ----------------------------------------------------------------------------------
def test_a_department_named_like_rich_markup_does_not_stop_batch(tmp_path):
    p = build("dept-rich-markup", tmp_path)
    code, out = run(["batch", str(p), "--jobs", "1"])
    assert code in (0, 1) and "内部错误" not in out and "MarkupError" not in out, out
    assert "[/red]司法局" in out, out


# -- fill and --mark accept what check accepts -------------------------------------------------------------
@pytest.mark.parametrize("name", ["workbook-duplicated-attribute", "workbook-duplicated-attribute-lossless",
                                  "hyperlink-dangling", "conditional-format-past-styles", "drawing-missing",
                                  "comments-missing", "style-id-not-a-number", "utf8-declared-gbk"])
def test_fill_and_mark_write_what_check_reads(name, tmp_path):
    import openpyxl

    p = build(name, tmp_path / "in")
    before = p.read_bytes()
    code, out = run(["check", str(p)])
    assert code in (0, 1), out
    for argv, target in ((["fill", str(p), "-o", str(tmp_path / "重算.xlsx")], tmp_path / "重算.xlsx"),
                         (["check", str(p), "--mark", str(tmp_path / "标注.xlsx")], tmp_path / "标注.xlsx")):
        code, out = run(argv)
        assert code in (0, 1) and "内部错误" not in out and "无法修复后写出副本" not in out, out
        wb = openpyxl.load_workbook(target)  # the copy opens (no duplicated attribute written out again)
        assert "支出总表" in wb.sheetnames
        code, out = run(["check", str(target)])
        assert code in (0, 1), out
    assert p.read_bytes() == before


# -- narrative: a cell that is not a number is not a blank ------------------------------------------------------
@pytest.mark.parametrize("command,suffix", [("narrative", ".txt"), ("document", ".docx")])
def test_date_formatted_amounts_are_not_called_blank(command, suffix, tmp_path):
    p = build("amount-date-format", tmp_path)
    out_file = tmp_path / f"说明{suffix}"
    code, out = run([command, str(p), "-o", str(out_file), "--force"])
    assert code == 2 and "以下单元格无法读出数值" in out and "不是有效金额" in out, out
    assert "合计数空白" not in out and "。；" not in out and not out_file.exists(), out


# -- kinds that were found fine, kept so ----------------------------------------------------------------------
@pytest.mark.parametrize("name", ["external-link", "sheet-protected", "workbook-structure-locked", "phonetic-guides",
                                  "sheet-combining-accents"])
def test_kinds_read_as_the_sample_reads(name, tmp_path):
    p = build(name, tmp_path)
    code, out = run(["check", str(p), "--no-info"])
    if name == "sheet-combining-accents":
        assert code == 2 and "说明文字́́" in out, out
        return
    assert code == 0, out


def test_a_workbook_with_no_sheets_is_not_a_budget_workbook(tmp_path):
    p = build("no-sheets", tmp_path)
    for argv in (["check", str(p)], ["import", str(p), "-o", str(tmp_path / "导入.xlsx")]):
        code, out = run(argv)
        assert code == 2 and "找不到" in out, out


def test_round_seven_builders_write_what_they_name(tmp_path):
    for name in ("amount-date-format", "workbook-duplicated-attribute", "hyperlink-dangling", "phonetic-guides"):
        p = build(name, tmp_path / name)
        assert p.read_bytes() != sample_bytes()
    assert SHANGHAI_PDF.exists()


def test_a_date_formatted_amount_is_named_with_its_format_as_the_reason(tmp_path):
    p = build("amount-date-format", tmp_path)
    code, out = run(["check", str(p), "--no-info"])
    assert code == 1 and "不是有效金额（单元格设置成了日期或时间格式" in out and "改为“数值”" in out, ascii(out)


@pytest.mark.parametrize("command", [["check"], ["fill", "-o", "重算.xlsx"], ["narrative", "-o", "说明.txt"]])
def test_a_file_name_starting_with_a_dash_is_said_to_be_taken_for_an_option(command, tmp_path, monkeypatch):
    """round seven's left-over: “-主表.xlsx” was refused as an unknown option or a missing file only."""
    path = build("name-leading-dash", tmp_path)
    monkeypatch.chdir(tmp_path)
    argv = [command[0], path.name, *command[1:]]
    code, text = run(argv)
    assert code == 2
    assert f"文件名“{path.name}”以“-”开头，被当成了选项" in text and f"./{path.name}" in text
    code, text = run([command[0], "--", path.name, *command[1:]] if command[0] == "check" else
                     [command[0], *command[1:], "--", path.name])
    assert code in (0, 1), text  # named after --, it is read
    assert "被当成了选项" not in text
