"""budget-xl check: exit codes, JSON shape, readable text grouped by sheet."""

import json

import openpyxl

from tests.conftest import run_cli


def test_sample_passes_with_exit_0(sample_file):
    r = run_cli("check", sample_file)
    assert r.returncode == 0
    assert "错误 0 条，警告 4 条" in r.stdout and "【绩效指标】" in r.stdout


def test_json_report(sample_copy):
    wb = openpyxl.load_workbook(sample_copy)
    wb["收支总表"]["C6"].value = 3772.58  # 一般公共预算拨款收入 +1.00
    wb.save(sample_copy)
    r = run_cli("check", sample_copy, "--json")
    assert r.returncode == 1
    data = json.loads(r.stdout)
    assert set(data) == {"file", "summary", "coverage", "findings"} and data["summary"]["error"] >= 1
    f = next(x for x in data["findings"] if x["severity"] == "error" and "收支总表!C6" in x["cells"])
    assert set(f) >= {"rule", "severity", "message", "cells", "expected", "actual", "difference"}
    assert all(isinstance(f[k], (str, type(None))) for k in ("expected", "actual", "difference"))


def test_unreadable_file_exits_2(tmp_path):
    p = tmp_path / "x.xlsx"
    p.write_text("no")
    assert run_cli("check", p).returncode == 2
    assert run_cli("check", p, "--json").returncode == 2


def test_mark_refuses_to_overwrite_its_input(sample_copy):
    r = run_cli("check", sample_copy, "--mark", sample_copy)
    assert r.returncode == 2 and "相同" in r.stderr


def test_a_reviewer_checks_many_workbooks_and_gets_one_summary(sample_file, sample_copy, tmp_path):
    wb = openpyxl.load_workbook(sample_copy)
    wb["三公经费表"]["C6"].value = 15.55
    wb.save(sample_copy)
    broken = tmp_path / "坏文件.xlsx"
    broken.write_text("x")
    summary = tmp_path / "汇总.xlsx"
    r = run_cli("check", sample_file, sample_copy, broken, "--summary", summary, "--mark", tmp_path / "标注")
    assert r.returncode == 2  # one file could not be read; the others were still checked
    assert "共 3 个文件：有错误 1 个，无法读取 1 个" in r.stdout
    rows = list(openpyxl.load_workbook(summary)["校验汇总"].iter_rows(values_only=True))
    assert rows[0][:5] == ("文件", "状态", "错误", "警告", "提示")
    assert [r[1] for r in rows[1:]] == ["通过", "有错误", "无法读取"]
    assert "三公经费表" in rows[2][-1]  # 首要问题, after the coverage columns
    assert (tmp_path / "标注" / "样例副本_标注.xlsx").exists()


def test_a_blank_template_is_not_a_passing_workbook(blank_file):
    r = run_cli("check", blank_file, "--json")
    assert r.returncode == 1
    data = json.loads(r.stdout)
    rules = [(f["rule"], f["severity"]) for f in data["findings"] if f["severity"] == "error"]
    assert ("C-EMPTY", "error") in rules and ("C-INFO", "error") in rules
    assert sum(1 for rule, _ in rules if rule == "C-EMPTY") == 6  # T1–T6 each
