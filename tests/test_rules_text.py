"""Text ↔ table checks on tiny Shanghai budgets typed inline, and the known defects of the real documents."""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

import pytest

from budget_xl.model import Row, empty_budget
from budget_xl.rules.text import TEXT_RULE_IDS, TEXT_RULES

sys.path.insert(0, str(Path(__file__).parent))
from shanghai_fixtures import pdf_key, sample_pdfs, shanghai_workbook  # noqa: E402

from tests.conftest import run_cli  # noqa: E402


def _budget(*texts: str, year: str = "2026", budget_type: str = "部门预算"):
    b = empty_budget(profile="shanghai")
    info = b["INFO"]
    info.rows = [Row("year", {"item": "预算年度", "value": year}),
                 Row("budget_type", {"item": "预算类型", "value": budget_type})]
    info.reindex()
    t5 = b["T5"]
    t5.rows = [Row("221", {"code": "221", "name": "住房保障支出", "total": Decimal("2087959")}),
               Row("22102", {"code": "22102", "name": "住房改革支出", "total": Decimal("2087959")}),
               Row("2210201", {"code": "2210201", "name": "住房公积金", "total": Decimal("2087959")})]
    t5.reindex()
    t9 = b["T9"]
    t9.rows = [Row("total", {"item": "“三公”经费合计", "total": Decimal("10.81")}),
               Row("recep", {"item": "公务接待费", "total": Decimal("0.83")})]
    t9.reindex()
    b["TEXT"].rows = [Row(f"#{i}", {"item": "预算编制说明", "text": t}) for i, t in enumerate(texts, start=1)]
    b["TEXT"].reindex()
    return b


def _run(budget):
    return [f for _id, fn in TEXT_RULES for f in fn(budget)]


def _ids(budget):
    return sorted(f.rule for f in _run(budget))


def test_an_item_amount_matching_the_table_within_its_printed_precision_passes():
    b = _budget("12、住房保障支出（221类）住房改革支出（02款）住房公积金（01项）208.8万元。主要用于：公积金。"
                "2025年当年预算执行数为198.34万元，2026年预算安排208.80万元，比2025年预算执行数增加5.28%。")
    assert _run(b) == []


def test_a_second_figure_for_the_same_item_is_reported():
    b = _budget("12、住房保障支出（221类）住房改革支出（02款）住房公积金（01项）208.8万元。"
                "2025年当年预算执行数为198.34万元，2026年预算安排201.50万元，比2025年预算执行数增加5.27%。")
    found = [f for f in _run(b) if f.rule == "TXT-AMOUNT"]
    assert len(found) == 1 and found[0].actual == Decimal("201.50") and found[0].expected == Decimal("208.8")


def test_an_item_amount_differing_from_the_table_is_reported_with_both_figures():
    b = _budget("“住房保障支出（类）住房改革支出（款）住房公积金（项）”207.00万元，主要用于住房公积金。")
    (f,) = _run(b)
    assert f.rule == "TXT-AMOUNT" and "207.00万元" in f.message and "208.80万元" in f.message


def test_wrong_direction_and_size_of_a_change_is_found():
    b = _budget("6、公共安全支出（204类）司法（06款）其他司法支出（99项）3845.49万元。2025年当年预算执行数为43269.3万元，"
                "2026年预算安排3845.49万元，比2025年预算执行数增加17.62%。主要原因是：业务量增加。")
    found = [f for f in _run(b) if f.rule == "TXT-DIRECTION"]
    assert len(found) == 1 and "减少91.11%" in found[0].message


def test_a_percentage_outside_the_rounding_envelope_is_found_and_one_inside_is_not():
    wrong = _budget("住房保障支出（221类）住房改革支出（02款）住房公积金（01项）208.80万元。2025年当年预算执行数为"
                    "77.99万元，2026年预算安排208.80万元，比2025年预算执行数增加1.10%。")
    assert "TXT-PCT" in _ids(wrong)
    right = _budget("住房保障支出（221类）住房改革支出（02款）住房公积金（01项）208.80万元。2025年当年预算执行数为"
                    "181.36万元，2026年预算安排208.80万元，比2025年预算执行数增加15.13%。")
    assert "TXT-PCT" not in _ids(right)


def test_outdated_class_name_is_found_for_a_budget_after_the_rename_only():
    text = "医疗卫生与计划生育支出（210类）行政事业单位医疗（11款）行政单位医疗（01项）114.97万元。"
    assert "TXT-OLD-NAME" in _ids(_budget(text, year="2026"))
    assert "TXT-OLD-NAME" not in _ids(_budget(text, year="2018"))


@pytest.mark.parametrize("text", ["三公经费比上年增加（减少）2万元。", "本部门共有XX个单位。", "公务接待费持平，主要原因是。"])
def test_template_leftovers_are_found(text):
    assert "TXT-LEFTOVER" in _ids(_budget(text))


def test_a_reason_that_is_given_is_not_a_leftover():
    assert _ids(_budget("财政拨款收入支出增加的主要原因是工作量增加。")) == []


def test_department_words_in_a_unit_budget_are_found_and_not_in_a_department_budget():
    text = "2026年本部门政府采购预算3.66万元；部门预算安排购置车辆0辆。"
    assert _ids(_budget(text, budget_type="单位预算")).count("TXT-TYPE-WORDS") == 2
    assert "TXT-TYPE-WORDS" not in _ids(_budget(text, budget_type="部门预算"))
    assert "TXT-TYPE-WORDS" in _ids(_budget("本单位政府采购预算3.66万元。", budget_type="部门预算"))


