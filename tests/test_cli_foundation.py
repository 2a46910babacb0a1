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
