"""Hostile input, round four (issue 19, acceptance 3): each kind the reviewer's probe (tests/hostile/probe.py)
found failing, asserted at its root and cheaply — in-process, on inputs built by tests/hostile/round_four.py.

Kinds: a reader's refusal shown as a class name (XmlError, CalamineError, WorksheetNotFound, pdfium's
"Failed to load document"); fill/--mark ending in exit 3 on a style index past the style sheet, a missing
styles.xml or [Content_Types].xml (check reads them); review's output replaced without a backup, a link loop
as exit 3, ``--threshold nan`` exit 3, a --checklist that is an .xlsx shown as a codec error; batch --report
onto a department's workbook replacing it; synth --count/--rows without bound (a hang); dask's English
timeout; a closed stdout, an ASCII console and a closed pipe ending in exit 3; the server's ``/`` and console
in English.
"""

from __future__ import annotations

import io
import os
import re
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from budget_xl.errors import InputError
from tests.hostile import round_four
from tests.hostile.make_corpus import sample_bytes
from tests.hostile.test_corpus import run

ASCII_WORD = re.compile(r"[A-Za-z]{4,}")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The round-four package inputs this file needs, each built once."""
    root = tmp_path_factory.mktemp("round4")
    makers = round_four.xlsx_inputs()
    cache: dict[str, Path] = {}

    def get(name: str) -> Path:
        if name not in cache:
            d = root / name
            d.mkdir()
            cache[name] = makers[name](d)
        return cache[name]
    return get


# -- a reader's refusal, in Chinese -------------------------------------------------------------------------
def test_engine_errors_are_said_in_chinese_without_their_class_name():
    import python_calamine as cal
    from pypdfium2 import PdfiumError

    from budget_xl.inputs import broken_reason

    cases = [
        (cal.XmlError("syntax error: tag not closed"), "XML 内容不完整"),
        (cal.CalamineError("File not found 'xl/_rels/workbook.xml.rels'"), "缺少其中的部件“xl/_rels/workbook.xml.rels”"),
        (cal.WorksheetNotFound("基本信息"), "工作表“基本信息”在文件里找不到"),
        (KeyError("There is no item named '[Content_Types].xml' in the archive"), "缺少其中的部件“[Content_Types].xml”"),
        (PdfiumError("Failed to load document (PDFium: Data format error)."), "可能在下载或复制时被截断"),
        (IndexError("list index out of range"), "引用了不存在的内容"),
    ]
    for e, text in cases:
        said = broken_reason(e)
        assert text in said and not ASCII_WORD.search(re.sub(r"“[^”]*”|XML", "", said)), (e, said)


@pytest.mark.parametrize("name,text", [
    ("rels-missing", "缺少其中的部件“xl/_rels/workbook.xml.rels”"),
    ("rels-traversal", "在文件里找不到"),
    ("styles-garbled", "XML 内容不完整或格式有误"),
    ("number-with-garbage-v", "工作表“支出总表”：文件无法读取（某个数值单元格的内容不是数字）"),
    ("bool-cell-bad-value", "工作表“支出总表”：文件无法读取（某个逻辑值单元格的内容不是 TRUE/FALSE）"),
    ("cell-ref-garbage", "工作表“支出总表”：文件无法读取（某个单元格的坐标（如 A1）写法有误）"),
])
def test_a_package_the_reader_refuses_is_named_in_chinese_exit_2(name, text, built):
    code, output = run(["check", str(built(name))])
    assert code == 2 and text in output, output
    assert "Error" not in output and "WorksheetNotFound" not in output, output


def test_a_shared_string_count_the_part_cannot_hold_is_refused_before_calamine_reserves_it(built):
    """uniqueCount="2000000000" made python-calamine abort the process (exit 134) in every command. The guard
    is called directly: were it missing, calamine would abort the test process itself."""
    import zipfile

    from budget_xl.inputs import check_declared_counts

    with zipfile.ZipFile(built("shared-strings-count-lies")) as z, pytest.raises(InputError, match="声明有 2000000000 条文字"):
        check_declared_counts(z, "x.xlsx")
    with zipfile.ZipFile(io.BytesIO(round_four.saved_sample())) as z:
        check_declared_counts(z, "x.xlsx")  # the honest count of the same strings passes


def test_a_truncated_pdf_is_refused_without_pdfiums_english(tmp_path):
    p = tmp_path / "截断.pdf"
    p.write_bytes(b"%PDF-1.7\n1 0 obj")
    code, output = run(["import", str(p), "-o", str(tmp_path / "导入.xlsx")])
    assert code == 2 and "PDF 文件已损坏" in output and "截断" in output, output
    assert "Failed" not in output and "PDFium" not in output, output


# -- what check reads, fill and --mark write: repaired as Excel repairs ---------------------------------------
@pytest.mark.parametrize("name,part", [
    ("style-index-out-of-range", "xl/worksheets/"),
    ("styles-missing", "xl/worksheets/"),
    ("content-types-missing", "[Content_Types].xml"),
])
def test_fill_and_mark_open_what_check_reads(name, part, built):
    from budget_xl.read.editable import load_for_edit

    src = built(name)
    before = src.read_bytes()
    wb = load_for_edit(src)
    assert any(r.startswith(part) for r in wb.repaired), wb.repaired
    assert float(wb["支出总表"]["D9"].value) == 967.35  # the cell keeps its value (only its format is lost)
    assert src.read_bytes() == before


# -- review -------------------------------------------------------------------------------------------------
def test_review_refuses_nan_a_link_loop_and_a_workbook_as_checklist_in_chinese(tmp_path):
    from budget_xl.review.checklist import load_checklist
    from budget_xl.review.cli import _output, _threshold

    assert _threshold("12%") == Decimal(12)
    for bad in ("nan", "inf", "-5", "十"):
        with pytest.raises(InputError, match="--threshold"):
            _threshold(bad)
    loop = tmp_path / "a.pdf"
    loop.symlink_to(tmp_path / "b.pdf")
    (tmp_path / "b.pdf").symlink_to(loop)
    with pytest.raises(InputError, match="符号链接）形成了循环"):
        _output(str(tmp_path / "检查表.xlsx"), [loop])
    pdf = tmp_path / "公开.pdf"
    pdf.write_bytes(b"%PDF-1.7\n")
    with pytest.raises(InputError, match=r"\.xlsx"):
        _output(str(pdf), [pdf])
    (tmp_path / "文件夹.xlsx").mkdir()
    with pytest.raises(InputError, match="文件夹"):
        _output(str(tmp_path / "文件夹.xlsx"), [pdf])
    workbook = tmp_path / "主表.xlsx"
    workbook.write_bytes(sample_bytes())
    with pytest.raises(InputError, match="UTF-8 编码的 TOML"):
        load_checklist(path=workbook)
    (tmp_path / "坏.toml").write_text("head = \n", encoding="utf-8")
    with pytest.raises(InputError, match="第 1 行"):
        load_checklist(path=tmp_path / "坏.toml")
    (tmp_path / "缺项.toml").write_text('head = "x"\n', encoding="utf-8")
    with pytest.raises(InputError, match="item"):
        load_checklist(path=tmp_path / "缺项.toml")
    with pytest.raises(InputError, match="不存在"):
        load_checklist(path=tmp_path / "没有.toml")


def test_review_backs_up_an_existing_file_it_replaces(tmp_path, monkeypatch):
    """Before, ``review x.pdf -o 主表.xlsx`` replaced a department's workbook without a backup."""
    from types import SimpleNamespace

    from budget_xl.review import run as review_run
    from budget_xl.review import workbook as review_workbook

    pdf = tmp_path / "公开.pdf"
    pdf.write_bytes(b"%PDF-1.7\n")
    out = tmp_path / "主表.xlsx"
    out.write_bytes(sample_bytes())
    monkeypatch.setattr(review_run, "review_pdf", lambda files, **k: SimpleNamespace(rows=[], path=str(pdf), problems=0))
    monkeypatch.setattr(review_workbook, "write_checklist", lambda rv, tmp: Path(tmp).write_bytes(b"checklist"))
    code, output = run(["review", str(pdf), "-o", str(out)])
    assert code == 0 and "已先备份" in output, output
    backups = list(tmp_path.glob("主表.备份-*.xlsx"))
    assert len(backups) == 1 and backups[0].read_bytes() == sample_bytes() and out.read_bytes() == b"checklist"


