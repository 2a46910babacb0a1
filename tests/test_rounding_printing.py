"""Rounding from the printing (issue 16, deliverable 5): a 元 table in whole 元 is exact or rounded as the
document's own relations show; the text's 万元 amounts may be a consistent truncation of the 元 tables; one
LOCATE per suspect figure however many cells print it."""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

import pytest

from budget_xl.derive import tolerances
from budget_xl.localize.fold import LOCATE, locate_findings
from budget_xl.model import Row, empty_budget
from budget_xl.relations import expand
from budget_xl.rounding import HALF_YUAN, ROUND, TRUNCATE, coarse_printing, text_conversion
from budget_xl.rules import run_checks
from budget_xl.rules.text import TEXT_RULES

sys.path.insert(0, str(Path(__file__).parent))
from rulekit import cell_of, errors, grids_with, value_at, yuan_t5_budget  # noqa: E402
from shanghai_fixtures import sample_pdfs, shanghai_workbook  # noqa: E402

D = Decimal
EXACT_LEAVES = {"2010101": ("120000", "35000"), "2010102": ("80000", "0"), "2010301": ("64000", "12000"),
                "2050101": ("300000", "45000"), "2050102": ("210000", "0"), "2080501": ("99000", "0"),
                "2080502": ("51000", "7000"), "2210201": ("130000", "0"), "2210202": ("40000", "2600")}
# the same budget as the system holds it in 分: printed in whole 元, its sums miss by a few 元 here and there
FEN_LEAVES = {"2010101": ("120000.46", "35000.47"), "2010102": ("80000.48", "0"), "2010301": ("64000.45", "12000.49"),
              "2050101": ("300000.47", "45000.46"), "2050102": ("210000.49", "0"), "2080501": ("99000.46", "0"),
              "2080502": ("51000.48", "7000.47"), "2210201": ("130000.45", "0"), "2210202": ("40000.49", "2600.48")}


def _t5_findings(b):
    return [f for f in run_checks(b) if f.rule.startswith("T5-")]


def test_a_whole_yuan_document_whose_relations_hold_is_exact_and_a_lone_one_yuan_difference_is_an_error():
    b = yuan_t5_budget(EXACT_LEAVES, bump={("20101", "total"): 1})
    tol = tolerances(b)
    assert tol.coarse == {"T5": 0} and tol.printed == {}  # printed in whole 元, and exact
    found = _t5_findings(b)
    errs = [f for f in found if f.severity == "error"]
    # 20101's 合计 is 1 元 over its 项 and over 基本 + 项目; 201 is 1 元 under its 款
    assert {(f.rule, f.row) for f in errs} == {("T5-ROW-SUM", "20101"), ("T5-TREE-SUM", "20101"), ("T5-TREE-SUM", "201")}
    assert all("相差1元" in f.message or "相差-1元" in f.message for f in errs), [f.message for f in errs]
    assert not [f for f in found if f.severity == "info"]


def test_a_whole_yuan_document_with_few_yuan_differences_throughout_is_rounded_and_they_are_only_info():
    b = yuan_t5_budget(FEN_LEAVES)
    tol = tolerances(b)
    assert tol.printed == {"T5": HALF_YUAN}  # the system held 分 and printed 元: ±0.5 元 each
    found = _t5_findings(b)
    assert found and all(f.severity == "info" and "尾差" in f.message for f in found), [f.message for f in found]
    assert max(abs(f.difference) for f in found) <= 3  # a few 元
    # …and a real difference still is one, beyond (n+1) × 0.5 元
    typo = _t5_findings(yuan_t5_budget(FEN_LEAVES, bump={("2050101", "total"): 10}))
    assert [(f.rule, f.row) for f in typo if f.severity == "error"] == [("T5-ROW-SUM", "2050101"), ("T5-TREE-SUM", "20501")]


def test_copies_of_one_figure_count_once_as_evidence_of_rounding():
    # one wrong figure printed twice (合计 and 基本支出 of a 项 without 项目支出) breaks several sums: still exact
    b = yuan_t5_budget(EXACT_LEAVES, bump={("2010102", "total"): 1, ("2010102", "basic"): 1})
    assert coarse_printing(b, expand(b)).printed == {}
    assert errors(_t5_findings(b))


def test_the_shanghai_documents_in_whole_yuan_are_exact():
    pdfs = [p for p in sample_pdfs() if "万里街道" in p.stem]
    if not pdfs:
        pytest.skip("../shared/samples/shanghai 不在本机")
    from budget_xl.read import read_workbook

    for pdf in pdfs:
        budget = read_workbook(shanghai_workbook(pdf)).budget
        tol = tolerances(budget)
        assert tol.coarse.get("T5") == 0 and tol.printed == {}, pdf.stem


