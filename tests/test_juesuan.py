"""部门决算 (issue 20): the 决算 kind beside 预算 — blank workbook, import of the published 决算 and of the template,
check with zero false errors, and single planted errors found and located."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from conftest import run_cli

from budget_xl.commands import _check_one
from budget_xl.read import read_workbook

SHARED = Path(__file__).resolve().parents[2] / "shared" / "samples"
if not SHARED.is_dir():
    SHARED = Path("/work/shared/samples")
PUTUO = SHARED / "juesuan" / "2024_普陀区财政局_部门决算.pdf"
TEMPLATE = SHARED / "juesuan" / "部门决算公开模板.pdf"
needs_pdf = pytest.mark.skipif(not PUTUO.is_file(), reason="../shared/samples/juesuan 不在本机")
AMOUNT = re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3})*\.\d{2}(?![\d%])")


# -- the blank workbook -----------------------------------------------------------------------------------
def test_new_kind_juesuan_records_the_kind_and_is_read_back_as_juesuan(tmp_path):
    out = tmp_path / "决算主表.xlsx"
    r = run_cli("new", "--kind", "决算", "-o", out)
    assert r.returncode == 0, r.stderr
    wb = openpyxl.load_workbook(out)
    info = {row[0]: row[1] for row in wb["基本信息"].iter_rows(values_only=True)}
    assert info["公开类型"] == "部门决算" and info["模板"] == "上海部门决算"
    assert {"收入支出决算总表", "收入决算表", "支出决算表", "财拨收支决算总表", "一般公共预算支出决算表",
            "基本支出决算表", "三公经费决算表", "政府性基金决算表", "国有资本经营决算表", "机关运行经费",
            "政府采购"} <= set(wb.sheetnames)
    assert wb["收入决算表"]["A1"].value == "收入决算表"
    budget = read_workbook(out).budget
    assert (budget.profile, budget.kind) == ("shanghai_juesuan", "决算")
    # without the 模板 entry the titles still say 决算
    ws = wb["基本信息"]
    for row in ws.iter_rows():
        if row[0].value == "模板":
            row[1].value = None
    wb.save(tmp_path / "无模板.xlsx")
    assert read_workbook(tmp_path / "无模板.xlsx").budget.kind == "决算"


def test_new_without_kind_is_still_a_budget(tmp_path):
    r = run_cli("new", "-o", tmp_path / "预算.xlsx")
    assert r.returncode == 0
    assert read_workbook(tmp_path / "预算.xlsx").budget.kind == "预算"


# -- the published 决算 -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def imported(cli_import) -> Path:
    if not PUTUO.is_file():
        pytest.skip("../shared/samples/juesuan 不在本机")
    r, out = cli_import(PUTUO)  # shared with test_recognise; tests that write copy it first
    assert r.returncode == 0, r.stderr
    assert "共找到 9 张表；未找到 0 张；未能归入 0 行" in r.stdout
    return out


def _pdftotext_amounts(pdf: Path, pages: list[int]) -> Counter:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext 不在本机")
    out: Counter = Counter()
    for p in pages:
        text = subprocess.run(["pdftotext", "-layout", "-f", str(p), "-l", str(p), str(pdf), "-"],
                              capture_output=True, text=True, check=True).stdout
        out.update(m.replace(",", "") for m in AMOUNT.findall(text))
    return out


@needs_pdf
def test_every_printed_table_amount_equals_pdftotext(imported):
    """Table by table, the multiset of imported amounts is the multiset of amounts pdftotext -layout prints on
    that table's pages (the comparison is computed, nothing is listed by hand)."""
    from budget_xl.importers.pdf import import_pdf

    budget, report = import_pdf(PUTUO)
    assert [t.key for t in report.tables] == ["T1", "T2", "T3", "T4", "T5", "T6", "T9", "T7", "T8"]
    companions = {"T6": ["T6S"]}
    total = 0
    for found in report.tables:
        got: Counter = Counter()
        for key in [found.key, *companions.get(found.key, [])]:
            t = budget.tables[key]
            for row in t.rows:
                for col in t.layout.amount_columns:
                    v = row.values.get(col)
                    if isinstance(v, Decimal):
                        got[f"{v:.2f}"] += 1
        want = _pdftotext_amounts(PUTUO, found.pages)
        assert got == want, (found.title, got - want, want - got)
        total += sum(want.values())
    pages = [p for t in report.tables for p in t.pages]
    # every figure pdftotext prints from the first table page to the last is in one of the tables
    assert total == sum(_pdftotext_amounts(PUTUO, list(range(min(pages), max(pages) + 1))).values()) > 150


