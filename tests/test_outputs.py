"""No command writes over an input, replaces an output without a backup (or --force), or leaves half a file."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
from contextlib import redirect_stderr, redirect_stdout

import openpyxl
import pytest

from budget_xl import outputs
from budget_xl.cli import main
from budget_xl.errors import InputError


def run(*argv) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = main([str(a) for a in argv])
        except SystemExit as e:
            code = e.code
    return code, out.getvalue() + err.getvalue()


def digest(p) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def test_a_hard_link_to_the_input_is_refused_as_output_of_fill_and_mark(sample_copy, tmp_path):
    link = tmp_path / "链接.xlsx"
    os.link(sample_copy, link)
    before = digest(sample_copy)
    for argv in (("fill", sample_copy, "-o", link), ("check", sample_copy, "--mark", link)):
        code, out = run(*argv)
        assert code == 2 and "与输入文件相同" in out
    assert digest(sample_copy) == before


def test_check_summary_never_replaces_its_input(sample_copy):
    before = digest(sample_copy)
    code, out = run("check", sample_copy, "--summary", sample_copy)
    assert code == 2 and "汇总表就是输入文件" in out
    assert digest(sample_copy) == before


def test_new_and_sample_never_replace_a_workbook_holding_data(sample_copy):
    before = digest(sample_copy)
    for command in ("new", "sample"):
        for extra in ((), ("--force",)):
            code, out = run(command, "-o", sample_copy, *extra)
            assert code == 2 and "已有填报数据" in out
    assert digest(sample_copy) == before


def test_new_over_a_blank_workbook_keeps_a_backup_unless_forced(tmp_path):
    p = tmp_path / "空白.xlsx"
    assert run("new", "-o", p)[0] == 0
    code, out = run("new", "-o", p)
    assert code == 0 and "已先备份" in out
    assert len(list(tmp_path.glob("空白.备份-*.xlsx"))) == 1
    assert run("new", "-o", p, "--force")[0] == 0
    assert len(list(tmp_path.glob("空白.备份-*.xlsx"))) == 1


def test_an_existing_fill_output_is_backed_up_before_it_is_replaced(sample_copy, tmp_path):
    out = tmp_path / "重算.xlsx"
    out.write_bytes(b"my own file")
    assert run("fill", sample_copy, "-o", out)[0] == 0
    backups = list(tmp_path.glob("重算.备份-*.xlsx"))
    assert len(backups) == 1 and backups[0].read_bytes() == b"my own file"
    assert openpyxl.load_workbook(out).sheetnames[0] == "基本信息"


def test_batch_marks_get_unique_names_and_never_fall_on_an_input(sample_file, tmp_path):
    (tmp_path / "甲").mkdir()
    (tmp_path / "乙").mkdir()
    a, b = tmp_path / "甲" / "主表.xlsx", tmp_path / "乙" / "主表.xlsx"
    shutil.copy(sample_file, a)
    shutil.copy(sample_file, b)
    marked_input = tmp_path / "主表_标注.xlsx"  # an earlier marked copy the user typed 说明 into
    shutil.copy(sample_file, marked_input)
    before = {p: digest(p) for p in (a, b, marked_input)}
    code, out = run("check", a, b, marked_input, "--mark", tmp_path)
    assert code == 0, out
    assert {p: digest(p) for p in before} == before
    names = sorted(p.name for p in tmp_path.glob("*.xlsx"))
    assert sorted(names) == sorted(["主表_标注.xlsx", "主表_标注_2.xlsx", "主表_标注_3.xlsx", "主表_标注_标注.xlsx"])


def test_a_file_named_like_a_formula_stays_text_in_the_summary(sample_file, tmp_path):
    odd = tmp_path / "=1+2.xlsx"
    shutil.copy(sample_file, odd)
    summary = tmp_path / "汇总.xlsx"
    assert run("check", odd, "--summary", summary)[0] == 0
    cell = openpyxl.load_workbook(summary)["校验汇总"]["A2"]
    assert cell.data_type == "s" and cell.value.endswith("=1+2.xlsx")


def test_an_interrupted_in_place_fill_leaves_the_original_intact(sample_copy, monkeypatch):
    wb = openpyxl.load_workbook(sample_copy)
    wb["三公经费表"]["C6"].value = 15.55  # a wrong total, so fill has something to write
    wb.save(sample_copy)
    before = digest(sample_copy)

    def killed(self, filename):
        with open(filename, "wb") as fh:
            fh.write(b"PK\x03\x04 half a file")
        raise KeyboardInterrupt

    monkeypatch.setattr(openpyxl.Workbook, "save", killed)
    code, _ = run("fill", sample_copy, "--in-place")
    assert code == 130
    assert digest(sample_copy) == before
    assert not [p for p in sample_copy.parent.iterdir() if ".tmp" in p.name]  # no temporary file left behind


def test_os_errors_name_the_users_path_in_chinese_never_the_temporary_file(sample_copy, tmp_path, monkeypatch):
    out = tmp_path / "输出.xlsx"

    def denied(src, dst):
        raise PermissionError(13, "Permission denied", str(src))

    monkeypatch.setattr(os, "replace", denied)
    code, msg = run("fill", sample_copy, "-o", out)
    assert code == 2 and str(out) in msg and "没有写入权限" in msg
    assert ".tmp" not in msg and "Permission denied" not in msg


def test_a_parent_that_is_a_file_is_a_chinese_message(sample_copy, tmp_path):
    (tmp_path / "文件").write_text("x")
    code, msg = run("fill", sample_copy, "-o", tmp_path / "文件" / "输出.xlsx")
    assert code == 2 and "是一个文件，不是文件夹" in msg


def test_prepare_refuses_a_folder_and_a_wrong_suffix(tmp_path):
    (tmp_path / "d.xlsx").mkdir()
    with pytest.raises(InputError, match="文件夹"):
        outputs.prepare(tmp_path / "d.xlsx")
    with pytest.raises(InputError, match=".xlsx"):
        outputs.prepare(tmp_path / "a.txt")


def test_unique_batch_name_skips_names_taken_and_inputs(tmp_path):
    existing = tmp_path / "x_标注.xlsx"
    existing.write_bytes(b"input")
    taken: set = set()
    first = outputs.unique_batch_name(tmp_path, "x_标注", ".xlsx", taken, [existing])
    second = outputs.unique_batch_name(tmp_path, "x_标注", ".xlsx", taken, [existing])
    assert (first.name, second.name) == ("x_标注(2).xlsx", "x_标注(3).xlsx")