def test_one_locate_for_the_shanghai_figure_printed_four_times():
    pdf = next((p for p in sample_pdfs() if p.stem.startswith("2025_") and "万里街道" in p.stem), None)
    if pdf is None:
        pytest.skip("../shared/samples/shanghai 不在本机")
    from budget_xl.read import read_workbook

    r = read_workbook(shanghai_workbook(pdf))
    found = locate_findings(r.budget, run_checks(r.budget, r.notes))
    [loc] = [f for f in found if f.rule == LOCATE]  # 21201's 94,995,790 元 in 收入总表 (2 columns), 支出总表, 一般公共预算表
    assert len(loc.cells) == 4 and loc.actual == D("94995790") and loc.expected == D("94995789")
    assert "同一数字还印在" in loc.message and "可使10处不符全部消除" in loc.message
    assert {f.extra.get("folded_under") for f in found if f.severity == "error" and f.rule != LOCATE} == {loc.cells[0]}


def test_two_copies_of_one_suspect_figure_give_one_locate():
    t3, t5 = cell_of("T3", "2040601", "basic"), cell_of("T5", "2040601", "basic")
    wrong = value_at(t3) + 5.0
    from budget_xl.read.grid import read_grids

    res = read_grids(grids_with({t3: wrong, t5: wrong}))
    found = locate_findings(res.budget, run_checks(res.budget, res.notes))
    [loc] = [f for f in found if f.rule == LOCATE]
    assert set(loc.cells) == {t3, t5} and loc.expected == D(str(value_at(t3)))


# ------------------------------------------------------------------ the text's 万元 from 元 tables
def _text_budget(*texts: str, other: str = "0"):
    """元 tables (收支总表, 一般公共预算支出表) and a text that states their figures in 万元."""
    b = empty_budget(profile="shanghai")
    t1 = b["T1"]
    t1.rows = [Row("in_grand", {"in_amount": D("2687760")}), Row("fin", {"in_amount": D("877080.00")}),
               Row("biz", {"in_amount": D("2049197")}), Row("other", {"in_amount": D(other)}),
               Row("out_grand", {"out_amount": D("2687760")})]
    t1.reindex()
    t5 = b["T5"]
    t5.rows = [Row("221", {"code": "221", "name": "住房保障支出", "total": D("782164")}),
               Row("22102", {"code": "22102", "name": "住房改革支出", "total": D("782164")}),
               Row("2210201", {"code": "2210201", "name": "住房公积金", "total": D("782164")})]
    t5.reindex()
    b["TEXT"].rows = [Row(f"#{i}", {"item": "预算编制说明", "text": t}) for i, t in enumerate(texts, start=1)]
    b["TEXT"].reindex()
    return b


def _text(b):
    return [f for _id, fn in TEXT_RULES for f in fn(b)]


TRUNCATED = ("本部门2025年收入预算268.77万元，其中：财政拨款收入87.70万元，事业收入204.91万元。",
             "本部门2025年支出预算268.77万元。",
             "住房保障支出（221类）住房改革支出（02款）住房公积金（01项）78.21万元，主要用于住房公积金。")


def test_a_document_that_truncates_its_text_amounts_consistently_gets_one_info_and_no_error():
    found = _text(_text_budget(*TRUNCATED))
    assert [f.severity for f in found] == ["info"], [f.message for f in found]
    [note] = found
    assert note.rule == "TXT-TRUNCATED"
    assert note.message.startswith("文字中的万元数由元表截尾取得（不是四舍五入），共5处")
    assert "87.70万元（表中87.708万元）" in note.message


def test_in_a_truncating_document_an_amount_that_is_neither_is_still_an_error():
    found = _text(_text_budget(*TRUNCATED, "其他收入887.36万元。", other="873617"))
    assert [f.rule for f in found if f.severity == "error"] == ["TXT-AMOUNT"]
    [err] = [f for f in found if f.severity == "error"]
    assert "887.36万元" in err.message and "87.36万元" in err.message
    assert len([f for f in found if f.rule == "TXT-TRUNCATED"]) == 1


def test_a_rounding_document_keeps_reporting_a_truncated_amount():
    rounded = ("本部门2025年收入预算268.78万元，其中：财政拨款收入87.71万元，事业收入204.92万元。",
               "住房保障支出（221类）住房改革支出（02款）住房公积金（01项）78.21万元，主要用于住房公积金。")
    found = _text(_text_budget(*rounded))
    # 78.21 for 782,164 元 is the one truncation among roundings: an error, as before
    assert [(f.rule, f.severity) for f in found] == [("TXT-AMOUNT", "error")] and "78.21万元" in found[0].message


def test_one_truncation_alone_is_not_a_convention():
    assert text_conversion([(D("87.70"), D("87.708"))]) == ROUND
    assert text_conversion([(D("87.70"), D("87.708")), (D("87.36"), D("87.3617"))]) == ROUND  # 87.36 both ways
    assert text_conversion([(D("87.70"), D("87.708")), (D("204.91"), D("204.9197"))]) == TRUNCATE
    assert text_conversion([(D("87.70"), D("87.708")), (D("204.91"), D("204.9197")), (D("268.78"), D("268.776"))]) == ROUND
