"""``budget-xl document``: the whole disclosure in one Word file — 目录, nine tables, 情况说明, 28 绩效目标表,
政府采购 and 国有资产 tables, 名词解释 — and LibreOffice prints it."""

import io
import re

import docx
import pytest
from docx.oxml.ns import qn
from rich.console import Console

from budget_xl.narrative import demo_step
from budget_xl.read import read_workbook
from budget_xl.schema import load_schema
from tests.conftest import run_cli

NINE = [lay.title for lay in load_schema().tables]


@pytest.fixture(scope="module")
def document_file(sample_file, tmp_path_factory):
    out = tmp_path_factory.mktemp("document") / "document.docx"
    r = run_cli("document", sample_file, "-o", out)
    assert r.returncode == 0, r.stderr
    assert "已生成部门预算信息公开文件" in r.stdout
    return out


@pytest.fixture(scope="module")
def tables_by_heading(document_file):
    """(heading above the table, table) for every table, in document order."""
    d = docx.Document(document_file)
    out, heading = [], None
    tables = iter(d.tables)
    for el in d.element.body.iterchildren():
        if el.tag == qn("w:p"):
            style = el.pPr.pStyle.val if el.pPr is not None and el.pPr.pStyle is not None else ""
            if style.startswith("Heading"):
                heading = "".join(t.text for t in el.iter(qn("w:t")))
        elif el.tag == qn("w:tbl"):
            out.append((heading, next(tables)))
    return out


def texts(table, row):
    return [c.text for c in table.rows[row].cells]


def test_the_document_holds_the_nine_tables_28_project_tables_and_the_others(tables_by_heading):
    headings = [h for h, _ in tables_by_heading]
    assert len(tables_by_heading) == 9 + 1 + 28 + 1 + 1
    assert headings[:9] == NINE
    assert len([h for h in headings if re.fullmatch(r"\d+、.+绩效目标表", h)]) == 28
    assert "八、政府采购预算情况" in headings and "九、国有资产信息" in headings


def test_the_nine_tables_have_their_rows_and_figures(tables_by_heading):
    t = dict(tables_by_heading[:9])
    t1 = t["部门预算收支总表"]
    assert texts(t1, 3) == ["1", "一、一般公共预算拨款收入", "3771.58", "一、一般公共服务支出", ""]
    assert texts(t1, 34) == ["32", "本年收入合计", "3771.58", "本年支出合计", "4148.23"]
    assert texts(t1, 36) == ["34", "收入总计", "4148.23", "支出总计", "4148.23"]
    t6 = t["部门预算一般公共预算财政拨款基本支出表"]
    assert texts(t6, 3) == ["1", "", "合计", "3060.90", "2712.09", "348.81"]
    t9 = t["部门预算财政拨款“三公”经费支出表"]
    assert texts(t9, 10)[1:4] == ["三、公务接待费", "3.15", "3.15"]
    assert len(t["部门预算政府性基金预算财政拨款支出表"].rows) == 3  # empty: headers and 栏次 only


def test_two_level_headers_are_merged_as_on_the_sheet(tables_by_heading):
    t2 = dict(tables_by_heading[:9])["部门预算收入总表"]
    first = t2.rows[0]._tr.findall(qn("w:tc"))
    spans = {"".join(x.text for x in tc.iter(qn("w:t"))): tc.tcPr.find(qn("w:gridSpan")) for tc in first}
    assert spans["本年收入"].get(qn("w:val")) == "8"  # 小计 … 其他收入
    assert spans["功能分类科目"].get(qn("w:val")) == "2"  # 科目编码, 科目名称
    seq = first[0].tcPr.find(qn("w:vMerge"))
    assert seq.get(qn("w:val")) == "restart"  # 序号 spans both header rows
    assert texts(t2, 2)[:4] == ["栏次", "1", "2", "3"]


def test_each_table_shows_department_year_and_unit(document_file):
    d = docx.Document(document_file)
    captions = [p.text for p in d.paragraphs if p.text.startswith("324 承德市司法局\t")]
    assert captions.count("324 承德市司法局\t预算年度：2024\t单位：万元") == 9 + 1  # nine tables and 政府采购
    assert "324 承德市司法局\t截止时间：2023-12-31\t" in captions