def test_sangong_figure_in_text_against_the_10000_unit_table():
    assert _run(_budget("2026年“三公”经费预算数为10.81万元。公务接待费0.83万元。")) == []
    (f,) = _run(_budget("2026年“三公”经费预算数为12.81万元。"))
    assert f.rule == "TXT-AMOUNT" and f.expected == Decimal("10.81")


def test_comparison_with_the_budget_year_itself_is_found():
    assert "TXT-YEAR" in _ids(_budget("财政拨款收入9628.22万元，比2026年预算增加793.14万元。"))


def test_every_emitted_id_is_declared():
    pdfs = sample_pdfs()
    if not pdfs:
        pytest.skip("samples absent")
    from budget_xl.read import read_workbook

    ids = {f.rule for p in pdfs for f in _run(read_workbook(shanghai_workbook(p)).budget)}
    assert ids <= set(TEXT_RULE_IDS)


@pytest.mark.skipif(not sample_pdfs(), reason="../shared/samples/shanghai 不在本机")
def test_known_defects_of_the_real_documents_are_found():
    from budget_xl.read import read_workbook
    from budget_xl.rules import run_checks

    by_year = {pdf_key(p): p for p in sample_pdfs()}
    b26 = read_workbook(shanghai_workbook(by_year["2026"])).budget
    direction = [f for f in _run(b26) if f.rule == "TXT-DIRECTION"]
    assert any("43269.30" in f.message and "3845.49" in f.message and "减少91.11%" in f.message for f in direction)
    r24 = read_workbook(shanghai_workbook(by_year["2024"]))
    empty_note = [f for f in run_checks(r24.budget, r24.notes) if "本表为空表" in f.message]
    assert empty_note and empty_note[0].severity == "error"


def _with_prior(text: str):
    b = _budget(text, year="2025")
    b["T9"].get("total").values["total"] = Decimal("37.91")
    b["PRIOR"].rows = [Row("sangong", {"item": "“三公”经费合计", "amount": Decimal("47.91")})]
    b["PRIOR"].reindex()
    return b


@pytest.mark.parametrize("said, rule", [("减少10万元", None), ("减少12万元", "TXT-AMOUNT"), ("增加10万元", "TXT-DIRECTION"),
                                        ("持平", "TXT-DIRECTION")])
def test_change_against_last_year_is_checked_when_last_years_figure_is_known(said, rule):
    found = _ids(_with_prior(f"2025年“三公”经费预算数为37.91万元，比2024年预算{said}。"))
    assert found == ([rule] if rule else [])


def test_without_last_years_figure_only_an_impossible_change_is_reported():
    b = _budget("政府性基金拨款支出预算0万元，比2025年预算增加1421.25万元；")
    assert "TXT-DIRECTION" in _ids(b)
    assert _ids(_budget("2026年“三公”经费预算数为10.81万元，比2025年预算减少3万元。")) == []


@pytest.mark.skipif(not sample_pdfs(), reason="../shared/samples/shanghai 不在本机")
def test_import_with_last_years_pdf_fills_the_prior_sheet_and_the_text_agrees(tmp_path):
    by_year = {pdf_key(p): p for p in sample_pdfs()}
    out = tmp_path / "2025.xlsx"
    r = run_cli("import", by_year["2025"], "--prior", by_year["2024"], "-o", out)
    assert r.returncode == 0, r.stderr
    from budget_xl.read import read_workbook

    b = read_workbook(out).budget
    assert b["PRIOR"].get("sangong").amount("amount") == Decimal("47.91")
    assert b["PRIOR"].get("fin").amount("amount") == Decimal("15621.11")
    assert not [f for f in _run(b) if f.rule == "TXT-DIRECTION"]


def test_a_reason_contradicting_the_direction_is_reported():
    text = ("“住房保障支出（类）住房改革支出（款）住房公积金（项）”208.80万元。2025年当年预算执行数为214.00万元，"
            "2026年预算安排208.80万元，比2025年预算执行数减少2.43%。主要原因是：住房公积金经费增加。")
    found = [f for f in _run(_budget(text)) if f.rule == "TXT-DIRECTION"]
    assert len(found) == 1 and found[0].severity == "warning"
    assert not [f for f in _run(_budget(text.replace("经费增加", "经费减少"))) if f.rule == "TXT-DIRECTION"]


@pytest.mark.parametrize("said, reported", [("208.80万元", False), ("208.8万元", False), ("209万元", False),
                                            ("208.4万元", True), ("207.00万元", True)])
def test_an_item_amount_against_a_table_printed_in_whole_wan(said, reported):
    """The table prints 住房公积金 as “209” (whole 万元): the text's 208.80 may be the figure it rounds, 207.00 not."""
    b = _budget(f"“住房保障支出（类）住房改革支出（款）住房公积金（项）”{said}，主要用于住房公积金。")
    t5 = b["T5"]
    t5.unit = "万元"
    for r in t5.rows:
        r.values["total"] = Decimal("209")
    found = [f for f in _run(b) if f.rule == "TXT-AMOUNT"]
    assert bool(found) == reported, found