# -- batch and synth arguments ----------------------------------------------------------------------------------
def test_batch_report_onto_a_departments_workbook_is_refused(tmp_path):
    folder = tmp_path / "各部门"
    folder.mkdir()
    (folder / "主表.xlsx").write_bytes(sample_bytes())
    (folder / "乙.xlsx").write_bytes(b"")
    code, output = run(["batch", str(folder), "--report", str(folder / "主表.xlsx"), "--jobs", "1"])
    assert code == 2 and "是一份主表工作簿" in output and "不会被报告覆盖" in output, output
    assert (folder / "主表.xlsx").read_bytes() == sample_bytes()
    assert sorted(p.name for p in folder.iterdir()) == ["主表.xlsx", "乙.xlsx"]
    code, output = run(["batch", str(folder), "--top", "-1"])
    assert code == 2 and "--top" in output, output


@pytest.mark.parametrize("argv,text", [
    (["--count", "99999999999999999999"], "--count 最多"),
    (["--count", "1", "--rows", "100000000"], "--rows 应为 1～"),
    (["--count", "1", "--rows", "0"], "--rows 应为 1～"),
    (["--count", "1", "--errors", "-1"], "--errors 应为 0～"),
])
def test_synth_arguments_are_bounded_before_any_work(argv, text, tmp_path):
    code, output = run(["synth", *argv, "--out", str(tmp_path / "模拟")])
    assert code == 2 and text in output, output
    assert not (tmp_path / "模拟").exists()


