"""budget-xl new / sample / demo from the command line, as the README shows them."""

from decimal import Decimal

import openpyxl

from budget_xl.read import read_workbook
from tests.conftest import run_cli


def test_new_writes_a_blank_master_workbook(tmp_path):
    out = tmp_path / "a.xlsx"
    r = run_cli("new", "-o", out)
    assert r.returncode == 0, r.stderr
    b = read_workbook(out).budget
    assert not b["T2"].has_amounts() and b["T1"].get("gen") is not None
    assert [ws.title for ws in openpyxl.load_workbook(out).worksheets][:3] == ["基本信息", "收支总表", "收入总表"]


def test_sample_writes_the_chengde_data(tmp_path):
    out = tmp_path / "s.xlsx"
    assert run_cli("sample", "-o", out).returncode == 0
    b = read_workbook(out).budget
    assert b["T1"].get("in_grand").amount("in_amount") == Decimal("4148.23")
    assert b["T6"].get("301").amount("person") == Decimal("2474.10")
    assert b.dept_name == "承德市司法局" and b.year == 2024


def test_demo_writes_the_sample_and_prints_what_it_holds(tmp_path):
    r = run_cli("demo", "--out", tmp_path / "d")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "d" / "样例_承德市司法局2024.xlsx").exists()
    for text in ("收入总表", "4148.23", "3060.90", "14.55", "预算数合计 1087.33", "资产总额 4720.92"):
        assert text in r.stdout
    assert "错误 0 条，警告 4 条" in r.stdout  # the demo checks the sample …
    marked = openpyxl.load_workbook(tmp_path / "d" / "样例_校验标注.xlsx")  # … and writes the marked copy
    assert marked.sheetnames[0] == "校验结果" and marked["项目"]["M31"].comment is not None


def test_help_is_in_chinese():
    r = run_cli("--help")
    assert r.returncode == 0 and "用法" in r.stdout and "生成空白主表工作簿" in r.stdout


def test_a_defect_of_ours_is_said_in_chinese_and_its_traceback_kept_in_a_report(tmp_path, monkeypatch):
    """An exception we did not foresee: exit 3, a Chinese message without Python's English words, and the
    traceback in the report file the message names (for the maintainers)."""
    import re

    import budget_xl.commands as commands

    def broken(*_a, **_k):
        raise KeyError("name")

    monkeypatch.setattr(commands, "_check_one", broken)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile
    monkeypatch.setattr(tempfile, "tempdir", None)  # TMPDIR read again
    book = tmp_path / "样例.xlsx"
    assert run_cli("sample", "-o", book).returncode == 0
    before = book.read_bytes()
    other = tmp_path / "样例2.xlsx"
    other.write_bytes(before)
    r = run_cli("check", book, other)  # two files: the per-file account goes on to the next
    text = r.stdout + r.stderr
    assert "内部错误（程序缺陷" in text and "KeyError" not in text and "'name'" not in text, text
    reports = re.findall(r"详细信息已写入“([^”]+)”", text)
    assert len(reports) == 2 and all(str(tmp_path) in p for p in reports)
    assert "KeyError: 'name'" in open(reports[0], encoding="utf-8").read()
    assert book.read_bytes() == before
    # any command: the command line's own catch-all says the same
    import budget_xl.demo as demo

    monkeypatch.setattr(demo, "overview", broken)
    r = run_cli("show", book)
    assert r.returncode == 3 and "内部错误（程序缺陷" in r.stderr and "KeyError" not in r.stderr, r.stderr
    assert "输入文件没有被修改" in r.stderr and len(re.findall(r"详细信息已写入", r.stderr)) == 1