@needs_pdf
def test_check_reports_only_the_two_real_defects(imported):
    """Zero false errors; the two errors are real: the text's 财政拨款收入支出总计 “0.3万元” (the table's 总计 is
    2,961.68) and 一般公共服务支出 “占71.73%” (2,106.66 ÷ 2,940.05 = 71.65%). The 326.71 / 326.72 of
    社会保障和就业支出 between the 总表s and the tables by code is 尾差 (info)."""
    findings, _ = _check_one(imported, None)
    errors = [f for f in findings if f.severity == "error"]
    assert sorted(f.rule for f in errors) == ["JS-TXT-AMOUNT", "JS-TXT-SHARE"]
    amount = next(f for f in errors if f.rule == "JS-TXT-AMOUNT")
    assert (amount.actual, amount.expected) == (Decimal("0.3"), Decimal("2961.68"))
    share = next(f for f in errors if f.rule == "JS-TXT-SHARE")
    assert (share.actual, share.expected) == (Decimal("71.73"), Decimal("71.65"))
    assert not [f for f in findings if f.severity == "warning"]
    tails = [f for f in findings if f.rule in ("X-T1-T3", "X-T4-T5")]
    assert [f.severity for f in tails] == ["info", "info"] and all(f.difference == Decimal("-0.01") for f in tails)


@needs_pdf
def test_the_template_pdf_imports_its_nine_tables_without_figures(pdf_import, cli_import):
    budget, report = pdf_import(TEMPLATE)
    assert report.profile == "shanghai_juesuan" and len(report.tables) == 9 and not report.missing
    assert not any(budget.tables[t.key].has_amounts() for t in report.tables)
    r, out = cli_import(TEMPLATE)
    assert r.returncode == 0
    findings, cov = _check_one(out, None)
    # a template has nothing to compare: no relation fails, only “the table has no figures” and the template's
    # own placeholders (“XXX万元”) in its text
    assert cov.checked == 0
    assert {f.rule for f in findings if f.severity == "error"} <= {"C-EMPTY", "C-INFO", "TXT-LEFTOVER"}


# -- single planted errors, each found and located ---------------------------------------------------------
def _cell_of(path: Path, table: str, row: str, column: str) -> str:
    t = read_workbook(path).budget.tables[table]
    return t.get(row).cell(column)


def _plant(src: Path, dst: Path, where: str, value) -> None:
    shutil.copy(src, dst)
    wb = openpyxl.load_workbook(dst)
    sheet, addr = where.split("!")
    wb[sheet][addr].value = value
    wb.save(dst)


@needs_pdf
@pytest.mark.parametrize(("table", "row", "column", "value"), [
    ("T3", "2010607", "total", 135.52),   # a 项 amount: 信息化建设 135.25 with two digits swapped
    ("T5", "2080501", "basic", 84.56),    # a 项 amount in the 一般公共预算 table
    ("T1", "221", "out_amount", 445.96),  # a copy between tables: 住房保障支出 in the 收支总表
])
def test_a_planted_table_error_is_found_and_located(imported, tmp_path, table, row, column, value):
    cell = _cell_of(imported, table, row, column)
    planted = tmp_path / "埋错.xlsx"
    _plant(imported, planted, cell, value)
    findings, _ = _check_one(planted, None)
    locate = [f for f in findings if f.rule == "LOCATE"]
    assert len(locate) == 1 and locate[0].cells[0] == cell, [f.message for f in locate]
    assert any(f.severity == "error" and cell in f.cells for f in findings if f.rule != "LOCATE")


