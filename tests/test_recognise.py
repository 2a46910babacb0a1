"""The table recogniser: a printed table is known by the meaning of its title and headers, whatever the
province, level, year or subject prints around it — variants generated from the sample, not asserted on files."""

from __future__ import annotations

import re
import sys
from decimal import Decimal
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from table_variants import Printing, coded_lines, title_variants, two_sided_lines  # noqa: E402

from budget_xl.importers.pdf import import_lines  # noqa: E402
from budget_xl.recognise.tables import choose_profile, final_accounts_titles, match_title, unknown_title  # noqa: E402
from budget_xl.recognise.titles import title_key  # noqa: E402
from budget_xl.schema import load_schema, schema_from_texts  # noqa: E402
from budget_xl.schema.declarations import LayoutError  # noqa: E402

NATIONAL = load_schema("national")


@pytest.fixture(scope="module")
def sample():
    from budget_xl.sample import sample_budget

    return sample_budget()


def amounts(table) -> dict[tuple[str, str], Decimal]:
    return {(r.key, c): r.amount(c) for r in table.rows for c in table.layout.amount_columns if r.amount(c) is not None}


# -- titles ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("printed, meaning", [
    ("2025年预算单位财务收支预算总表", "财务收支表"),
    ("部门财务收支预算总表", "财务收支表"),
    ("公开表3 2019年度部门支出总表", "支出表"),
    ("表 一 收支总表", "收支表"),
    ("一般公共预算支出预算表（功能科目）", "一般公共预算支出表"),
    ("部门一般公共预算基本支出部门预算经济分类预算表", "一般公共预算基本支出经济分类表"),
    ("财政拨款政府性基金支出预算表", "财政拨款政府性基金预算支出表"),
    ("承德市司法局2024年部门收支总表", "收支表"),
    ("2025年单位“三公”经费和机关运行经费预算表", '"三公"经费和机关运行经费表'),
    ("表一", ""),
])
def test_a_title_is_reduced_to_its_meaning(printed, meaning):
    assert title_key(printed) == meaning


@pytest.mark.parametrize("lay", NATIONAL.tables, ids=lambda lay: lay.key)
def test_every_printed_variant_of_a_national_title_names_its_table(lay):
    variants = title_variants(lay.title)
    assert len(variants) >= 12
    for printed in variants:
        m = match_title(printed, "national")
        assert m is not None and m.layout.key == lay.key, printed


def test_shanghai_titles_as_a_unit_budget_prints_them_name_shanghai_tables():
    sh = load_schema("shanghai")
    for lay in sh.tables:
        core = lay.title.removeprefix("部门")
        for printed in (f"2025年预算单位{core}", f"2026年单位{core}", f"上海市普陀区2024年部门{core}"):
            m = match_title(printed, "shanghai")
            assert m is not None and m.layout.key == lay.key, printed


def test_the_profile_is_the_one_whose_own_titles_the_document_prints():
    sh = [lay.title for lay in load_schema("shanghai").tables]
    assert choose_profile(sh) == "shanghai"
    assert choose_profile([lay.title for lay in NATIONAL.tables]) == "national"
    assert choose_profile(["情况说明", "一、主要职能"]) == "national"  # nothing named: the default


def test_sentences_and_contents_lines_are_not_titles():
    assert match_title("部门预算收支总表……………………3", "national") is None
    assert match_title("根据部门预算收支总表，本年收入合计4148.23万元。", "national") is None


def test_final_accounts_and_unknown_tables_are_told_apart():
    assert final_accounts_titles(["2024年度收入支出决算总表", "一、收入支出决算总表情况说明。", "部门收支总表"]) == [
        "2024年度收入支出决算总表"]
    assert unknown_title("2019年部门项目支出绩效目标汇总表")
    assert not unknown_title("部门预算收支总表")  # ours
    assert not unknown_title("一、主要职能")  # not a table


def test_two_tables_of_one_profile_may_not_share_a_meaning():
    text = (Path(__file__).parents[1] / "budget_xl/schema/profiles/national/layouts.toml").read_text(encoding="utf-8")
    bad = text.replace('aliases = ["收入预算总表"]', 'aliases = ["收入预算总表", "2024年支出预算总表"]')
    with pytest.raises(LayoutError, match="含义相同"):
        schema_from_texts(bad, profile="national")


