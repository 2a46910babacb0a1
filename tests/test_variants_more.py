"""More printings the importer has never seen, generated rather than collected: the year of the title (2027年),
the subject (部门 / 单位 / 预算单位 / none) in every profile, amounts in 元 or 万元 in every profile, a table broken
over pages with or without its header repeated, and pages stored turned 90° or 270°."""

from __future__ import annotations

import re
import sys
from decimal import Decimal
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from table_variants import Printing, _word, coded_lines, title_variants, two_sided_lines  # noqa: E402

from budget_xl.importers.pdf import Line, import_lines  # noqa: E402
from budget_xl.model import Row, Table  # noqa: E402
from budget_xl.recognise.tables import match_title  # noqa: E402
from budget_xl.schema import load_schema  # noqa: E402

PROFILES = ("national", "shanghai", "jiangsu")
SUBJECT = re.compile(r"^(?:部门|单位|预算单位)")


@pytest.fixture(scope="module")
def sample():
    from budget_xl.sample import sample_budget

    return sample_budget()


def amounts(table) -> dict[tuple[str, str], Decimal]:
    return {(r.key, c): r.amount(c) for r in table.rows for c in table.layout.amount_columns if r.amount(c) is not None}


def _core(title: str) -> str:
    return SUBJECT.sub("", re.sub(r"（[^（）]*）$", "", title.removeprefix("部门预算")))


# -- titles: year and subject, every profile -----------------------------------------------------------
@pytest.mark.parametrize("profile", PROFILES)
def test_every_title_of_every_profile_under_any_year_and_subject_names_its_table(profile):
    for lay in load_schema(profile).tables:
        core = _core(lay.title)
        for year in (2017, 2024, 2027, 2030):
            for subject in ("部门", "单位", "预算单位", ""):
                for printed in (f"{year}年{subject}{core}", f"{year}年度{subject}{core}", f"某某局{year}年{subject}{core}",
                                f"公开表3 {year}年{subject}{core}", f"{subject}{core}",
                                f"{year}年上海市普陀区万里街道办事处{subject}{core}" if subject else f"{year}年{core}",
                                f"{year}年江苏省财政厅{subject}{core}" if subject else f"二〇二七年{core}"):
                    m = match_title(printed, profile)
                    assert m is not None and m.layout.key == lay.key, (profile, printed)
        for printed in title_variants(core, dept="某某局", year=2027):
            m = match_title(printed, profile)
            assert m is not None and m.layout.key == lay.key, (profile, printed)


# -- one coded table in every profile, 元 or 万元 ---------------------------------------------------------
def _in_profile(table: Table, profile: str, key: str) -> Table:
    """The sample's table as ``profile`` lays it out: the columns the profile prints, the sample's figures."""
    lay = load_schema(profile).by_key[key]
    cols = set(lay.column_map)
    rows = [Row(r.key, {c: v for c, v in r.values.items() if c in cols}) for r in table.rows]
    out = Table(layout=lay, rows=rows, unit=table.unit)
    out.reindex()
    return out


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("unit", ["元", "万元"])
@pytest.mark.parametrize("key", ["T5", "T6"])
def test_a_coded_table_printed_in_yuan_or_wan_imports_to_its_figures_in_that_unit(sample, profile, unit, key):
    table = _in_profile(sample[key], profile, key)
    lay = table.layout
    printed = {k: lay.column(k).header[-1] for k in lay.amount_columns}
    title = f"2027年单位{_core(lay.title)}"
    budget, report = import_lines(coded_lines(table, Printing(title=title, unit=unit, columns=printed)), profile, "单位")
    got = budget[key]
    assert [t.key for t in report.tables] == [key]
    assert got.unit == unit
    scale = Decimal(10000) if unit == "元" else Decimal(1)
    assert amounts(got) == {k: v * scale for k, v in amounts(table).items()} and amounts(got)


# -- a table broken over pages --------------------------------------------------------------------------
def _split(lines: list[Line], at: int, header: bool, title: str | None = None) -> list[Line]:
    """The printed table broken before its ``at``-th row onto the next page, repeating its title line and/or its
    two header lines there or not (the 单位 line is never repeated)."""
    head, rows = lines[:4], lines[4:]
    nxt = head[0].page + 1
    cont: list[Line] = []
    if title is not None:
        cont.append(Line(nxt, 20, [type(w)(title, w.x0, w.x1, 20) for w in head[0].words]))
    if header:
        cont += [Line(nxt, ln.top, ln.words) for ln in head[2:4]]
    shift = rows[at].top - 100
    cont += [Line(nxt, ln.top - shift, ln.words) for ln in rows[at:]]
    return head + rows[:at] + cont