def test_dask_unreachable_is_said_in_chinese(tmp_path, monkeypatch):
    distributed = pytest.importorskip("distributed")

    def refuse(*a, **k):
        raise OSError("Timed out trying to connect to tcp://127.0.0.1:1 after 20 s")

    monkeypatch.setattr(distributed, "Client", refuse)  # what run_dask imports
    (tmp_path / "主表.xlsx").write_bytes(sample_bytes())
    import socket

    with socket.socket() as listening:  # something listens (a refused port is said before dask is asked)
        listening.bind(("127.0.0.1", 0))
        listening.listen()
        code, output = run(["batch", str(tmp_path), "--dask", f"tcp://127.0.0.1:{listening.getsockname()[1]}"])
    assert code == 2 and "无法连接 dask 调度器" in output and "秒内没有应答" in output, output
    assert "Timed out" not in output, output


# -- the console ----------------------------------------------------------------------------------------------
def test_an_ascii_console_a_closed_stdout_and_a_closed_pipe_never_give_exit_3(tmp_path, monkeypatch):
    from budget_xl.cli import main

    missing = str(tmp_path / "没有.xlsx")
    raw = io.BytesIO()
    ascii_err = io.TextIOWrapper(raw, encoding="ascii")
    monkeypatch.setattr(sys, "stderr", ascii_err)
    assert main(["check", missing]) == 2
    ascii_err.flush()
    assert "不存在" in raw.getvalue().decode("utf-8")  # written in UTF-8, not an UnicodeEncodeError

    monkeypatch.setattr(sys, "stdout", None)  # ``budget-xl … >&-``
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    assert main(["check", missing, "--json"]) == 2

    class GonePipe(io.TextIOBase):  # ``budget-xl new … | head -0``
        encoding = "utf-8"

        def write(self, s):
            raise BrokenPipeError(32, "Broken pipe")

        def fileno(self):
            return os.open(os.devnull, os.O_WRONLY)

    monkeypatch.setattr(sys, "stdout", GonePipe())
    assert main(["new", "-o", str(tmp_path / "空白.xlsx")]) == 141  # the file written, the message unheard
    assert (tmp_path / "空白.xlsx").is_file()


