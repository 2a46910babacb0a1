"""The narrative refuses what it would misstate: blank totals, and a 合计 line counted as an item."""

import openpyxl

from tests.conftest import run_cli


def test_blank_totals_stop_the_narrative_instead_of_printing_zero(sample_copy, tmp_path):
    wb = openpyxl.load_workbook(sample_copy)
    wb["基本支出表"]["E6"].value = None   # 人员经费 合计
    wb["收支总表"]["C39"].value = None    # 收入总计
    wb.save(sample_copy)
    out = tmp_path / "n.txt"
    r = run_cli("narrative", sample_copy, "-o", out)
    assert r.returncode == 2 and not out.exists()
    assert "基本支出表!E6" in r.stderr and "收支总表!C39" in r.stderr and "重算汇总" in r.stderr
    filled = tmp_path / "f.xlsx"
    assert run_cli("fill", sample_copy, "-o", filled).returncode == 0
    assert run_cli("narrative", filled, "-o", out).returncode == 0
    assert "人员经费2712.09万元" in out.read_text(encoding="utf-8-sig")


def test_a_procurement_total_line_is_not_added_to_the_items(sample_copy, tmp_path):
    wb = openpyxl.load_workbook(sample_copy)
    ws = wb["政府采购"]
    for row, values in ((5, {"A": "合计", "H": 12, "I": 12, "N": 4}),
                        (6, {"A": "警察服装", "C": "服装", "H": 3, "I": 3}),
                        (7, {"A": "监控设备", "C": "摄像机", "H": 9, "I": 9, "N": 4})):
        for col, v in values.items():
            ws[f"{col}{row}"] = v
    for r in range(8, ws.max_row + 1):  # the 空表 notes no longer apply
        ws[f"A{r}"] = None
    wb.save(sample_copy)
    out = tmp_path / "n.txt"
    r = run_cli("narrative", sample_copy, "-o", out)
    assert r.returncode == 0, r.stderr
    text = out.read_text(encoding="utf-8-sig")
    assert "12.00万元" in text and "24.00万元" not in text