@needs_pdf
def test_a_cent_between_two_rounded_copies_is_still_an_error(imported, tmp_path):
    """尾差 is for a total printed as the sum of rounded parts, not a general 0.01 tolerance: 财拨总表 208 一般公共
    预算 326.71 → 326.72 now differs from its own 合计 (326.71) by one cent, and that is an error."""
    cell = _cell_of(imported, "T4", "208", "gen")
    planted = tmp_path / "一分.xlsx"
    _plant(imported, planted, cell, 326.72)
    findings, _ = _check_one(planted, None)
    row_sum = [f for f in findings if f.rule == "T4-ROW-SUM" and cell in f.cells]
    assert row_sum and row_sum[0].severity == "error"


@needs_pdf
def test_a_planted_text_percentage_is_found_in_its_sentence(imported, tmp_path):
    wb = openpyxl.load_workbook(imported)
    ws = wb["说明文字"]
    target = next(c for c in ws["C"] if isinstance(c.value, str) and "基本支出2336.91万元，占79.49%" in c.value)
    target.value = target.value.replace("占79.49%", "占79.94%")
    planted = tmp_path / "百分比.xlsx"
    wb.save(planted)
    findings, _ = _check_one(planted, None)
    share = [f for f in findings if f.rule == "JS-TXT-SHARE" and f.actual == Decimal("79.94")]
    assert len(share) == 1 and share[0].cells[0] == f"说明文字!{target.coordinate}"
    assert share[0].expected == Decimal("79.49")


# -- the 决算情况说明 from the workbook ----------------------------------------------------------------------
# every figure the published 决算情况说明 prints (pages 21–24), as printed — except its two defects
PUBLISHED = ["2995.39万元", "56.95万元", "1.87%", "2946.25万元", "2940.05万元", "99.79%", "0.21%",
             "2336.91万元", "79.49%", "603.14万元", "20.51%", "100.00%", "63.14万元", "2.10%", "2106.66万元",
             "326.72万元", "11.11%", "60.99万元", "2.07%", "445.69万元", "15.16%", "2993.92万元", "98.20%",
             "1560.05万元", "1511.89万元", "10.00万元", "135.90万元", "135.25万元", "450.52万元", "449.52万元",
             "85.55万元", "84.65万元", "161.62万元", "160.75万元", "80.81万元", "80.38万元", "0.94万元", "62.29万元",
             "187.75万元", "187.19万元", "258.50万元", "2152.26万元", "184.65万元", "0.95万元", "0.00万元",
             "2.55万元", "1.40%", "251.25万元", "4.79万元", "246.47万元", "598.42万元", "99.43分", "共有车辆0辆",
             "2台（套）"]


@needs_pdf
def test_narrative_reproduces_the_published_figures_and_corrects_its_two_defects(imported):
    from budget_xl.narrative.api import narrative_of
    from budget_xl.narrative.text_out import to_txt

    text = to_txt(narrative_of(read_workbook(imported).budget))
    missing = [f for f in PUBLISHED if f not in text]
    assert not missing
    assert "其他收入6.20万元，占0.21%" in text  # printed “6.2万元” in the document
    # the defects, written from the tables: 财政拨款收入支出总计 2961.68 (printed 0.3), 一般公共服务支出 71.65% (71.73%)
    assert "财政拨款收入支出总计2961.68万元" in text and "0.3万元" not in text
    assert "一般公共服务支出（类）2106.66万元，占71.65%" in text and "71.73%" not in text
    assert "1、一般公共服务支出（类）财政事务（款）行政运行（项）。主要用于：局本部人员经费及公用经费等的基本支出。" \
           "年初预算为1560.05万元，支出决算为1511.89万元。决算数小于预算数的主要原因：人员进出及退休变化，减少人员经费开支。" \
           in text


@needs_pdf
def test_narrative_cli_writes_the_juesuan_text(imported, tmp_path):
    out = tmp_path / "决算说明.docx"
    r = run_cli("narrative", imported, "-o", out, "--force")
    assert r.returncode == 0, r.stderr
    assert out.stat().st_size > 5000


@needs_pdf
def test_document_writes_the_whole_juesuan_disclosure(imported, tmp_path):
    import docx

    out = tmp_path / "决算公开.docx"
    r = run_cli("document", imported, "-o", out, "--force")
    assert r.returncode == 0, r.stderr
    d = docx.Document(out)
    texts = [p.text for p in d.paragraphs]
    assert "上海市普陀区财政局2024年度部门决算" in texts and "收入支出决算总表" in texts
    assert len(d.tables) == 9
    assert any("决算年度：2024" in t for t in texts) and not any("预算年度" in t for t in texts)