def _with_page_furniture(lines: list[Line]) -> list[Line]:
    """A page number at the foot of each page and the document's running head at the top of the next."""
    out: list[Line] = []
    for i, ln in enumerate(lines):
        if i and ln.page != lines[i - 1].page:
            out += [Line(lines[i - 1].page, 560, [_word("- 5 -", 400, 560)]),
                    Line(ln.page, 5, [_word("承德市司法局2027年部门预算", 300, 5)])]
        out.append(ln)
    return out


@pytest.mark.parametrize("furniture", [False, True], ids=["bare", "page-number-and-running-head"])
@pytest.mark.parametrize("header", [True, False], ids=["header-repeated", "no-header"])
@pytest.mark.parametrize("title", [None, "续表", "{title}（续）", "{title}"], ids=["no-title", "xu-biao", "title-xu", "title"])
@pytest.mark.parametrize("key", ["T2", "T3", "T5", "T6"])
def test_a_table_broken_over_two_pages_imports_whole(sample, key, header, title, furniture):
    table = sample[key]
    printed = f"2027年部门{_core(table.layout.title)}"
    lines = coded_lines(table, Printing(title=printed))
    at = max(2, (len(lines) - 4) // 2)
    lines = _split(lines, at, header, title and title.format(title=printed))
    budget, report = import_lines(_with_page_furniture(lines) if furniture else lines, "national", "跨页")
    assert [t.key for t in report.tables] == [key]
    assert amounts(budget[key]) == amounts(table)


@pytest.mark.parametrize("header", [True, False], ids=["header-repeated", "no-header"])
@pytest.mark.parametrize("unit", ["元", "万元"])
@pytest.mark.parametrize("key", ["T1", "T4"])
def test_a_two_sided_table_in_either_unit_broken_over_two_pages_imports_whole(sample, key, unit, header):
    table = sample[key]
    lines = two_sided_lines(table, f"2027年单位{_core(table.layout.title)}", unit=unit)
    budget, report = import_lines(_split(lines, (len(lines) - 4) // 2, header), "national", "两栏跨页")
    assert [t.key for t in report.tables] == [key] and budget[key].unit == unit
    scale = Decimal(10000) if unit == "元" else Decimal(1)
    assert amounts(budget[key]) == {k: v * scale for k, v in amounts(table).items()} and amounts(table)


def test_two_tables_one_after_another_on_pages_broken_mid_table_stay_apart(sample):
    t5, t6 = sample["T5"], sample["T6"]
    a = _split(coded_lines(t5, Printing(title="部门一般公共预算支出表")), 5, True)
    last = a[-1].page
    b = [Line(ln.page + last, ln.top, ln.words) for ln in coded_lines(t6, Printing(title="一般公共预算基本支出表"))]
    budget, report = import_lines(a + b, "national", "两表")
    assert [t.key for t in report.tables] == ["T5", "T6"]
    assert amounts(budget["T5"]) == amounts(t5) and amounts(budget["T6"]) == amounts(t6)


# -- pages stored turned ---------------------------------------------------------------------------------
SAMPLES = Path("/work/shared/samples")


def _turned(src: Path, pages: slice, rotation: int, out: Path) -> Path:
    """The pages stored turned by ``rotation`` with /Rotate set so that they display as before (as A3 landscape
    tables are published)."""
    from pypdf import PdfReader, PdfWriter, Transformation
    from pypdf.generic import RectangleObject

    writer = PdfWriter()
    for original in PdfReader(src).pages[pages]:
        page = writer.add_page(original)
        w, h = float(page.mediabox.width), float(page.mediabox.height)
        x0, y0 = float(page.mediabox.left), float(page.mediabox.bottom)
        move = Transformation().translate(tx=-x0, ty=-y0)
        if rotation == 90:
            page.add_transformation(move.rotate(90).translate(tx=h, ty=0))
        else:
            page.add_transformation(move.rotate(270).translate(tx=0, ty=w))
        page.mediabox = page.cropbox = RectangleObject([0, 0, h, w])
        page.rotate(rotation)
    with out.open("wb") as fh:
        writer.write(fh)
    return out


@pytest.mark.parametrize("rotation", [90, 270])
@pytest.mark.parametrize("engine", ["pdfium", "pdfplumber"])
@pytest.mark.parametrize("doc, pages, keys", [
    ("shanghai/2026*.pdf", slice(9, 16), ("T1", "T2", "T3", "T4", "T5")),
    ("jiangsu/2019*公开表.pdf", slice(0, None), ("T1", "T2", "T3", "T4", "T5", "T6", "T9")),
], ids=["shanghai", "jiangsu"])
def test_pages_stored_turned_import_to_the_same_figures(tmp_path, doc, pages, keys, rotation, engine):
    from budget_xl.importers.pdf import import_pdf

    found = sorted(SAMPLES.glob(doc))
    if not found:
        pytest.skip(f"../shared/samples/{doc} 不在本机")
    src = found[0]
    want, _ = import_pdf(src)
    got, report = import_pdf(_turned(src, pages, rotation, tmp_path / "turned.pdf"), engine=engine)
    assert set(keys) <= {t.key for t in report.tables}
    for key in keys:
        assert amounts(got[key]) == amounts(want[key]) and amounts(got[key]), key


# -- how the unit and the amounts are printed ------------------------------------------------------------
@pytest.mark.parametrize("unit_line", ["单位：{unit}", "金额单位：{unit}", "单位:{unit}", "（单位：{unit}）", "单位 ：{unit}",
                                       "单位：人民币{unit}", "{unit}", "（{unit}）"])
@pytest.mark.parametrize("unit, number", [("元", "{:,.2f}"), ("元", "{:.2f}"), ("元", "{:,.0f}"), ("元", "{:.0f}"),
                                          ("万元", "{:,.2f}"), ("万元", "{:.2f}")])
def test_the_unit_however_worded_and_amounts_however_grouped_are_read(sample, unit_line, unit, number):
    """A 元 table read as 万元 would be off 10000 times without any relation failing: the unit line must be read."""
    table = sample["T5"]
    printing = Printing(title="2027年部门一般公共预算支出表", unit=unit, unit_line=unit_line, number=number)
    budget, report = import_lines(coded_lines(table, printing), "national", "单位行")
    got = budget["T5"]
    assert [t.key for t in report.tables] == ["T5"] and got.unit == unit
    want = {k: v * (Decimal(10000) if unit == "元" else 1) for k, v in amounts(table).items()}
    if "0f" in number:
        want = {k: v.quantize(Decimal(1)) for k, v in want.items()}
    assert amounts(got) == want


def test_a_lone_unit_word_among_the_rows_does_not_change_the_table_s_unit(sample):
    table = sample["T5"]
    lines = coded_lines(table, Printing(title="部门一般公共预算支出表", unit="万元"))
    lines.insert(8, Line(lines[8].page, lines[8].top - 9, [type(lines[8].words[0])("元", 800, 810, lines[8].top - 9)]))
    budget, _ = import_lines(lines, "national", "元字")
    assert budget["T5"].unit == "万元" and amounts(budget["T5"]) == amounts(table)


# -- headers worded otherwise ------------------------------------------------------------------------------
@pytest.mark.parametrize("total", ["合计", "总计", "金额合计", "预算数", "本年预算", "2027年预算数"])
@pytest.mark.parametrize("basic, project", [("基本支出", "项目支出"), ("基本经费", "项目经费"), ("基本支出预算", "项目支出预算")])
def test_amount_columns_headed_in_other_words_are_read_by_meaning(sample, total, basic, project):
    table = sample["T5"]
    printing = Printing(title="部门一般公共预算支出表", columns={"total": total, "basic": basic, "project": project})
    budget, report = import_lines(coded_lines(table, printing), "national", "表头")
    assert [t.key for t in report.tables] == ["T5"] and report.unfitted == []
    assert amounts(budget["T5"]) == amounts(table)


def test_an_other_wording_that_is_another_column_s_name_is_not_borrowed():
    """预算数 may head 合计, but not in a table where 预算数 is already another column's header."""
    from budget_xl.recognise.tables import column_names

    for profile in PROFILES:
        for lay in load_schema(profile).tables:
            own = {c.key: set(column_names(c)) for c in lay.columns}
            for c in lay.columns:
                borrowed = set(column_names(c, lay)) - own[c.key]
                assert not any(borrowed & own[k] for k in own if k != c.key), (profile, lay.key, c.key)
