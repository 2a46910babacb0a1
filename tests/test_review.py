"""budget-xl review: the 公开情况检查表 of the shared 2026 普陀区司法局 部门预算 filled in as its reviewers did, and
variants of the shared PDFs each carrying one defect (tests/pdf_edits.py) — each found where it was made."""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from pdf_edits import blank_page, drop_glyph_map, edit_text, page_text, swap_pages  # noqa: E402
from shanghai_fixtures import samples_dir  # noqa: E402

from tests.conftest import run_cli  # noqa: E402

SAMPLES = samples_dir()
needs_samples = pytest.mark.skipif(SAMPLES is None, reason="../shared/samples/shanghai 不在本机")
SFJ = SAMPLES / "2026_普陀区司法局_部门预算.pdf" if SAMPLES else None
REVIEWERS = SAMPLES / "checklists" / "2026_普陀区司法局_部门预算_检查表.xlsx" if SAMPLES else None


def _problems(review) -> list[tuple[str, str, int | None, str]]:
    return [(row.label, p.finding.rule, p.page, p.finding.message) for row in review.rows for p in row.problems]


@pytest.fixture(scope="module")
def sfj():
    from budget_xl.review.run import review_pdf

    return review_pdf(SFJ)


@pytest.fixture(scope="module")
def sfj_book(sfj, tmp_path_factory):
    from budget_xl.review.workbook import write_checklist

    out = tmp_path_factory.mktemp("review") / "检查表.xlsx"
    write_checklist(sfj, out)
    return out


@needs_samples
def test_checklist_matches_the_reviewers_row_for_row(sfj_book):
    import openpyxl

    theirs = openpyxl.load_workbook(REVIEWERS).worksheets[0]
    ours = openpyxl.load_workbook(sfj_book).worksheets[0]
    rows = [r for r in range(1, theirs.max_row + 1) if theirs.cell(r, 4).value in ("是", "否")]
    assert len(rows) == 18
    got = [(ours.cell(r, 2).value, ours.cell(r, 4).value) for r in rows]
    want = [(theirs.cell(r, 2).value, theirs.cell(r, 4).value) for r in rows]
    assert got == want
    assert [label for label, mark in want if mark == "否"] == ["目录", "主要职能", "预算编制说明", "项目经费情况说明"]


@needs_samples
def test_the_six_recorded_problems_are_reported(sfj):
    found = _problems(sfj)
    years = [f for f in found if f[0] == "预算编制说明" and f[1] == "TXT-YEAR"]
    assert len(years) == 5 and all(f[2] == 8 for f in years)  # the five comparisons with 2026 itself
    assert any(f[0] == "预算编制说明" and f[2] == 8 and "。。" in f[3] for f in found)
    assert ("目录", "DOC-BLANK-PAGE", 3) in [f[:3] for f in found]
    hidden = [f for f in found if f[1] == "DOC-TEXT-HIDDEN"]
    assert hidden and hidden[0][:3] == ("主要职能", "DOC-TEXT-HIDDEN", 4) and "（八）负责本系统警车管理工作" in hidden[0][3]
    assert any(f[:3] == ("预算编制说明", "DOC-PUNCT-END", 8) and "工作量增加”" in f[3] for f in found)
    assert any(f[:3] == ("项目经费情况说明", "DOC-PUNCT-PAIR", 23) and "优秀调解案例”" in f[3] for f in found)
    # and what the reviewers wrote besides: 17.62 % that is a fall, the old 科目 name, 住房公积金 stated twice
    assert {"TXT-DIRECTION", "TXT-OLD-NAME", "TXT-AMOUNT"} <= {f[1] for f in found if f[0] == "预算编制说明"}
    assert all(f[0] in ("目录", "主要职能", "预算编制说明", "项目经费情况说明") for f in found)