# -- whole tables printed under variants ----------------------------------------------------------------
@pytest.mark.parametrize("key", ["T2", "T3", "T5", "T6"])
def test_a_coded_table_printed_under_any_title_variant_imports_to_the_sample_figures(sample, key):
    table = sample[key]
    for i, printed in enumerate(title_variants(table.layout.title)[::3]):
        lines = coded_lines(table, Printing(title=printed, split_codes=bool(i % 2)))
        budget, report = import_lines(lines, "national", "变体")
        assert [t.key for t in report.tables] == [key], printed
        assert amounts(budget[key]) == amounts(table), printed


def test_a_table_printed_in_yuan_keeps_its_unit_and_its_figures(sample):
    table = sample["T2"]
    budget, _ = import_lines(coded_lines(table, Printing(title="2024年部门收入预算总表", unit="元")), "national", "元表")
    got = budget["T2"]
    assert got.unit == "元"
    assert amounts(got) == {k: v * 10000 for k, v in amounts(table).items()}
    assert got.get("合计").amount("total") == Decimal("41482300.00")  # 4148.23 万元 of the seed


def test_a_lone_amount_column_is_the_total_and_the_others_are_unknown(sample):
    table = sample["T5"]
    printing = Printing(title="表五 一般公共预算支出预算表（功能科目）", columns={"total": "金额"})
    budget, report = import_lines(coded_lines(table, printing), "national", "金额")
    got = budget["T5"]
    assert {k: v for (r, c), v in amounts(got).items() for k in [(r, c)]} == {
        (r, c): v for (r, c), v in amounts(table).items() if c == "total"}
    assert all(r.amount("basic") is None and r.amount("project") is None for r in got.rows)
    assert {p for _, p, how in report.normalised if "未印此列" in how} == {"基本支出", "项目支出"}


@pytest.mark.parametrize("above", [3.5, 4.5])
def test_a_total_label_set_above_its_figures_on_a_line_of_its_own_is_the_total_line(sample, above):
    """Jiangsu sets “合计” 3–4 pt above its figures: two printed lines to the text layer, one row to a reader."""
    table = sample["T5"]
    printing = Printing(title="公开07表 一般公共预算支出预算表（功能科目）", columns={"total": "金额"}, total_above=above)
    budget, report = import_lines(coded_lines(table, printing), "jiangsu", "合计在上")
    assert [t.key for t in report.tables] == ["T5"] and report.unfitted == []
    assert amounts(budget["T5"]) == {(r, c): v for (r, c), v in amounts(table).items() if c == "total"}
    assert budget["T5"].get("合计").amount("total") == table.get("合计").amount("total")


@pytest.mark.parametrize("lay", load_schema("jiangsu").tables, ids=lambda lay: lay.key)
def test_every_printed_variant_of_a_jiangsu_title_names_its_table(lay):
    core = re.sub(r"（[^（）]*）$", "", lay.title)  # the note in brackets (功能科目) is printed or not
    for printed in [*title_variants(core, dept="江苏省政协办公厅", year=2019), f"公开05表 2019年{lay.title}", f"表五 {lay.title}"]:
        m = match_title(printed, "jiangsu")
        assert m is not None and m.layout.key == lay.key, printed
    assert choose_profile([t.title for t in load_schema("jiangsu").tables]) == "jiangsu"


def test_an_extra_column_is_reported_with_its_figures_never_added_to_another(sample):
    table = sample["T3"]
    extra = {"合计": Decimal("12.34"), "2040601": Decimal("5.00")}
    printing = Printing(title="部门支出预算总表", extra=("单位预留机动经费", extra))
    budget, report = import_lines(coded_lines(table, printing), "national", "多一列")
    assert amounts(budget["T3"]) == amounts(table)
    assert sorted(v for k, col, v in report.set_aside if k == "T3" and col == "单位预留机动经费") == sorted(extra.values())
    assert any("单位预留机动经费" in text and "2 个数字未导入" in why for _, text, why in report.unfitted)


@pytest.mark.parametrize("key", ["T1", "T4"])
def test_a_two_sided_table_under_title_variants_imports_to_the_sample_figures(sample, key):
    table = sample[key]
    for printed in title_variants(table.layout.title)[1::4]:
        budget, report = import_lines(two_sided_lines(table, printed), "national", "两栏")
        assert [t.key for t in report.tables] == [key], printed
        assert amounts(budget[key]) == amounts(table), printed


# -- documents the tool cannot import say what they are (exit 2) -----------------------------------------
SHARED = Path(__file__).resolve().parents[2] / "shared" / "samples"
if not SHARED.is_dir():
    SHARED = Path("/work/shared/samples")