# -- 决算 against the year's 预算 (--budget) ----------------------------------------------------------------
def _budget_workbook(path: Path, plan: dict[str, tuple[str, Decimal]], sangong: Decimal, year: str = "2024") -> None:
    """A Shanghai 预算 master workbook (tables in 元, 三公 in 万元) holding the given 项 and 三公 figures."""
    from budget_xl.model import Row, empty_budget
    from budget_xl.write import write_workbook

    b = empty_budget(profile="shanghai")
    b.tables["INFO"].rows = [Row("dept_name", {"item": "部门名称", "value": "上海市普陀区财政局"}),
                             Row("year", {"item": "预算年度", "value": year})]
    t5 = b.tables["T5"]
    total = sum((v for _n, v in plan.values()), Decimal(0))
    t5.rows = [Row("合计", {"code": None, "name": "合计", "total": total})]
    t5.rows += [Row(code, {"code": code, "name": name, "total": v}) for code, (name, v) in plan.items()]
    b.tables["T9"].rows = [Row("total", {"item": "“三公”经费合计", "total": sangong})]
    for t in b.tables.values():
        t.reindex()
    write_workbook(b, path)


@needs_pdf
def test_budget_option_compares_the_printed_budget_figures_with_the_published_budget(imported, tmp_path):
    from budget_xl.commands import _against_budget

    plan = {r.text("code"): (r.text("name"), r.amount("budget") * 10000)
            for r in read_workbook(imported).budget.tables["PLAN"].rows if r.text("code")}
    same = tmp_path / "预算主表.xlsx"
    _budget_workbook(same, plan, Decimal("0.95"))
    found = _against_budget(imported, same)
    # the 决算's 合计 2993.92 is the 11 items' 2993.93 printed as the budget system rounds its exact total: the
    # workbook here holds only the rounded items, so that one line differs and nothing else
    assert [(f.rule, f.severity, f.row) for f in found] == [("JS-BUDGET", "error", "合计")]
    plan["2010607"] = ("信息化建设", Decimal(1_360_000))
    other = tmp_path / "预算主表2.xlsx"
    _budget_workbook(other, plan, Decimal("1.95"))
    found = _against_budget(imported, other)
    assert sorted((f.table, f.row) for f in found) == [("PLAN", "#4"), ("PLAN", "合计"), ("T9", "total")]
    item = next(f for f in found if f.table == "PLAN" and f.row != "合计")
    assert item.actual == Decimal("135.90") and item.expected == Decimal(1_360_000) and item.cells[0].startswith("年初预算数!")
    r = run_cli("check", imported, "--budget", other)
    assert r.returncode == 1 and "JS-BUDGET" in r.stdout and "信息化建设" in r.stdout
    r = run_cli("check", imported, "--budget", imported)
    assert r.returncode == 2 and "这是一份部门决算" in r.stderr


# -- batch mixing 预算 and 决算 -----------------------------------------------------------------------------
@needs_pdf
def test_batch_mixes_budgets_and_final_accounts_each_reported_with_its_kind(imported, tmp_path):
    import json

    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    shutil.copy(imported, inbox / "财政局决算.xlsx")
    shutil.copy(PUTUO, inbox / "财政局决算.pdf")
    assert run_cli("sample", "-o", inbox / "司法局预算.xlsx").returncode == 0
    r = run_cli("batch", inbox, "--json", "--jobs", "1")
    results = {Path(x["file"]).name: x for x in json.loads(r.stdout)}
    assert {k: v["kind"] for k, v in results.items()} == {"财政局决算.xlsx": "部门决算", "财政局决算.pdf": "部门决算",
                                                          "司法局预算.xlsx": "部门预算"}
    for name in ("财政局决算.xlsx", "财政局决算.pdf"):  # the same two real defects, from the workbook or the PDF
        assert results[name]["summary"]["error"] == 2, name
    report = tmp_path / "报告.xlsx"
    assert run_cli("batch", inbox, "--report", report, "--jobs", "1").returncode in (0, 1)
    rows = list(openpyxl.load_workbook(report)["汇总"].iter_rows(min_row=2, values_only=True))
    assert sorted(row[3].split("·")[-1] for row in rows) == ["部门决算", "部门决算", "部门预算"]