@needs_samples
def test_a_picture_for_each_problem(sfj, sfj_book):
    import io

    import openpyxl
    from PIL import Image

    ws = openpyxl.load_workbook(sfj_book).worksheets[0]
    located = [p for row in sfj.rows for p in row.problems if p.page]
    assert len(located) == sum(len(row.problems) for row in sfj.rows)
    assert len(ws._images) == len(located)
    quote = next(i for i, p in enumerate(located) if p.finding.rule == "DOC-PUNCT-PAIR")
    img = Image.open(io.BytesIO(ws._images[quote]._data())).convert("RGB")
    import numpy as np

    px = np.asarray(img)
    red = int(((px[..., 0] > 200) & (px[..., 1] < 80) & (px[..., 2] < 80)).sum())
    assert red > 100  # the frame drawn around the line with the extra ”
    assert img.height < img.width / 3  # a region of the page, not the page


def _review(path, **kw):
    from budget_xl.review.run import review_pdf

    return review_pdf(path, **kw)


def _rules_on(review, page: int) -> set[str]:
    return {p.finding.rule for row in review.rows for p in row.problems if p.page == page}


@needs_samples
@pytest.mark.parametrize("make, page, rule, item", [
    (lambda s, o: edit_text(s, o, 22, "主要原因是公务接待无变化。", "主要原因是公务接待无变化"), 22, "DOC-PUNCT-END", "其他相关说明"),
    (lambda s, o: edit_text(s, o, 7, "“财政拨款收入”、", "“财政拨款收入””"), 7, "DOC-PUNCT-PAIR", "名词解释"),
    (lambda s, o: edit_text(s, o, 8, "277.22%。主要原因是：业务量增加。", "277.22%。"), 8, "DOC-REASON", "预算编制说明"),
    (lambda s, o: edit_text(s, o, 9, "主要用于：支付养老保险。", "主要用于用于养老保险。"), 9, "DOC-WORD-TWICE", "预算编制说明"),
    (lambda s, o: blank_page(s, o, 6), 6, "DOC-BLANK-PAGE", None),
    (lambda s, o: drop_glyph_map(s, o, 6), 6, "DOC-TEXT-UNMAPPED", None),
    (lambda s, o: edit_text(s, o, 11, "2026年部门收入预算总表", "2025年部门收入预算总表"), 11, "DOC-YEAR", "《部门收入预算总表》"),
    (lambda s, o: edit_text(s, o, 11, "部门收入预算总表", "单位收入预算总表"), 11, "DOC-KIND-WORDS", "《部门收入预算总表》"),
    (lambda s, o: swap_pages(s, o, 6, 7), 2, "DOC-TOC", "目录"),
], ids=["full-stop-deleted", "quote-added", "reason-removed", "word-doubled", "page-blanked", "glyph-map-removed",
        "title-year", "title-kind", "pages-out-of-order"])
def test_each_defect_made_in_the_pdf_is_found(tmp_path, make, page, rule, item, sfj):
    variant = make(SFJ, tmp_path / "variant.pdf")
    assert page_text(variant, page) != page_text(SFJ, page) or rule in ("DOC-TEXT-UNMAPPED", "DOC-TOC")
    assert rule not in _rules_on(sfj, page)
    review = _review(variant)
    assert rule in _rules_on(review, page)
    if item:
        row = next(r for r in review.rows if r.label == item)
        assert not row.ok and rule in {p.finding.rule for p in row.problems}


@needs_samples
def test_a_pdf_saved_sideways_is_reviewed_and_pictured_as_the_upright_one(sfj, tmp_path):
    """Every page's /Rotate turned 90° in a viewer: read as displayed it had 54 problems (one glyph a line); read
    as its text runs, the same problems on the same pages as the upright file, and each 问题截图 upright — the
    blank page 3 (no text to tell its turn) turned with its neighbours."""
    from budget_xl.review.pages import render_region
    from tests.hostile.round_nine import _turned

    turned = tmp_path / "转了90度.pdf"
    turned.write_bytes(_turned(90)())
    review = _review(turned)
    assert [(r, page) for _label, r, page, _m in _problems(review)] == \
        [(r, page) for _label, r, page, _m in _problems(sfj)]
    assert len(_problems(sfj)) == 15
    assert [p.turn for p in review.doc.pages] == [270] * len(review.doc.pages)
    blank = review.doc.page(3)
    picture = render_region(blank.source, blank.local, None, scale=1.0, turn=blank.turn)
    assert picture.size == (842, 595) == (round(blank.width), round(blank.height))  # landscape, as printed