def test_a_project_table_is_laid_out_as_in_the_seed(tables_by_heading):
    t = dict(tables_by_heading)["3、法律援助服务经费绩效目标表"]
    assert texts(t, 0) == ["项目编码"] + ["13080024P00010010005E"] * 3 + ["项目名称"] + ["法律援助服务经费"] * 2
    assert texts(t, 1) == ["预算规模及资金用途", "预算数", "30.00", "其中：财政资金", "30.00", "其他资金", ""]
    assert texts(t, 2)[1] == "法律援助案件补贴等"
    assert texts(t, 3)[1:] == ["3月底", "6月底", "10月底", "10月底", "12月底", "12月底"]
    assert texts(t, 4)[1:] == ["20%", "50%", "75%", "75%", "100%", "100%"]
    assert texts(t, 5)[1].startswith("1. 年度内法律援助案件受理数达 400 件以上")
    assert texts(t, 6) == ["一级指标", "二级指标", "三级指标", "绩效指标描述", "绩效指标描述", "指标值", "指标值确定依据"]
    assert texts(t, 7)[:3] == ["产出指标", "数量指标", "法律援助案件受理数"] and texts(t, 7)[5] == "≥400 件"
    assert texts(t, 10)[0] == "产出指标"  # 产出指标 merged over its four rows
    assert len(t.rows) == 7 + 8


def test_procurement_and_asset_tables_with_their_notes(document_file, tables_by_heading):
    t = dict(tables_by_heading)
    assert texts(t["九、国有资产信息"], 1) == ["资产总额", "", "4720.92"]
    assert texts(t["八、政府采购预算情况"], 0)[0] == "政府采购项目来源"
    paragraphs = [p.text for p in docx.Document(document_file).paragraphs]
    assert "注：无政府采购预算，空表列示。" in paragraphs
    assert "注：无国有资本经营预算财政拨款预算，空表列示。" in paragraphs


def test_contents_lists_the_tables_and_the_sections(document_file):
    paragraphs = [p.text for p in docx.Document(document_file).paragraphs]
    start = paragraphs.index("目  录")
    contents = paragraphs[start + 1:start + 1 + 1 + 9 + 1 + 11]
    assert contents[0] == "部门预算公开表" and contents[1:10] == NINE
    assert contents[10] == "部门预算信息公开情况说明"
    assert contents[11] == "一、部门职责及机构设置情况" and contents[-1] == "十一、其他需要说明的事项"


def test_the_glossary_is_in_the_document(document_file):
    paragraphs = [p.text for p in docx.Document(document_file).paragraphs]
    assert any(p.startswith("1、财政拨款收入：指本级财政当年拨付的资金") for p in paragraphs)


def test_libreoffice_prints_the_whole_document(sample_document_pdf):
    pdfplumber = pytest.importorskip("pdfplumber")
    with pdfplumber.open(sample_document_pdf) as pdf:  # `document` of the sample, printed by LibreOffice Writer
        pages = len(pdf.pages)
        text = "".join((p.extract_text() or "") for p in pdf.pages).replace(" ", "").replace("\n", "")
    assert pages >= 40
    for title in NINE:
        assert text.count(title) >= 2, title  # in the 目录 and above the table
    assert len(re.findall(r"\d+、[^、]{2,40}?绩效目标表", text)) >= 28
    for expected in ("法律援助服务经费绩效目标表", "≥400件", "较2023年预算减少2.35万元", "4720.92", "名词解释"):
        assert expected in text, expected


def test_document_output_must_be_docx(sample_copy, tmp_path):
    r = run_cli("document", sample_copy, "-o", tmp_path / "公开.txt")
    assert r.returncode == 2 and ".docx" in r.stderr and "Traceback" not in r.stderr


def test_the_demo_step_writes_three_files(sample_file, tmp_path):
    buf = io.StringIO()
    demo_step(read_workbook(sample_file), tmp_path, Console(file=buf, width=200))
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["情况说明.docx", "情况说明.txt", "部门预算信息公开_承德市司法局2024.docx"]
    lines = [ln for ln in buf.getvalue().splitlines() if "已写入" in ln]
    assert len(lines) == 3
    assert "2024年预算收入4148.23万元" in (tmp_path / "情况说明.txt").read_text(encoding="utf-8-sig")
