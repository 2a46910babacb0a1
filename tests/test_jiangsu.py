"""The four published Jiangsu provincial 部门预算 (../shared/samples/jiangsu/: 说明.pdf + 公开表.pdf, 2017–2019):
every printed table found, every printed amount as ``pdftotext -layout`` shows it, ``check`` without a false error,
and the 2018 省委办公厅 tables (pages stored with /Rotate 90) read alike by both PDF engines."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from budget_xl.schema import load_schema  # noqa: E402

SAMPLES = Path("/work/shared/samples/jiangsu")
if not SAMPLES.is_dir():
    SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples" / "jiangsu"
PAIRS = sorted((p.with_name(p.name.replace("公开表", "说明")), p) for p in SAMPLES.glob("*公开表.pdf")) \
    if SAMPLES.is_dir() else []
ROTATED = next((t for _, t in PAIRS if "省委办公厅" in t.name), None)

pytestmark = pytest.mark.skipif(len(PAIRS) < 4, reason="../shared/samples/jiangsu 不在本机")
JIANGSU = load_schema("jiangsu")
KEYS = [lay.key for lay in JIANGSU.tables]


def _ids(pair) -> str:
    return pair[1].stem[:12]


# -- the independent reading: pdftotext -layout ------------------------------------------------------
# the titles as the province prints them (a year before, a note in brackets after): table key
PRINTED_TITLES = {
    "收支预算总表": "T1", "收入预算总表": "T2", "支出预算总表": "T3", "财政拨款收支预算总表": "T4",
    "财政拨款支出预算表": "FFUNC", "财政拨款基本支出预算表": "FBASIC", "财政拨款政府性基金支出预算表": "T7",
    "政府性基金支出预算表": "T7", "一般公共预算支出预算表": "T5", "一般公共预算基本支出预算表": "T6",
    "一般公共预算机关运行经费支出预算表": "OPEX", "“三公”经费、会议费、培训费支出预算表": "T9", "政府采购预算表": "PROC",
}
_FIGURE = re.compile(r"^-?\d{1,3}(,\d{3})*\.\d{2}$")  # Jiangsu prints every amount with 分; codes have none


def pdftotext_amounts(pdf: Path) -> dict[str, Counter]:
    """Table key → the multiset of amounts printed under its title, as pdftotext -layout shows them."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True).stdout.decode()
    out: dict[str, Counter] = {}
    current = None
    for line in text.splitlines():
        title = re.sub(r"[（(][^（）()]*[）)]$", "", re.sub(r"^\d{4}年", "", re.sub(r"\s+", "", line)))
        if title in PRINTED_TITLES:
            current = PRINTED_TITLES[title]
            out.setdefault(current, Counter())
            continue
        if current is not None:
            out[current].update(Decimal(t.replace(",", "")) for t in line.split() if _FIGURE.match(t))
    return out


def imported_amounts(budget) -> dict[str, Counter]:
    out = {}
    for key in KEYS:
        table = budget.tables[key]
        out[key] = Counter(v for r in table.rows for c in table.layout.amount_columns if (v := r.amount(c)) is not None)
    return out


@pytest.fixture(scope="module")
def imported():
    from budget_xl.importers.pdf import import_pdfs

    return {pair[1].name: import_pdfs(pair) for pair in PAIRS}


@pytest.fixture(scope="module")
def checked(imported, tmp_path_factory):
    """check as a user runs it: the imported workbook written, read back and checked."""
    from budget_xl.importers.cli import write_imported
    from budget_xl.read import read_workbook
    from budget_xl.rules import run_checks

    out = {}
    folder = tmp_path_factory.mktemp("jiangsu")
    for name, (budget, report) in imported.items():
        path = write_imported(budget, report, folder / (Path(name).stem + ".xlsx"))
        r = read_workbook(path)
        out[name] = (r, run_checks(r.budget, r.notes))
    return out