@needs_samples
def test_a_standard_row_deleted_from_the_pdf_is_reported_on_its_page(tmp_path, sfj):
    """The tables are checked as import then check (read back from the imported workbook, which holds every row
    of the form): a row the published document left out is told from the document itself, on its page."""
    variant = edit_text(SFJ, tmp_path / "v.pdf", 10, "三、事业单位经营收入", "")
    review = _review(variant)
    got = [(row.label, p.finding.rule, p.page, p.finding.message) for row in review.rows for p in row.problems
           if p.finding.rule == "C-ROWS"]
    assert got == [("《部门财务收支预算总表》", "C-ROWS", 10,
                    "财务收支总表缺少标准行次：三、事业单位经营收入。请从空白模板复制这些行（行次文字不可改动）。")]
    # and nothing the read-back's own workbook rows would say (READ-…: rows of a workbook the reviewer never sees)
    assert not any(p.finding.rule.startswith("READ-") for row in review.rows for p in row.problems)


@needs_samples
def test_reason_threshold_is_configurable(tmp_path):
    variant = edit_text(SFJ, tmp_path / "v.pdf", 8, "277.22%。主要原因是：业务量增加。", "277.22%。")
    assert "DOC-REASON" not in _rules_on(_review(variant, threshold=Decimal(300)), 8)  # 277.22 % < 300 %


@needs_samples
def test_other_shared_documents_no_new_errors():
    """Document checks are warnings; on the other shared PDFs they report only what is there."""
    from budget_xl.importers.pdf import import_pdf
    from budget_xl.review.document import Context, run_document_checks
    from budget_xl.review.pages import read_document

    seen = {}
    for pdf in sorted(SAMPLES.glob("*.pdf")):
        budget, report = import_pdf(pdf)
        ctx = Context(read_document(pdf), table_pages={p for t in report.tables for p in t.pages}, year=budget.year,
                      kind=budget.budget_type, budget=budget)
        found = run_document_checks(ctx)
        assert all(f.severity == "warning" for f in found)
        seen[pdf.stem] = sorted((f.rule, f.extra["page"]) for f in found)
    assert seen["2023_普陀区万里街道_部门预算"] == [("DOC-ZERO-BASE", 6), ("DOC-ZERO-BASE", 8)]  # 0万元 → “增加100.00%”
    assert seen["2024_普陀区万里街道_部门预算"] == [("DOC-ZERO-BASE", 7)]
    assert seen["2025_普陀区万里街道_部门预算"] == [("DOC-PUNCT-END", 30)]  # “…机关运行经费预算为464.64万元” without 。
    # item 9 of its 主要职能 runs off page 3 and is not printed on page 4 either
    assert seen["2025_普陀区商务委员会_单位预算"] == [("DOC-TEXT-HIDDEN", 3), ("DOC-TEXT-HIDDEN", 4)]


@needs_samples
def test_cli_review_and_batch(tmp_path):
    out = tmp_path / "检查表.xlsx"
    run = run_cli("review", SFJ, "-o", out)
    assert run.returncode == 1, run.stderr
    assert "不符合 4 项" in run.stdout and out.exists()
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.pdf").write_bytes(SFJ.read_bytes())
    (folder / "坏.pdf").write_bytes(b"%PDF-1.4 not really")
    run = run_cli("batch", folder, "--review", tmp_path / "out")
    assert run.returncode == 1, run.stderr
    import openpyxl

    assert (tmp_path / "out" / "a_检查表.xlsx").exists()
    ws = openpyxl.load_workbook(tmp_path / "out" / "汇总.xlsx").active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:6] == ("文件", "部门名称", "年度", "类型", "不符合项", "问题数")
    by_file = {r[0]: r for r in rows[1:]}
    assert by_file["a.pdf"][4] == 4 and by_file["a.pdf"][1] == "上海市普陀区司法局"
    assert by_file["坏.pdf"][-1]  # why it could not be reviewed


def test_review_refuses_what_is_not_a_pdf(tmp_path):
    x = tmp_path / "a.xlsx"
    x.write_bytes(b"")
    run = run_cli("review", x, "-o", tmp_path / "o.xlsx")
    assert run.returncode == 2 and "PDF" in run.stderr and "Traceback" not in run.stderr


