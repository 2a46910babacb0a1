"""budget-xl import: the four Shanghai PDFs and the seed text, compared with an independent reading."""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from shanghai_fixtures import (
    TITLES,
    imported_amounts,
    pdf_key,  # noqa: E402
    pdftotext_available,
    printed_amounts,
    sample_pdfs,
    shanghai_workbook,
)

from budget_xl.importers.pdf import import_pdf  # noqa: E402
from tests.conftest import run_cli  # noqa: E402

PDFS = sample_pdfs()
needs_samples = pytest.mark.skipif(not PDFS, reason="../shared/samples/shanghai 不在本机")


@pytest.fixture(scope="module")
def imported():
    return {pdf_key(p): import_pdf(p) for p in PDFS}


@needs_samples
def test_every_table_of_every_shanghai_pdf_is_found(imported):
    for year, (budget, report) in imported.items():
        assert budget.profile == "shanghai", year
        assert {t.key for t in report.tables} == set(TITLES), year
        assert report.missing == [], year


@needs_samples
@pytest.mark.skipif(not pdftotext_available(), reason="pdftotext (poppler-utils) 未安装")
def test_every_amount_equals_what_pdftotext_prints(imported):
    for pdf in PDFS:
        budget, report = imported[pdf_key(pdf)]
        got = imported_amounts(budget)
        for key, _column, value in report.set_aside:  # printed under a column the template does not have: reported
            got[key][value] += 1
        assert got == {k: v for k, v in printed_amounts(pdf).items()} | {
            k: got[k] for k in TITLES if k not in printed_amounts(pdf)}, pdf.stem
        assert sum(sum(c.values()) for c in printed_amounts(pdf).values()) > 100


@needs_samples
def test_cells_land_in_their_column_by_header(imported):
    b25 = imported["2025"][0]
    row = b25["T3"].get("21201")
    assert (row.amount("total"), row.amount("basic"), row.amount("project")) == (
        Decimal("94995790"), Decimal("77381546"), Decimal("17614243"))
    # 2023 prints blank 人员经费 for 商品和服务支出: blank stays unknown, the figure goes to 公用经费
    r = imported["2023"][0]["T6"].get("30204")
    assert r.amount("person") is None and r.amount("public") == Decimal("30000")
    # 2024 prints the 款 of 津贴补贴 as "2": the code is 30102
    assert imported["2024"][0]["T6"].get("30102").amount("total") == Decimal("16623810")
    # the 三公 table is in 万元, read under its headers
    t9 = imported["2025"][0]["T9"]
    assert [t9.get(k).amount("total") for k in ("total", "abroad", "recep", "car", "car_buy", "car_run", "opex")] == [
        Decimal(x) for x in ("37.91", "0", "1.35", "36.56", "15", "21.56", "464.64")]
    assert t9.unit == "万元" and b25["T2"].unit == "元"


@needs_samples
def test_a_label_broken_over_two_lines_keeps_its_figures(imported):
    t4 = imported["2023"][0]["T4"]
    assert t4.get("207").amount("gen") == Decimal("200000")


@needs_samples
def test_text_chapters_and_stated_figures_are_extracted(imported):
    b, report = imported["2025"]
    assert len(b["DUTY"].rows) == 9 and len(b["ORG"].rows) == 6
    assert b["PROC"].get("total").amount("amount") == Decimal("4821.20")
    assert b["PERF"].get("projects").amount("qty") == Decimal("49")
    assert b["ASSET"].get("car_other").amount("qty") == Decimal("8")
    assert b["ASSET"].get("car").amount("plan_qty") == Decimal("1")
    items = {r.text("item") for r in b["TEXT"].rows}
    assert {"预算编制说明", "其他相关情况说明", "项目经费情况说明", "名词解释"} <= items
    # 司法局 2026 prints duties (六)–(十) twice: taken once
    assert len(imported["2026"][0]["DUTY"].rows) == 10


@needs_samples
def test_the_fast_reader_gives_the_same_tables_as_pdfplumber(imported):
    from budget_xl.read import read_workbook

    for pdf in PDFS:
        fast = imported[pdf_key(pdf)][0]
        reference = read_workbook(shanghai_workbook(pdf)).budget  # built with engine="pdfplumber"
        for key in TITLES:
            want = {(r.key, c): r.amount(c) for r in reference[key].rows for c in reference[key].layout.amount_columns
                    if r.amount(c) is not None}
            got = {(r.key, c): r.amount(c) for r in fast[key].rows for c in fast[key].layout.amount_columns
                   if r.amount(c) is not None}
            assert got == want, (pdf.stem, key)
        assert [r.text("text") for r in fast["TEXT"].rows] == [r.text("text") for r in reference["TEXT"].rows]