# -- tests ---------------------------------------------------------------------------------------------
def test_the_document_is_read_as_jiangsu_and_every_table_is_found(imported):
    assert len(KEYS) == 12
    for name, (budget, report) in imported.items():
        assert report.profile == "jiangsu", name
        assert [t.key for t in report.tables if t.key in KEYS] and {t.key for t in report.tables} == set(KEYS), name
        assert report.missing == [] and report.unfitted == [], (name, report.unfitted)
        assert len(report.files) == 2, name  # 说明 and 公开表 as one document
        assert report.chapters == ["部门概况", "部门预算情况说明", "名词解释"], name
        assert (budget.dept_name, str(budget.year)) == (name.split("_")[1], name[:4]), name


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) 未安装")
def test_every_printed_amount_equals_what_pdftotext_prints(imported):
    for name, (budget, _report) in imported.items():
        printed = pdftotext_amounts(SAMPLES / name)
        assert set(printed) == set(KEYS), name
        got = imported_amounts(budget)
        for key in KEYS:
            assert got[key] == printed[key], (name, key, got[key] - printed[key], printed[key] - got[key])
        assert sum(sum(c.values()) for c in printed.values()) > 150, name


def test_check_finds_no_error_in_the_four_correct_documents(checked):
    for name, (_r, findings) in checked.items():
        errors = [(f.rule, f.message) for f in findings if f.severity == "error"]
        assert errors == [], (name, errors)


def test_the_imported_document_itself_has_no_error(imported):
    """The budget the PDF import gives (what C-ROWS and …-DUP-CODE are checked on by review and batch): a row
    printed with its amount left blank (收入预算总表's 专项收入, the 三公 table's 公务用车购置费 column) is a row of that budget, and
    the rows the 2019 form does not print (专户管理教育收费…) are declared dropped from 2019 — no C-ROWS on a
    correct document (all four had “缺少标准行次” when review checked the imported budget itself)."""
    from budget_xl.rules import check_budget

    for name, (budget, _report) in imported.items():
        errors = [(f.rule, f.message) for f in check_budget(budget, []).findings if f.severity == "error"]
        assert errors == [], (name, errors)


def test_a_row_dropped_from_the_2019_form_is_still_asked_of_2018(imported, monkeypatch):
    """dropped_in = 2019: a 2018 document without 债务资金(银行贷款) has lost a row of its form (C-ROWS); the same
    document dated 2019 has not."""
    import copy

    from budget_xl.model import Budget
    from budget_xl.rules.completeness import missing_rows

    budget = copy.deepcopy(imported["2018_江苏省委办公厅_部门预算_公开表.pdf"][0])
    t2 = budget.tables["T2"]
    t2.rows = [r for r in t2.rows if r.key != "debt"]
    t2.reindex()
    assert budget.year == 2018
    assert [f.message for f in missing_rows(budget)] == [
        "收入预算总表缺少标准行次：债务资金(银行贷款)。请从空白模板复制这些行（行次文字不可改动）。"]
    monkeypatch.setattr(Budget, "year", property(lambda self: 2019))
    assert missing_rows(budget) == []


def test_a_row_printed_blank_is_read_as_a_blank_row(imported):
    budget, _ = imported["2018_江苏省委办公厅_部门预算_公开表.pdf"]
    t2, t9 = budget.tables["T2"], budget.tables["T9"]
    # printed: 专项收入 and the 财政专户 rows with no figure; 公务用车购置费 blank between 411.20 and 411.20
    assert t2.get("gen_special") is not None and t2.get("gen_special").amount("amount") is None
    assert t2.get("gen_grant").amount("amount") == Decimal("24458.43")
    assert t9.get("car_buy") is not None and t9.get("car_buy").amount("total") is None
    assert [t9.get(k).amount("total") for k in ("car", "car_run")] == [Decimal("411.20")] * 2
    # 2019 does not print 专户管理教育收费: absent, and allowed to be
    b19, _ = imported["2019_江苏省政协办公厅_部门预算_公开表.pdf"]
    assert b19.tables["T2"].get("special_edu") is None
    assert b19.tables["T2"].layout.fixed_row("special_edu").dropped_in == 2019


