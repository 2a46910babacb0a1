"""重算汇总: totals and parent rows come back from their parts; leaves are never touched."""

from decimal import Decimal

import openpyxl
import pytest

from budget_xl.fill import derived_cells, plan_fill
from budget_xl.model import snapshot
from budget_xl.read import read_workbook
from tests.conftest import run_cli


@pytest.fixture
def blanked(sample_copy, tmp_path):
    """The sample with every derivable total, parent row and summary-table copy blanked."""
    budget = read_workbook(sample_copy).budget
    cells = derived_cells(budget)
    wb = openpyxl.load_workbook(sample_copy)
    for ref in cells:
        sheet, a1 = ref.split("!")
        wb[sheet][a1].value = None
    out = tmp_path / "blanked.xlsx"
    wb.save(out)
    return out, cells


def test_blanked_totals_come_back_within_rounding_and_check_passes(sample_file, blanked, tmp_path):
    path, cells = blanked
    assert len(cells) == 425  # 424 totals and copies, and 收支总表 财政专户 copied from 收入总表 合计
    filled = tmp_path / "filled.xlsx"
    r = run_cli("fill", path, "-o", filled)
    assert r.returncode == 0, r.stderr
    original = read_workbook(sample_file).budget
    after = read_workbook(filled).budget
    diffs = {}
    for key, table in original.tables.items():
        for row in table.rows:
            for col, v in row.values.items():
                w = after[key].get(row.key).values.get(col)
                if v != w:
                    diffs[(key, row.key, col)] = w - v
    assert diffs and max(abs(d) for d in diffs.values()) <= Decimal("0.02")
    assert diffs[("T6", "301", "total")] == Decimal("0.02")        # Σ301xx = 2474.12
    assert diffs[("T3", "20408", "project")] == Decimal("0.01")    # 755.54 from its items
    check = run_cli("check", filled, "--json")
    assert check.returncode == 0, check.stdout
    assert '"error": 0' in check.stdout


def test_fill_writes_a_change_log_and_never_touches_leaves(blanked, tmp_path):
    path, cells = blanked
    filled = tmp_path / "filled.xlsx"
    run_cli("fill", path, "-o", filled)
    before = openpyxl.load_workbook(path)
    after = openpyxl.load_workbook(filled)
    derived = set(cells)
    for ws in before.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if f"{ws.title}!{c.coordinate}" not in derived:
                    assert after[ws.title][c.coordinate].value == c.value, f"{ws.title}!{c.coordinate}"
    log = after["变更记录"]
    rows = [r for r in log.iter_rows(min_row=3, values_only=True) if r[1]]
    assert len(rows) == 257
    row = next(r for r in rows if r[1] == "支出总表!D7")
    # 1365.88 + 2031.44 (= 1275.90 + 307.50 + 55.00 + 249.37 + 143.67): one cent above the printed 3397.31
    assert row[2] == "支出总表“204 公共安全支出”合计" and row[3] is None and row[4] == 3397.32


def test_a_complete_workbook_needs_no_change(sample_file):
    _, changes = plan_fill(read_workbook(sample_file).budget)
    assert changes == []  # printed totals within 尾差 of their parts are kept


def test_a_wrong_total_is_corrected(sample_copy, tmp_path):
    wb = openpyxl.load_workbook(sample_copy)
    wb["三公经费表"]["C6"].value = 15.55  # 合计 14.55 typed wrong
    wb.save(sample_copy)
    before = snapshot(read_workbook(sample_copy).budget)
    budget, changes = plan_fill(read_workbook(sample_copy).budget)
    assert [(c.cell, c.old, c.new) for c in changes] == [("三公经费表!C6", Decimal("15.55"), Decimal("14.55"))]
    assert snapshot(read_workbook(sample_copy).budget) == before  # planning changes nothing on disk


def test_fill_refuses_to_overwrite_its_input(sample_copy):
    r = run_cli("fill", sample_copy, "-o", sample_copy)
    assert r.returncode == 2 and "输入文件相同" in r.stderr
    r = run_cli("fill", sample_copy)
    assert r.returncode == 2 and "-o" in r.stderr


def test_in_place_keeps_a_backup(sample_copy):
    r = run_cli("fill", sample_copy, "--in-place")
    assert r.returncode == 0
    backups = list(sample_copy.parent.glob("样例副本.备份-*.xlsx"))
    assert len(backups) == 1


def test_a_total_wrong_by_two_cents_is_corrected_to_its_copy(sample_copy, tmp_path):
    wb = openpyxl.load_workbook(sample_copy)
    wb["支出总表"]["D6"].value = 4148.24  # 合计: within 尾差 of Σ类 (±0.025) but not of 基本 + 项目 (±0.015)
    wb.save(sample_copy)
    out = tmp_path / "f.xlsx"
    assert run_cli("fill", sample_copy, "-o", out).returncode == 0
    assert openpyxl.load_workbook(out)["支出总表"]["D6"].value == 4148.23  # as 收入总表 and 收支总表 print it
    assert run_cli("check", out).returncode == 0
