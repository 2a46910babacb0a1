"""Bad input: one Chinese message naming file, sheet and cell, exit code 2, no traceback, file untouched."""

import hashlib
import zipfile

import openpyxl

from tests.conftest import run_cli

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _digest(p):
    return hashlib.sha256(p.read_bytes()).hexdigest()


COMMANDS = ["show", "check", "fill"]


def _check(path, *expect):
    for command in COMMANDS:
        msg = _check_one(command, path, *expect)
    return msg


def _check_one(command, path, *expect):
    before = _digest(path) if path.exists() else None
    r = run_cli(command, path)
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr + r.stdout
    assert len(r.stderr.strip().splitlines()) == 1
    for e in expect:
        assert e in r.stderr
    if before:
        assert _digest(path) == before
    return r.stderr


def test_a_text_file_named_xlsx(tmp_path):
    p = tmp_path / "预算.xlsx"
    p.write_text("这不是工作簿", encoding="utf-8")
    _check(p, "预算.xlsx", "不是")


def test_an_old_xls_file(tmp_path):
    p = tmp_path / "旧表.xls"
    p.write_bytes(OLE + b"\0" * 600)
    _check(p, "旧表.xls", ".xls", "另存为")


def test_a_password_protected_workbook(tmp_path):
    p = tmp_path / "加密.xlsx"
    p.write_bytes(OLE + b"\0" * 600)  # Excel stores an encrypted .xlsx as an OLE container
    _check(p, "加密.xlsx", "密码")


def test_a_corrupt_workbook(sample_file, tmp_path):
    p = tmp_path / "损坏.xlsx"
    p.write_bytes(sample_file.read_bytes()[:5000])
    _check(p, "损坏.xlsx", "损坏")


def test_a_zip_that_is_not_a_workbook(tmp_path):
    p = tmp_path / "压缩包.xlsx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("a.txt", "x")
    _check(p, "压缩包.xlsx")


def test_a_missing_file(tmp_path):
    _check(tmp_path / "没有这个文件.xlsx", "不存在")


def test_a_missing_sheet(sample_copy):
    wb = openpyxl.load_workbook(sample_copy)
    del wb["三公经费表"]
    wb.save(sample_copy)
    _check(sample_copy, "三公经费表", "缺少工作表")


def test_a_renamed_sheet_is_named_in_the_message(sample_copy):
    wb = openpyxl.load_workbook(sample_copy)
    wb["收入总表"].title = "Sheet3"
    wb.save(sample_copy)
    msg = _check(sample_copy, "收入总表", "Sheet3", "改回")
    assert "部门预算收入总表" in msg


def test_a_header_that_cannot_be_found(sample_copy):
    wb = openpyxl.load_workbook(sample_copy)
    ws = wb["支出总表"]
    for row in ws.iter_rows(min_row=1, max_row=6):
        for c in row:
            if c.value == "项目支出":
                c.value = "项目"
    wb.save(sample_copy)
    _check(sample_copy, "支出总表", "项目支出", "表头")


def test_a_workbook_of_something_else(tmp_path):
    p = tmp_path / "工资表.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "工资"
    wb.save(p)
    _check(p, "工资表.xlsx", "预算公开主表")


def test_new_refuses_a_non_xlsx_output(tmp_path):
    r = run_cli("new", "-o", tmp_path / "a.txt")
    assert r.returncode == 2 and ".xlsx" in r.stderr


def test_a_renamed_optional_sheet_is_not_silently_dropped(sample_copy):
    wb = openpyxl.load_workbook(sample_copy)
    wb["项目"].title = "项目表"
    wb.save(sample_copy)
    _check(sample_copy, "项目表", "改回")


def test_an_output_that_cannot_be_written_is_a_clear_message(sample_copy, tmp_path):
    folder = tmp_path / "结果.xlsx"
    folder.mkdir()
    r = run_cli("fill", sample_copy, "-o", folder)
    assert r.returncode == 2 and "Traceback" not in r.stderr and "结果.xlsx" in r.stderr
    not_a_dir = tmp_path / "文件"
    not_a_dir.write_text("x")
    r = run_cli("check", sample_copy, "--mark", not_a_dir / "m.xlsx")
    assert r.returncode == 2 and "Traceback" not in r.stderr and "无法读写文件" in r.stderr
