"""The 情况说明 in Word: headings 一…十一, 仿宋/黑体 set as East Asian fonts, A4, the unit and asset tables;
LibreOffice opens it and prints its pages."""

import subprocess

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm

from tests.conftest import run_cli, soffice


@pytest.fixture(scope="module")
def narrative_docx(sample_file, tmp_path_factory):
    out = tmp_path_factory.mktemp("narrative") / "narrative.docx"
    r = run_cli("narrative", sample_file, "-o", out)
    assert r.returncode == 0, r.stderr
    return out


@pytest.fixture(scope="module")
def document(narrative_docx):
    return docx.Document(narrative_docx)


def east_asia_font(style) -> str:
    fonts = style.element.rPr.find(qn("w:rFonts"))
    return fonts.get(qn("w:eastAsia"))


def test_headings_are_the_eleven_numbered_sections(document):
    h1 = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert len(h1) == 11
    assert h1[0] == "一、部门职责及机构设置情况" and h1[-1] == "十一、其他需要说明的事项"
    title = [p.text for p in document.paragraphs if p.style.name == "Title"]
    assert title == ["承德市司法局2024年部门预算信息公开情况说明"]


def test_body_paragraphs_carry_the_figures(document):
    body = [p.text for p in document.paragraphs if p.style.name == "正文段落"]
    assert any("其中基本支出3060.90万元，包括人员经费2712.09万元和日常公用经费348.81万元" in t for t in body)
    assert any(t.startswith("（三）公务接待费3.15万元，同比减少0.03万元") for t in body)


def test_fonts_are_fangsong_for_body_and_heiti_for_headings_as_east_asian_fonts(document):
    styles = document.styles
    assert east_asia_font(styles["Normal"]) == "仿宋"
    assert east_asia_font(styles["正文段落"]) == "仿宋"
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3"):
        fonts = styles[name].element.rPr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")) == "黑体", name
        assert fonts.get(qn("w:asciiTheme")) is None and fonts.get(qn("w:eastAsiaTheme")) is None, name
    assert styles["正文段落"].font.size.pt == 16  # 三号
    assert styles["正文段落"].paragraph_format.first_line_indent.pt == 32  # 首行缩进两字


def test_the_page_is_a4_portrait(document):
    s = document.sections[0]
    assert abs(s.page_width - Mm(210)) < Mm(1) and abs(s.page_height - Mm(297)) < Mm(1)


def test_the_unit_and_asset_tables(document):
    tables = document.tables
    assert len(tables) == 2  # 机构设置 and 固定资产; the 政府采购 table is empty, so only its sentence
    units, assets = tables
    assert [c.text for c in units.rows[0].cells] == ["单位名称", "单位性质", "单位规格", "经费保障形式"]
    assert [c.text for c in units.rows[2].cells] == ["承德市公证处", "事业", "正科级", "财政拨款"]
    assert [c.text for c in assets.rows[0].cells] == ["项目", "数量", "价值（金额单位：万元）"]
    assert [c.text for c in assets.rows[1].cells] == ["资产总额", "", "4720.92"]
    assert [c.text for c in assets.rows[2].cells] == ["1、房屋（平方米）", "15067.68", "2533.17"]


def test_libreoffice_opens_the_docx_and_prints_its_pages(narrative_docx, tmp_path):
    exe = soffice("writer", "cjk")
    pdfplumber = pytest.importorskip("pdfplumber")
    subprocess.run([exe, f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(narrative_docx)], check=True, capture_output=True, timeout=240)
    pdf = tmp_path / "narrative.pdf"
    with pdfplumber.open(pdf) as doc:
        pages = len(doc.pages)
        text = "".join((p.extract_text() or "") for p in doc.pages).replace(" ", "").replace("\n", "")
    assert pages >= 10
    for expected in ("一、部门职责及机构设置情况", "十一、其他需要说明的事项", "较2023年预算减少2.35万元",
                     "公务接待费3.15万元", "上年末固定资产金额为4720.92万元", "承德市戒毒管理所"):
        assert expected in text, expected


def test_a_wide_table_gets_a_landscape_page_of_its_own():
    import io

    from docx.enum.section import WD_ORIENT

    from budget_xl.narrative.api import narrative_of, narrative_output
    from tests.test_narrative_sample import budget_with_a_purchase

    d = docx.Document(io.BytesIO(narrative_output(narrative_of(budget_with_a_purchase()), ".docx")))
    orientations = [s.orientation for s in d.sections]
    assert orientations == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE, WD_ORIENT.PORTRAIT]
    purchase = d.tables[1]  # 机构设置, 政府采购 (14 columns), 固定资产
    assert len(purchase.columns) == 14 and [c.text for c in purchase.rows[2].cells][:3] == ["警察服装经费", "3.00", "警服"]
