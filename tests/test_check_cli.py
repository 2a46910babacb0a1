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
    assert set(data) == {"file", "summary", "findings"} and data["summary"]["error"] >= 1
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