# -- a 决算 with a table left out --------------------------------------------------------------------------
@needs_pdf
@pytest.mark.parametrize(("title", "rule", "severity"), [
    ("财政拨款“三公”经费支出决算表", "C-EMPTY-NOTE", "warning"),  # may be empty, but then says so
    ("收入决算表", "C-EMPTY", "error"),                        # every department has income
])
def test_a_juesuan_with_a_table_left_out_says_which(tmp_path, pdf_import, title, rule, severity):
    import pypdf

    reader = pypdf.PdfReader(PUTUO)
    found = {t.key: t for t in pdf_import(PUTUO)[1].tables}
    key, drop = next((t.key, t.pages) for t in found.values() if t.title == title)
    writer = pypdf.PdfWriter()
    for i, page in enumerate(reader.pages, start=1):
        if i not in drop:
            writer.add_page(page)
    cut = tmp_path / "缺表.pdf"
    with cut.open("wb") as fh:
        writer.write(fh)
    out = tmp_path / "缺表.xlsx"
    r = run_cli("import", cut, "-o", out)
    assert r.returncode == 0 and f"未找到：{title}" in r.stdout and "共找到 8 张表" in r.stdout
    findings, _ = _check_one(out, None)
    hits = [f for f in findings if f.rule == rule and f.severity == severity and f.table == key]
    assert len(hits) == 1, [(f.rule, f.message) for f in findings if f.severity != "info"]


@needs_pdf
def test_fill_keeps_the_rounded_copy_of_a_printed_sum_and_fills_a_blank_one(imported, tmp_path):
    """326.71 (收支总表, the exact figure rounded) is not rewritten to 326.72 (支出决算表, Σ rounded 项); blanked, it is
    filled from the table by code."""
    out = tmp_path / "重算.xlsx"
    r = run_cli("fill", imported, "-o", out)
    assert r.returncode == 0 and "改写 0 个单元格" in r.stdout
    cell = _cell_of(imported, "T1", "208", "out_amount")
    blank = tmp_path / "空白.xlsx"
    _plant(imported, blank, cell, None)
    r = run_cli("fill", blank, "-o", tmp_path / "补.xlsx")
    assert r.returncode == 0
    assert read_workbook(tmp_path / "补.xlsx").budget.tables["T1"].get("208").amount("out_amount") == Decimal("326.72")


@needs_pdf
@pytest.mark.parametrize(("printed", "planted", "rule"), [
    ("减少56.95万元，下降1.87%", "减少56.95万元，下降1.78%", "JS-TXT-CHANGE"),   # the percentage of a change
    ("增加2.55万元，增长1.40%", "增加2.55万元，下降1.40%", "JS-TXT-CHANGE"),     # its direction
    ("完成年初预算的98.20%", "完成年初预算的97.20%", "JS-TXT-RATE"),             # 完成率
    ("支出决算为135.25万元。决算数小于", "支出决算为135.25万元。决算数大于", "JS-TXT-RATE"),  # 大于/小于 (JS-TXT-VERSUS)
    ("支出决算为1511.89万元", "支出决算为1511.98万元", "JS-TXT-AMOUNT"),        # a 项 in the text
])
def test_a_planted_text_error_is_found_in_its_sentence(imported, tmp_path, printed, planted, rule):
    wb = openpyxl.load_workbook(imported)
    target = next(c for c in wb["说明文字"]["C"] if isinstance(c.value, str) and printed in c.value)
    target.value = target.value.replace(printed, planted)
    out = tmp_path / "文字.xlsx"
    wb.save(out)
    findings, _ = _check_one(out, None)
    new = [f for f in findings if f.severity == "error" and f.cells and f.cells[0] == f"说明文字!{target.coordinate}"
           and f.rule.startswith("JS-TXT")]
    assert len(new) == 1 and (new[0].rule == rule or (rule == "JS-TXT-RATE" and new[0].rule == "JS-TXT-VERSUS")), \
        [(f.rule, f.message) for f in new]
