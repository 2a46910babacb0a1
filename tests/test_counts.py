"""One count everywhere (issue 17): the terminal, the JSON, the 校验结果 title and ``check --summary`` say the same
错误/警告/提示, and LOCATE is counted apart as 定位 — never as one more error."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import openpyxl
import pandas as pd

from budget_xl.sample import sample_budget
from tests.conftest import run_cli
from tests.fill_scenarios import add_item, consistent_edit, materialize


def _counts(text: str) -> tuple[int, ...]:
    m = re.search(r"错误 (\d+) 条，警告 (\d+) 条，提示 (\d+) 条(?:；定位 (\d+) 处)?", text)
    assert m, text
    return tuple(int(g or 0) for g in m.groups())


def test_terminal_json_result_sheet_and_summary_count_alike(tmp_path):
    src = tmp_path / "改后.xlsx"
    materialize(consistent_edit(sample_budget(), "2040605", Decimal("5.00")), src)
    terminal = run_cli("check", src)
    data = json.loads(run_cli("check", src, "--json").stdout)
    run_cli("check", src, "--mark", tmp_path / "标注.xlsx", "--summary", tmp_path / "汇总.xlsx")
    title = openpyxl.load_workbook(tmp_path / "标注.xlsx")["校验结果"]["A1"].value
    summary = pd.read_excel(tmp_path / "汇总.xlsx", engine="openpyxl").iloc[0]
    s = data["summary"]
    expected = (s["error"], s["warning"], s["info"], s["located"])
    assert expected == (7, 5, 32, 1)  # the LOCATE finding is 定位, not an eighth error
    assert sum(1 for f in data["findings"] if f["severity"] == "error") == 8
    assert _counts(terminal.stdout) == _counts(title) == expected
    assert (summary["错误"], summary["警告"], summary["提示"], summary["定位"]) == expected


def test_batch_counts_leave_locate_out(tmp_path):
    from budget_xl.batch.work import FileResult

    r = FileResult(path="x.xlsx", findings=[{"rule": "LOCATE", "severity": "error"},
                                            {"rule": "T3-ROW-SUM", "severity": "error"}])
    assert (r.count("error"), r.count("located")) == (1, 1)
    assert r.to_json()["summary"] == {"error": 1, "warning": 0, "info": 0, "located": 1}


def test_consistent_edits_make_the_stale_totals_the_suspects_not_the_details(tmp_path):
    base = sample_budget()
    for name, edited in (("改后", consistent_edit(base, "2040605", Decimal("5.00"))),
                         ("新增", add_item(base, "2040609", "仲裁", Decimal("2.00"), "2040608"))):
        src = tmp_path / f"{name}.xlsx"
        b = materialize(edited, src)
        data = json.loads(run_cli("check", src, "--json").stdout)
        head = data["findings"][0]
        assert head["rule"] == "LOCATE" and head["kind"] == "合计未随明细更新", head["message"]
        details = {b[k].get(code).cell(col) for k, col in (("T2", "fin"), ("T3", "project"), ("T5", "project"))
                   for code in ("2040605", "2040609") if b[k].get(code) is not None}
        assert not set(head["cells"]) & details  # an amount in every table alike is never the first suspect
        assert all(f.get("folded_under") for f in data["findings"][1:] if f["severity"] == "error")