# -- the add-in server -----------------------------------------------------------------------------------------
def test_the_servers_root_answers_in_chinese():
    from fastapi.testclient import TestClient

    from budget_xl.excel.guard import Guard

    async def app(scope, receive, send):  # xlwings Server's own answer at /
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": b'{"status":"ok"}'})

    client = TestClient(Guard(app, scripts=object(), functions=object()))
    r = client.get("/")
    assert r.status_code == 200 and r.json()["status"] == "ok" and "正在运行" in r.json()["detail"]


# -- texts as a Chinese Windows saves them --------------------------------------------------------------------
@pytest.mark.parametrize("name", ["txt-gbk", "txt-utf16", "txt-utf16-no-bom", "txt-utf8-bom", "txt-nul-bytes",
                                  "txt-cr-only", "txt-crlf"])
def test_a_text_saved_as_gbk_utf16_or_with_odd_bytes_decodes_to_the_seed(name, tmp_path):
    """``import`` refused GBK ("ANSI") and UTF-16 ("Unicode") texts while ``batch`` read GBK: one decoder now."""
    from budget_xl.inputs import decode_text

    raw = round_four.text_inputs()[name](tmp_path).read_bytes()
    assert decode_text(raw, name) == round_four.seed_text().replace("\r\n", "\n")


@pytest.mark.parametrize("name,text", [("txt-empty", "是空的"), ("txt-whitespace", "是空的"),
                                       ("txt-binary", "编码无法识别"), ("txt-invalid-utf8", "编码无法识别")])
def test_an_empty_or_binary_text_is_named_for_what_it_is(name, text, tmp_path):
    from budget_xl.inputs import decode_text

    raw = round_four.text_inputs()[name](tmp_path).read_bytes()
    with pytest.raises(InputError, match=text):
        decode_text(raw, name)
    (tmp_path / "空.pdf").write_bytes(b"")
    code, output = run(["import", str(tmp_path / "空.pdf"), "-o", str(tmp_path / "导入.xlsx")])
    assert code == 2 and "是空的" in output, output  # not “文本中找不到预算公开表格”


def test_a_gbk_text_imports_end_to_end(tmp_path):
    p = tmp_path / "公开.txt"
    p.write_bytes(round_four.seed_text().encode("gb18030"))
    code, output = run(["import", str(p), "-o", str(tmp_path / "导入.xlsx")])
    assert code == 0 and "共找到 9 张表" in output, output


def test_an_unreadable_input_is_said_as_a_read_not_a_write():
    """Run as an ordinary user on a mode-000 file, import said “没有读取权限（文件夹只读，或文件正在 Excel…）”."""
    import errno

    from budget_xl.inputs import read_reason

    said = read_reason(PermissionError(errno.EACCES, "Permission denied"))
    assert said == "没有读取权限，或文件正被其他程序独占"
    assert "符号链接" in read_reason(OSError(errno.ELOOP, "Too many levels of symbolic links"))


def test_a_chinese_name_under_an_ascii_locale_is_told_how_to_fix_it(monkeypatch):
    """LANG=C with UTF-8 mode off: argv's Chinese bytes stay undecoded (surrogates) and could not be written
    into a workbook — exit 3 in --mark and import. Said now, with the setting that cures it."""
    import argparse

    from budget_xl import cli

    def write_name(args):
        "\udce4\udcb8\udcbb".encode("utf-8")  # what lxml does with such a name

    class Parser:
        def parse_args(self, argv):
            return argparse.Namespace(func=write_name)

    monkeypatch.setattr(cli, "build_parser", Parser)
    code, output = run(["check", "x"])
    assert code == 2 and "PYTHONUTF8=1" in output and "内部错误" not in output, output
