"""The Shanghai 情况说明 and document: chapters from a Shanghai workbook, no figure it does not have."""

from __future__ import annotations

import re
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from budget_xl.model import Row, empty_budget
from budget_xl.narrative import shanghai
from budget_xl.narrative.text_out import to_txt

sys.path.insert(0, str(Path(__file__).parent))
from shanghai_fixtures import pdf_key, sample_pdfs, shanghai_workbook  # noqa: E402

from tests.conftest import run_cli  # noqa: E402

PDFS = {pdf_key(p): p for p in sample_pdfs()}
needs_samples = pytest.mark.skipif(not PDFS, reason="../shared/samples/shanghai 不在本机")


def _tiny(budget_type="部门预算"):
    b = empty_budget(profile="shanghai")
    b["INFO"].rows = [Row("dept_name", {"value": "某街道办事处"}), Row("year", {"value": "2025"}),
                      Row("budget_type", {"value": budget_type})]
    b["INFO"].reindex()
    t1 = b["T1"]
    t1.rows = [Row("fin", {"in_amount": Decimal("1000000")}, side="in"),
               Row("in_grand", {"in_amount": Decimal("1000000")}, side="in"),
               Row("out_grand", {"out_amount": Decimal("1000000")}, side="out")]
    t1.reindex()
    b["T3"].rows = [Row("合计", {"name": "合计", "total": Decimal("1000000"), "basic": Decimal("400000"),
                                 "project": Decimal("600000")})]
    b["T3"].reindex()
    return b


def _with_duties(b):
    b["DUTY"].rows = [Row("#1", {"text": "负责本单位的日常工作。"})]
    b["DUTY"].reindex()
    return b


def test_blank_figures_leave_their_sentences_out_never_zero():
    text = to_txt(shanghai.render(_tiny()))
    assert "收入预算100.00万元" in text
    assert not re.search(r"(?<![\d.])0(\.00)?万元", text)
    assert "“三公”经费预算情况说明" not in text and "其他相关情况说明" not in text  # no chapter without figures
    assert "主要职能" not in text  # no duties typed: no empty heading
    assert "政府采购预算" not in text and "机关运行经费预算为" not in text
    assert "比2024年" not in text  # no prior: no comparison


def test_a_unit_budget_speaks_of_the_unit():
    text = to_txt(shanghai.render(_with_duties(_tiny("单位预算"))))
    assert "2025年单位预算编制说明" in text and "（单位）主要职能" in text
    assert "本部门" not in text and "部门预算编制说明" not in text


@needs_samples
def test_last_years_imported_document_as_prior_reproduces_the_sangong_change_sentence():
    from budget_xl.read import read_workbook

    this = read_workbook(shanghai_workbook(PDFS["2025"])).budget
    prior = shanghai.read_prior(shanghai_workbook(PDFS["2024"]), 2025)
    text = to_txt(shanghai.render(this, prior))
    printed = "".join(r.text("text") for r in this.texts("其他相关情况说明"))
    sentence = "2025年“三公”经费预算数为37.91万元，比2024年预算减少10万元。"
    assert sentence in printed and sentence in text
    assert "公务用车购置费15万元，比2024年预算减少10万元" in text
    # the PDF itself is accepted as --prior too
    assert sentence in to_txt(shanghai.render(this, shanghai.read_prior(PDFS["2024"], 2025)))


@needs_samples
def test_narrative_cli_on_an_imported_workbook_writes_the_shanghai_chapters(tmp_path):
    out = tmp_path / "说明.txt"
    src = str(shanghai_workbook(PDFS["2026"]))
    r = run_cli("narrative", src, "-o", out)
    assert r.returncode == 2 and "3 处校验错误" in r.stderr  # the published text has 3 real defects
    r = run_cli("narrative", src, "-o", out, "--force")
    assert r.returncode == 0, r.stderr
    text = out.read_text(encoding="utf-8-sig")
    assert text.lstrip().startswith("草稿：尚有3处校验错误")
    for chapter in ("主要职能", "机构设置", "名词解释", "2026年部门预算编制说明", "其他相关情况说明", "项目经费情况说明"):
        assert chapter in text
    assert "机关运行经费预算为217.83万元" in text and "我部门" not in text


@needs_samples
def test_document_prints_yuan_tables_with_thousands_separators(tmp_path):
    from docx import Document

    from budget_xl.narrative.api import document_bytes

    data, _notes = document_bytes(shanghai_workbook(PDFS["2025"]))
    p = tmp_path / "d.docx"
    p.write_bytes(data)
    cells = {c.text for t in Document(p).tables for row in t.rows for c in row.cells}
    assert "189,767,551" in cells and "94,995,790" in cells and "464.64" in cells
    data26, _ = document_bytes(shanghai_workbook(PDFS["2026"]))
    p.write_bytes(data26)
    cells = {c.text for t in Document(p).tables for row in t.rows for c in row.cells}
    assert "96,282,213.44" in cells
