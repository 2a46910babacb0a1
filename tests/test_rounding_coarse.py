"""万元 tables printed coarser than two decimals — in whole 万元 (a county that prints “4148” for 4,148.12 万元)
or with one decimal (“4148.2”): each figure carries half its last printed digit (±0.5 万元, ±0.05 万元) when
small differences run through the tables, as whole-元 printing does — the sample so printed gave 50 false
errors in whole 万元, 6 with one decimal (every 类/款 sum and copy off by its rounding); exact whole 万元
keep two decimals' share, and a real defect is still found in both."""

from __future__ import annotations

import json
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl
import pytest

from budget_xl.cli import main
from budget_xl.sample import write_sample

NOT_TABLES = {"基本信息", "上年数", "说明文字", "机构设置", "部门职责", "绩效指标"}


def _findings(path: Path, capsys) -> list[dict]:
    main(["check", "--json", str(path)])
    return json.loads(capsys.readouterr().out)["findings"]


def _variant(src: Path, out: Path, how, keep: set[str] = frozenset()) -> Path:
    """Every amount of the disclosure tables (not ``keep``) passed through ``how``."""
    wb = openpyxl.load_workbook(src)
    for ws in wb.worksheets:
        if ws.title in NOT_TABLES or ws.title in keep:
            continue
        for row in ws.iter_rows(min_row=4):
            if any(c.value == "栏次" for c in row):
                continue
            for c in row:
                if isinstance(c.value, (int, float)) and not isinstance(c.value, bool) and c.column > 1:
                    c.value = how(Decimal(str(c.value)))
    wb.save(out)
    return out


def rounded(x: Decimal) -> int:
    return int(x.quantize(Decimal(1), ROUND_HALF_UP))


def one_decimal(x: Decimal) -> float:
    return float(x.quantize(Decimal("0.1"), ROUND_HALF_UP))


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    return write_sample(tmp_path_factory.mktemp("s") / "样例.xlsx")


def _kinds(findings: list[dict], *severities: str) -> list[tuple]:
    return sorted((f["rule"], tuple(f["cells"])) for f in findings if f["severity"] in severities)


@pytest.mark.parametrize("how", [rounded, one_decimal])
@pytest.mark.parametrize("keep", [frozenset(), frozenset({"财拨收支总表", "项目"}), frozenset({"支出总表"})])
def test_a_document_printed_coarser_gives_no_false_error(how, keep, sample, tmp_path, capsys):
    """The sample rounded figure by figure to whole 万元 or one decimal (all tables, or all but some): the
    sample's own warnings, no error; a table's figures shown as it prints them (“3397万元”, “3397.3万元”)."""
    want = _kinds(_findings(sample, capsys), "error", "warning")
    doc = _variant(sample, tmp_path / "粗.xlsx", how, keep)
    got = _findings(doc, capsys)
    assert _kinds(got, "error") == []
    assert _kinds(got, "warning") == want
    tails = [f["message"] for f in got if f["severity"] == "info" and f["rule"] == "T3-TREE-SUM"]
    assert tails and all("万元" in m and ".00万元" not in m for m in tails), tails[:3]
    if how is one_decimal and "支出总表" not in keep:
        assert any(re.search(r"\d\.\d万元", m) for m in tails), tails[:3]


@pytest.mark.parametrize("how", [rounded, one_decimal])
def test_a_real_defect_in_a_coarse_document_is_found_and_located(how, sample, tmp_path, capsys):
    doc = _variant(sample, tmp_path / "粗.xlsx", how)
    wb = openpyxl.load_workbook(doc)
    ws = wb["支出总表"]
    cell = next(f"D{r}" for r in range(6, 60) if str(ws[f"B{r}"].value or "").startswith("2040606"))
    ws[cell] = ws[cell].value + 7  # 律师管理 7 万元 more than its parts and its copies
    wb.save(doc)
    errors = [f for f in _findings(doc, capsys) if f["severity"] == "error"]
    assert errors, "a 7 万元 defect must be an error, not 尾差"
    assert any(f"支出总表!{cell}" in f["cells"] for f in errors)