def test_checklists_are_valid_data():
    from budget_xl.review.checklist import load_checklist

    for profile in ("shanghai", "national"):
        cl = load_checklist(profile)
        ids = [it.id for it in cl.item]
        assert len(ids) == len(set(ids))
        assert {f"T{i}" for i in range(1, 10)} <= {it.table for it in cl.item}


@needs_samples
def test_fund_text_against_an_empty_fund_table(tmp_path, sfj):
    variant = edit_text(SFJ, tmp_path / "v.pdf", 8, "政府性基金拨款支出预算0万元", "政府性基金拨款支出预算8万元")
    assert "DOC-FUND-ITEMS" not in _rules_on(sfj, 8)
    review = _review(variant)
    assert "DOC-FUND-ITEMS" in _rules_on(review, 8)
    row = next(r for r in review.rows if r.label == "预算编制说明")
    assert any("8万元" in p.finding.message for p in row.problems if p.finding.rule == "DOC-FUND-ITEMS")


@needs_samples
def test_fund_table_items_must_be_in_the_text():
    from budget_xl.importers.pdf import import_pdf
    from budget_xl.model import Row
    from budget_xl.review.document import Context, fund_items
    from budget_xl.review.pages import read_document

    budget, report = import_pdf(SFJ)
    ctx = Context(read_document(SFJ), table_pages={p for t in report.tables for p in t.pages}, budget=budget)
    assert fund_items(ctx) == []
    t7 = budget.tables["T7"]
    t7.rows.append(Row("2296002", {"code": "2296002", "name": "用于社会福利的彩票公益金支出", "total": Decimal("50000.00")}))
    t7.reindex()
    found = fund_items(ctx)
    assert [f.row for f in found] == ["2296002"]
    assert "5.00万元" in found[0].message  # 50000 元 in the table = 5.00 万元


def _doc(pages):
    """A Document from [(line text, x0, top), …] per page: one 10-pt character box per character, all drawn."""
    from budget_xl.review.pages import Char, Document, Line, Page

    out = []
    for n, lines in enumerate(pages, 1):
        page = Page(n, 842, 595, ink_share=0.02 if lines else 0.0)
        for text, x0, top in lines:
            page.lines.append(Line(n, [Char(ch, x0 + 10 * i, x0 + 10 * i + 10, top, top + 10, 0.9)
                                       for i, ch in enumerate(text)]))
        out.append(page)
    return Document("x.pdf", out)


@pytest.mark.parametrize("printed, actual, wrong", [
    ((1, 2, 3), (3, 4, 5), []),          # cover and 目录 unnumbered: one shift for all
    ((1, 2, 4), (3, 4, 5), ["名词解释"]),  # the third entry off by one
    ((1, 3, 2), (3, 5, 4), None),        # order differs from the 目录
])
def test_toc_page_numbers_and_order(printed, actual, wrong):
    from budget_xl.review.document import Context, toc

    names = ["部门主要职能", "部门机构设置", "名词解释"]
    pages = [[("上海市普陀区2026年区级部门预算", 300, 100)],
             [("目录", 400, 50)] + [(f"{'一二三'[i]}、{n}……………………{printed[i]}", 60, 100 + 20 * i) for i, n in enumerate(names)]]
    for p in range(3, 6):
        i = actual.index(p)
        pages.append([(f"上海市普陀区司法局{names[i]}", 300, 60)])
    found = toc(Context(_doc(pages)))
    if wrong is None:
        assert any("顺序与目录不符" in f.message for f in found)
    else:
        assert [n for n in names if any(f"“{'一二三'[names.index(n)]}、{n}”注为" in f.message for f in found)] == wrong


def test_our_own_national_document_gives_no_document_finding(sample_document_pdf):
    """The sample → document → LibreOffice PDF: a correct document, national checklist, no DOC-* finding."""
    review = _review(sample_document_pdf)
    assert review.profile == "national" and review.dept == "承德市司法局"
    assert [row.label for row in review.rows][:4] == ["及时公开部门预算", "封面", "目录", "《部门预算收支总表》"]
    assert [p.finding.message for row in review.rows for p in row.problems if p.finding.rule.startswith("DOC-")] == []
    assert all(row.found for row in review.rows)


