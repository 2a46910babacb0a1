"""The wording by which each template's 情况说明 states its tables' figures is data (profiles/<p>/text.toml): the
four Jiangsu 说明 are checked against their 公开表 — every stated figure found equal, and one changed figure in
the text is an error naming the text and the table cell. Bad declarations are refused on load."""

from __future__ import annotations

import glob
from decimal import Decimal

import pytest

from budget_xl.model import Row
from budget_xl.rules.phrases import phrases, phrases_from
from budget_xl.rules.text import _stated_figures, stated_amounts
from budget_xl.schema.declarations import LayoutError

PAIRS = sorted((s, s.replace("说明", "公开表")) for s in glob.glob("/work/shared/samples/jiangsu/*说明.pdf"))


@pytest.fixture(scope="module", params=PAIRS, ids=lambda p: p[0].split("/")[-1][:12])
def jiangsu(request):
    from budget_xl.importers.pdf import import_pdfs

    budget, _ = import_pdfs(list(request.param))
    return budget


@pytest.mark.skipif(len(PAIRS) < 4, reason="../shared/samples/jiangsu 不在本机")
def test_every_figure_a_jiangsu_narrative_states_is_found_and_equals_its_table(jiangsu):
    found = [(where, Decimal(m.group("amount").replace(",", "")), got) for _s, m, where, _w, got in _stated_figures(jiangsu)]
    compared = [(w, v, g[0]) for w, v, g in found if g is not None]
    assert len(compared) >= 20  # totals of 收支/收入/支出/财拨/一般公共预算 tables, 三公 items, 会议费, 培训费
    assert {w[0] for w, _v, _g in compared} >= {"T1", "T2", "T3", "T5", "T6", "FBASIC", "FFUNC", "T9"}
    assert all(v == g for _w, v, g in compared), [(w, v, g) for w, v, g in compared if v != g]
    assert stated_amounts(jiangsu) == []
    # the sentence stating a table's total: “收入、支出预算总计13,377.11万元” is the 收支预算总表's 收入合计
    assert any(w == ("T1", "in_grand", "in_amount") and v == g for w, v, g in compared)


@pytest.mark.skipif(len(PAIRS) < 4, reason="../shared/samples/jiangsu 不在本机")
def test_a_figure_changed_in_a_jiangsu_narrative_is_an_error_naming_text_and_cell(jiangsu):
    text = jiangsu["TEXT"]
    s, m, where, _w, got = next(x for x in _stated_figures(jiangsu) if x[2][0] == "T9" and x[4] and x[4][0] > 10)
    row = next(r for r in text.rows if s.text and r.text("text").replace(" ", "") == s.text)
    wrong = got[0] + Decimal("7.00")
    changed = Row(row.key, {**row.values, "text": s.text.replace(m.group("amount"), f"{wrong:,.2f}", 1)})
    saved = list(text.rows)
    text.rows = [changed if r is row else r for r in saved]
    text.reindex()
    try:
        [f] = stated_amounts(jiangsu)
    finally:
        text.rows = saved
        text.reindex()
    assert f.rule == "TXT-AMOUNT" and f.severity == "error" and f.expected == got[0] and f.actual == wrong
    assert f"表中为{got[0]:.2f}万元" in f.message and f.table == "TEXT"  # cells come with a workbook


def test_shanghai_reads_its_own_wording_and_national_only_rows_it_has():
    assert {p.what for p in phrases("shanghai")} >= {"机关运行经费", "事业收入", "财政拨款支出"}
    assert "机关运行经费" not in {p.what for p in phrases("national")}  # national's 三公 table has no such row
    assert [p.where for p in phrases("jiangsu")][0] == ("T1", "in_grand", "in_amount")


@pytest.mark.parametrize("entry, problem", [
    ({"pattern": "收入{金额}万元", "cell": ["T1", "nowhere", "in_amount"], "what": "x"}, "没有表"),
    ({"pattern": "收入{金额}万元", "cell": ["T99", "合计", "total"], "what": "x"}, "没有表"),
    ({"pattern": "收入万元", "cell": ["T1", "in_grand", "in_amount"], "what": "x"}, "金额"),
    ({"pattern": "收入({金额}万元", "cell": ["T1", "in_grand", "in_amount"], "what": "x"}, "正则"),
])
def test_a_phrase_naming_a_cell_the_template_lacks_is_refused_on_load(entry, problem):
    with pytest.raises(LayoutError, match=problem):
        phrases_from({"stated": [entry]}, "jiangsu")


@pytest.mark.parametrize("said, code", [("1.一般公共服务（类）支出10,271.56万元", "201"),
                                        ("72.社会保障和就业（类）支出1,509.72万元", "208"),
                                        ("4.卫生健康（类）支出12.00万元", "210"), ("5.医疗卫生与计划生育（类）支出1万元", "210"),
                                        ("6.文化旅游体育与传媒（类）支出3万元", "207")])
def test_a_class_named_in_the_text_by_any_year_s_name_is_the_row_of_that_class(said, code):
    from budget_xl.rules.phrases import resolve

    [phrase] = [p for p in phrases("jiangsu") if p.where[1] == "{类}"]
    m = phrase.pattern.search(said)
    assert m is not None and resolve(phrase, m, "jiangsu") == ("T1", code, "func_amount")


def test_a_class_the_template_does_not_know_is_not_taken_for_another():
    from budget_xl.rules.phrases import resolve

    [phrase] = [p for p in phrases("jiangsu") if p.where[1] == "{类}"]
    m = phrase.pattern.search("1.某某（类）支出10万元")
    assert resolve(phrase, m, "jiangsu") is None