@needs_samples
def test_imported_workbook_reads_back_as_shanghai(tmp_path):
    from budget_xl.read import read_workbook

    wb = shanghai_workbook(PDFS[-1])
    result = read_workbook(wb)
    assert result.budget.profile == "shanghai"
    assert result.budget["T1"].get("in_grand").amount("in_amount") == Decimal("96282213.44")


def test_seed_text_imports_to_the_embedded_sample_cell_for_cell(tmp_path):
    from budget_xl.importers.cli import import_source
    from budget_xl.sample import sample_budget

    src = Path(__file__).resolve().parents[1] / "budget_xl" / "sample" / "chengde_sfj_2024.txt"
    budget, report = import_source(src)
    sample = sample_budget()
    assert budget.profile == "national"
    for key in ("T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8", "T9", "PROJ", "ASSET"):
        got = {(r.key, c): r.amount(c) for r in budget[key].rows for c in budget[key].layout.amount_columns}
        want = {(r.key, c): sample[key].get(r.key).amount(c) for r in sample[key].rows
                for c in sample[key].layout.amount_columns}
        assert got == want, key
    assert len(report.tables) == 9
    from budget_xl.rules import run_checks

    assert [f for f in run_checks(budget) if f.severity == "error"] == []


def _run(*args):
    return run_cli(*args)


def test_import_refuses_a_text_without_tables_with_exit_2(tmp_path):
    txt = tmp_path / "说明.txt"
    txt.write_text("这是一份普通的文本。\n没有表格。\n", encoding="utf-8")
    r = _run("import", txt, "-o", tmp_path / "out.xlsx")
    assert r.returncode == 2 and "找不到预算公开表格" in r.stderr and "Traceback" not in r.stderr


def test_import_refuses_other_files_with_exit_2(tmp_path):
    junk = tmp_path / "表.xlsx"
    junk.write_bytes(b"PK\x03\x04\x00\x00garbage\xff\xfe")
    r = _run("import", junk, "-o", tmp_path / "out.xlsx")
    assert r.returncode == 2 and "不是 PDF 文件" in r.stderr




def _blank_pdf(path: Path) -> None:
    """A one-page PDF with no text layer (what a scan without OCR looks like to a text extractor)."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            b"<< /Length 0 >>\nstream\n\nendstream"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, o in enumerate(objs, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + o + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    path.write_bytes(bytes(out))


def test_a_scanned_pdf_without_text_exits_2_with_a_chinese_message(tmp_path):
    pdf = tmp_path / "扫描件.pdf"
    _blank_pdf(pdf)
    r = _run("import", pdf, "-o", tmp_path / "out.xlsx")
    assert r.returncode == 2 and "没有文字层" in r.stderr
    assert not (tmp_path / "out.xlsx").exists()


def test_an_encrypted_pdf_exits_2_with_a_chinese_message(tmp_path):
    pypdf = pytest.importorskip("pypdf")
    w = pypdf.PdfWriter()
    w.add_blank_page(595, 842)
    w.encrypt("secret")
    pdf = tmp_path / "加密.pdf"
    with pdf.open("wb") as fh:
        w.write(fh)
    r = _run("import", pdf, "-o", tmp_path / "out.xlsx")
    assert r.returncode == 2 and "加密" in r.stderr


@needs_samples
def test_import_cli_writes_the_workbook_and_an_import_report(tmp_path):
    out = tmp_path / "导入.xlsx"
    r = _run("import", PDFS[0], "-o", out)
    assert r.returncode == 0, r.stderr
    assert "找到：部门收入预算总表" in r.stdout
    import openpyxl

    wb = openpyxl.load_workbook(out, read_only=True)
    assert "导入报告" in wb.sheetnames and "收入预算总表" in wb.sheetnames


def test_a_class_printed_under_its_old_name_is_read_as_the_renamed_class_and_reported():
    from budget_xl.importers.pdf import ImportReport, _TableReader
    from budget_xl.model import empty_budget
    from budget_xl.schema import load_schema

    schema = load_schema("shanghai")
    budget = empty_budget(profile="shanghai")
    report = ImportReport(source="x")
    reader = _TableReader(schema["T1"], budget["T1"], report, dict(schema.func_classes))
    out_side = schema["T1"].sides[1]
    assert reader._side_key(out_side, "七、医疗卫生与计划生育支出", 3) == "210"
    assert reader._side_key(out_side, "七、卫生健康支出") == "210"
    assert report.normalised == [(3, "七、医疗卫生与计划生育支出", "旧科目名称，按“210 卫生健康支出”读取")]