@needs_samples
def test_a_final_account_gets_the_final_account_checklist():
    pdf = SAMPLES.parent / "juesuan" / "2024_普陀区财政局_部门决算.pdf"
    if not pdf.exists():
        pytest.skip("决算样本不在本机")
    review = _review(pdf)
    assert review.profile == "shanghai_juesuan" and review.checklist.title.endswith("决算公开情况检查表")
    labels = [row.label for row in review.rows]
    assert labels[0] == "及时公开部门决算" and "《收入支出决算总表》" in labels and "部门决算情况说明" in labels
    # its 情况说明 prints the figures apart from the words (“年初预算为万元”): no punctuation judged there
    assert [p for row in review.rows for p in row.problems if p.finding.rule.startswith("DOC-PUNCT")] == []
    # the tables' errors are what import then check (and batch) finds: its 2 text figures against the tables —
    # checked in memory it also had 2 copy errors the workbook calls 尾差 (326.71 vs 326.72) and a C-ROWS
    from budget_xl.batch.work import check_file

    errors = sorted(p.finding.rule for row in review.rows for p in row.problems
                    if p.finding.severity == "error" and not p.finding.rule.startswith("DOC-"))
    by_batch = sorted(f["rule"] for f in check_file(str(pdf)).findings if f["severity"] == "error")
    assert errors == by_batch and len(errors) == 2


def test_a_page_whose_figures_are_set_apart():
    from budget_xl.review.document import figures_apart

    doc = _prose("年初预算为万元，支出决算为万元，完成年初预算的。", "主要用于：基本支出。")
    assert figures_apart(doc.pages[1])
    assert not figures_apart(_prose("年初预算为12.5万元，支出决算为11万元。").pages[1])


JIANGSU = SAMPLES.parent / "jiangsu" if SAMPLES else None


@needs_samples
def test_a_document_in_two_pdfs_is_one_checklist(tmp_path):
    """Jiangsu publishes 说明 and 公开表 apart: reviewed together, its own checklist, every table found on its page."""
    from budget_xl.review.cli import documents

    pair = [JIANGSU / "2019_江苏省政协办公厅_部门预算_说明.pdf", JIANGSU / "2019_江苏省政协办公厅_部门预算_公开表.pdf"]
    if not all(p.exists() for p in pair):
        pytest.skip("江苏样本不在本机")
    assert documents(list(reversed(pair)) + [SFJ]) == [pair, [SFJ]]
    review = _review(pair)
    assert review.profile == "jiangsu" and review.year == 2019
    assert len(review.rows) == 18 and all(row.found for row in review.rows)
    assert [p.finding.rule for row in review.rows for p in row.problems if p.finding.rule.startswith("DOC-")] == []
    # a correct document: no problem under any table (the blank-printed rows once gave “缺少标准行次”)
    assert [p.finding.rule for row in review.rows if row.item.table for p in row.problems] == []
    # read in the order given back: the 说明's pages first, then the 公开表's
    assert [p.source for p in review.doc.pages] == sorted((p.source for p in review.doc.pages),
                                                          key=lambda s: s != str(pair[0]))


@needs_samples
def test_summary_of_a_department_and_a_unit_budget_shares_columns(tmp_path):
    import openpyxl

    from budget_xl.review.workbook import write_summary

    reviews = [_review(SAMPLES / "2024_普陀区万里街道_部门预算.pdf"), _review(SAMPLES / "2025_普陀区商务委员会_单位预算.pdf")]
    write_summary(reviews, tmp_path / "汇总.xlsx")
    rows = list(openpyxl.load_workbook(tmp_path / "汇总.xlsx").active.iter_rows(values_only=True))
    head = rows[0]
    assert len(head) == 6 + 18 + 1 and "《财务收支预算总表》" in head
    unit = dict(zip(head, rows[2]))
    assert unit["类型"] == "单位预算" and unit["主要职能"] == "否"  # item 9 of its 主要职能 does not display
    assert unit["项目经费情况说明"] == "无" and unit["不符合项"] == 1
    # its 三公 table prints every column, most of them blank (page 21): no row is missing (this was a false
    # C-ROWS “缺少标准行次：因公出国（境）费…” when blank columns were dropped)
    t9 = next(r for r in reviews[1].rows if r.item.id == "T9")
    assert t9.found and t9.problems == []