def test_the_relations_are_checked_and_fire_when_a_figure_is_wrong(checked):
    """0 errors means checked and found none: the cross-table relations are tested, and a figure changed by
    1 万元 in 财政拨款收支预算总表 is found against 财政拨款基本支出预算表 and 收支预算总表."""
    from budget_xl.rules import run_checks

    for name, (r, _findings) in checked.items():
        budget = r.budget
        basic = budget.tables["T4"].get("basic")
        assert basic is not None and basic.amount("out_amount") is not None, name
        basic.values["out_amount"] = basic.amount("out_amount") + Decimal("1")
        try:
            rules = {f.rule for f in run_checks(budget, r.notes) if f.severity == "error"}
        finally:
            basic.values["out_amount"] = basic.amount("out_amount") - Decimal("1")
        assert {"X-T4-FBASIC", "T4-LINE-SUM"} <= rules, (name, rules)


def test_figures_land_in_the_rows_they_are_printed_in(imported):
    """By hand from the 2017 政协办公厅 公开表: the three parts of 收支预算总表, the 小计 of 收入预算总表 in
    printed order, the totals-only 支出预算总表 and the 三公 table printed across with a blank 购置费."""
    budget, _ = imported["2017_江苏省政协办公厅_部门预算_公开表.pdf"]
    t1, t2, t3, t9 = (budget.tables[k] for k in ("T1", "T2", "T3", "T9"))
    assert t1.get("others").amount("in_amount") == Decimal("80.00")
    assert t1.get("221").amount("func_amount") == Decimal("1093.52")
    assert t1.get("out_total").amount("use_amount") == Decimal("9146.79")  # label printed under 功能分类
    assert t1.get("reserve").amount("use_amount") == Decimal("106.84")
    assert t2.get("gen").amount("amount") == Decimal("9066.79") and t2.get("others").amount("amount") == Decimal("80.00")
    assert t3.total_row.amount("reserve") == Decimal("106.84") and t3.total_row.amount("carry_out") is None
    # the blank 购置费 column is printed: a row, its amount unknown
    assert t9.get("car_buy").amount("total") is None and t9.get("car_run").amount("total") == Decimal("156.60")
    assert t9.get("meeting").amount("total") == Decimal("1094.62") and t9.get("grand").amount("total") == Decimal("1852.32")


def test_the_rotated_tables_read_the_same_with_both_engines():
    import pypdfium2 as pdfium

    from budget_xl.importers.pdf import import_pdf

    pdf = pdfium.PdfDocument(str(ROTATED))
    try:
        turned = [i for i in range(len(pdf)) if pdf[i].get_rotation() == 90]
        assert len(turned) >= 10  # the A3 tables, stored sideways
    finally:
        pdf.close()
    fast, r1 = import_pdf(ROTATED, engine="pdfium")
    ref, r2 = import_pdf(ROTATED, engine="pdfplumber")
    assert {t.key for t in r1.tables} == {t.key for t in r2.tables} == set(KEYS)
    a, b = imported_amounts(fast), imported_amounts(ref)
    assert a == b and sum(sum(c.values()) for c in a.values()) > 150


def test_import_takes_both_pdfs_and_a_forced_template(tmp_path):
    from conftest import run_cli

    narrative, tables = PAIRS[0]
    r = run_cli("import", narrative, tables, "-o", tmp_path / "主表.xlsx")
    assert r.returncode == 0, r.stderr
    assert "表式：江苏" in r.stdout and "共找到 12 张表" in r.stdout and (tmp_path / "主表.xlsx").exists()
    r = run_cli("import", tables, "-o", tmp_path / "x.xlsx", "--template", "jiangsu")
    assert r.returncode == 0 and "共找到 12 张表" in r.stdout, r.stderr
    r = run_cli("import", tables, "-o", tmp_path / "y.xlsx", "--template", "shanghai")
    assert r.returncode == 2 and "Traceback" not in r.stderr and not (tmp_path / "y.xlsx").exists()
    r = run_cli("import", tables, "-o", tmp_path / "z.xlsx", "--template", "hubei")
    assert r.returncode == 2 and "没有名为“hubei”的表式" in r.stderr