def test_exact_whole_wan_keep_the_share_of_two_decimals(sample, tmp_path, capsys):
    """Every figure ×100: whole 万元 whose relations hold exactly (a budget planned in round sums) — no
    rounding evidence, so one figure 1 万元 off is an error (with ±0.5 万元 each it would pass as 尾差)."""
    doc = _variant(sample, tmp_path / "整万.xlsx", lambda x: int(x * 100))
    assert _kinds(_findings(doc, capsys), "error") == []
    wb = openpyxl.load_workbook(doc)
    ws = wb["支出总表"]
    cell = next(f"D{r}" for r in range(6, 60) if str(ws[f"B{r}"].value or "").startswith("2040606"))
    ws[cell] = ws[cell].value + 1
    wb.save(doc)
    found = _findings(doc, capsys)
    assert any(f"支出总表!{cell}" in f["cells"] for f in found if f["severity"] == "error"), \
        [(f["rule"], f["severity"], f["message"]) for f in found if f"支出总表!{cell}" in f["cells"]]


def test_coarse_printing_decides_unit_by_unit(sample, tmp_path):
    from budget_xl.read import read_workbook
    from budget_xl.relations import expand
    from budget_xl.rounding import coarse_printing

    b = read_workbook(_variant(sample, tmp_path / "w.xlsx", rounded)).budget
    printing = coarse_printing(b, expand(b))
    assert printing.coarse.get("T3") == printing.coarse.get("T5") == 0
    assert printing.printed.get("T3") == Decimal(5000)  # ±0.5 万元, in 元
    b = read_workbook(sample).budget
    assert coarse_printing(b, expand(b)).printed == {}  # two decimals: nothing whole


@pytest.mark.parametrize("text, unit", [
    ("单位：万元", "万元"), ("金额单位：元", "元"), ("（单位：万元）", "万元"), ("单位:万 元", "万元"),
    ("单位：人民币万元", "万元"), ("单位：人民币元", "元"), ("单位：万元（保留两位小数）", "万元"),
    ("金额单位：元（保留两位小数）", "元"), ("单位：万元、%", "万元"),
    ("单位：元/人", None), ("单位：千元", None), ("单位：亿元", None), ("单位：", None),
])
def test_a_unit_line_however_worded(text, unit):
    """A sheet's 单位 line: “人民币万元”, “万元（保留两位小数）” were not read, and the table took the default unit."""
    from budget_xl.units import parse_unit

    assert parse_unit(text) == unit


def test_a_sheet_whose_unit_line_says_renminbi_yuan_is_read_in_yuan(sample, tmp_path, capsys):
    """The sample with 收支总表 in 元 (figures ×10000, its 单位 line “单位：人民币元”, 基本信息 silent on its unit):
    read in 元, its figures the copies of the 万元 tables' (no unit slip said, no copy off)."""
    wb = openpyxl.load_workbook(sample)
    info = wb["基本信息"]
    for row in info.iter_rows():
        if str(row[0].value or "").endswith("部门预算收支总表"):
            row[1].value = None
    ws = wb["收支总表"]
    for row in ws.iter_rows():
        for c in row:
            if isinstance(c.value, str) and "单位：" in c.value:  # a formula of 基本信息's unit, in the sample
                c.value = "单位：人民币元"
            elif isinstance(c.value, float) and c.row > 5:
                c.value = float(Decimal(str(c.value)) * 10000)
    out = tmp_path / "元.xlsx"
    wb.save(out)
    from budget_xl.read import read_workbook

    assert read_workbook(out).budget.tables["T1"].unit == "元"
    found = _findings(out, capsys)
    assert not [f for f in found if f["rule"] in ("UNIT-SLIP", "X-T4-T1")], found  # copies across units agree