def _prose(*paras: str):
    """A cover, then one page of left-aligned paragraphs (each one line) — what the text checks read."""
    lines = [(t, 60, 100 + 30 * i) for i, t in enumerate(paras)]
    return _doc([[("上海市普陀区2026年区级部门预算", 300, 100)], lines])


@pytest.mark.parametrize("paras, rule, hits", [
    (("2026年“三公”经费预算数为10.81万元，比2025年预算持平。", "2026年“三公”经费预算为10.18万元，用于公务接待。"), "DOC-SAME-FIGURE", 1),
    (("2026年“三公”经费预算数为10.81万元，比2025年预算持平。", "2025年“三公”经费预算为12.00万元，用于公务接待。"), "DOC-SAME-FIGURE", 0),
    (("2025年当年预算执行数为0万元，2026年预算安排5万元，比2025年预算执行数增长100%。",), "DOC-ZERO-BASE", 1),
    (("2025年当年预算执行数为4万元，2026年预算安排5万元，比2025年预算执行数增长25%。主要原因是人员增加。",), "DOC-ZERO-BASE", 0),
    (("2025年当年预算执行数为4万元，2026年预算安排5万元，比2025年预算执行数增长25。主要原因是人员增加。",), "DOC-PCT-SIGN", 1),
    (("2025年当年预算执行数为4万元，2026年预算安排5万元，比2025年预算执行数增长25%。",), "DOC-REASON", 1),
    (("2025年当年预算执行数为4万元，2026年预算安排4.2万元，比2025年预算执行数增长5%。",), "DOC-REASON", 0),
    (("2026年收入预算100万元，比2025年预算增加30万元。", "收入增加的主要原因是人员增加。"), "DOC-REASON", 0),
    (("主要用于用于行政单位的基本支出，保障机构正常运转。",), "DOC-WORD-TWICE", 1),
    (("用于发放9名在职人员人员经费，保障机构正常运转。",), "DOC-WORD-TWICE", 0),  # 人员 + 人员经费
    (("用于发放在职人员经费在职人员经费，保障机构正常运转。",), "DOC-WORD-TWICE", 1),
    (("主要用于行政单位的基本支出，保障机构正常运转（含离退休人员。",), "DOC-PUNCT-PAIR", 1),
])
def test_text_checks_on_built_pages(paras, rule, hits):
    from budget_xl.review.document import DOC_CHECKS, Context

    fn = dict(DOC_CHECKS)[rule]
    assert len(fn(Context(_prose(*paras), year=2026))) == hits

def test_a_page_with_only_its_number_is_blank():
    from budget_xl.review.document import Context, blank_pages
    doc = _doc([[("上海市普陀区2026年区级部门预算", 300, 100)], [("—2—", 400, 560)], [("名词解释", 400, 60)]])
    doc.pages[1].ink_share = 0.0004
    assert [f.extra["page"] for f in blank_pages(Context(doc))] == [2]


@pytest.mark.parametrize("paras, hits", [
    (("（一）人员经费8308.53万元。主要包括：基本工资、津贴补贴、奖金、绩效工资。",) * 2, 1),  # printed twice in a row
    (("（一）人员经费8308.53万元。主要包括：基本工资、津贴补贴、奖金、绩效工资。", "二、一般公共预算基本支出情况",
      "一般公共预算基本支出10403.11万元，其中：", "（二）公用经费2094.58万元。主要包括：办公费、水费、电费。",
      "（一）人员经费8308.53万元。主要包括：基本工资、津贴补贴、奖金、绩效工资。"), 0),  # the same item in another section
])
def test_a_paragraph_printed_twice(paras, hits):
    from budget_xl.review.document import Context, repeated_paragraphs
    assert len(repeated_paragraphs(Context(_prose(*paras), year=2026))) == hits