@pytest.mark.skipif(not (SHARED / "juesuan").is_dir(), reason="../shared/samples/juesuan 不在本机")
def test_a_final_accounts_document_imports_as_the_juesuan_profile(cli_import):
    """部门决算 used to be refused (exit 2, “这是一份部门决算”); with a 决算 profile its nine tables are imported,
    the published one and the template (which has no figures) alike."""
    for pdf in sorted((SHARED / "juesuan").glob("*.pdf")):
        r, out = cli_import(pdf)  # the same run test_juesuan reads
        assert r.returncode == 0, (pdf, r.stderr)
        assert "表式：上海部门决算" in r.stdout and "共找到 9 张表；未找到 0 张" in r.stdout, pdf
        assert out.is_file(), pdf


@pytest.mark.skipif(not (SHARED / "jiangsu").is_dir(), reason="../shared/samples/jiangsu 不在本机")
def test_a_narrative_only_pdf_exits_2_saying_its_tables_are_missing(tmp_path):
    from conftest import run_cli

    pdf = sorted((SHARED / "jiangsu").glob("*说明.pdf"))[0]
    r = run_cli("import", pdf, "-o", tmp_path / "x.xlsx")
    assert r.returncode == 2
    assert "只有情况说明" in r.stderr + r.stdout and "公开表" in r.stderr + r.stdout


@pytest.mark.skipif(not (SHARED / "shanghai").is_dir(), reason="../shared/samples/shanghai 不在本机")
def test_pages_turned_90_degrees_import_to_the_same_figures(tmp_path):
    """Every page stored sideways with /Rotate 90 (as A3 landscape tables are published) displays as before;
    both PDF engines must read it as displayed."""
    from pypdf import PdfReader, PdfWriter, Transformation
    from pypdf.generic import RectangleObject

    from budget_xl.importers.pdf import import_pdf

    src = sorted((SHARED / "shanghai").glob("2026*.pdf"))[0]
    writer = PdfWriter()
    for original in PdfReader(src).pages[9:16]:  # the first tables
        page = writer.add_page(original)
        w, h = float(page.mediabox.width), float(page.mediabox.height)
        page.add_transformation(Transformation().rotate(90).translate(tx=h, ty=0))
        page.mediabox = page.cropbox = RectangleObject([0, 0, h, w])
        page.rotate(90)
    turned = tmp_path / "turned.pdf"
    with turned.open("wb") as fh:
        writer.write(fh)
    want, _ = import_pdf(src)
    for engine in ("pdfium", "pdfplumber"):
        got, report = import_pdf(turned, engine=engine)
        keys = [t.key for t in report.tables]
        assert {"T1", "T2", "T3", "T4", "T5"} <= set(keys), engine
        for key in ("T1", "T2", "T3", "T4", "T5"):
            assert amounts(got[key]) == amounts(want[key]) and amounts(got[key]), (engine, key)


@pytest.mark.skipif(not (SHARED / "jiangsu").is_dir(), reason="../shared/samples/jiangsu 不在本机")
def test_a_document_read_as_a_template_it_does_not_follow_exits_2_instead_of_passing_its_tables_as_missing(tmp_path):
    """Jiangsu's 12 tables read as the national template (--template national): a few titles read like national
    ones, the rest are another template's. Importing the few would report the rest as missing tables of a correct
    document (C-EMPTY errors). (Read as Jiangsu, the documents import: tests/test_jiangsu.py.)"""
    from conftest import run_cli

    for pdf in sorted((SHARED / "jiangsu").glob("*公开表.pdf")):
        r = run_cli("import", pdf, "-o", tmp_path / "x.xlsx", "--template", "national")
        out = r.stderr + r.stdout
        assert r.returncode == 2, (pdf.name, out[-400:])
        assert "不是所指定表式（全国）的公开表" in out and "收入预算总表" in out, pdf.name
        assert not (tmp_path / "x.xlsx").exists()


def test_a_table_whose_printed_figures_fit_none_of_its_layout_is_not_taken_for_it(sample):
    """A title that reads like 收入总表 over a table of fixed rows without codes: not found, said so."""
    table = sample["T2"]
    lines = coded_lines(table, Printing(title="收入预算总表"))
    lines = lines[:4] + [line for line in lines[4:] if not any(w.text == "合计" for w in line.words)]
    for line in lines[4:]:
        line.words = [w for w in line.words if not w.text.isdigit()]  # no 科目编码 printed, no 合计 line
    _, report = import_lines(lines, "national", "无编码")
    assert "T2" not in [t.key for t in report.tables]
    assert report.unknown_titles == [(1, "收入预算总表")]
