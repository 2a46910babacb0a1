"""Hostile input, round eleven: published PDFs and texts as they really come (tests/hostile/round_eleven_pdf.py).

Found failing: a PDF whose every page is drawn twice a fraction of a point apart (filled, then stroked)
read every title twice (“2024年部门财务收支预算总表2024年部门财务收支预算总表”) and was refused as tables of
no known template; a PDF whose fonts carry no ToUnicode map was said to hold “no table title”, its text
layer (“౨ںೇ”, control characters for digits) read as words; pages scaled to other sizes (A3 beside A4, a
page shrunk to fit) cut the 说明 into a paragraph per line (a false TXT-LEFTOVER “主要原因是”后面没有写原因);
a PDF of blank pages was called a scan; the review of a thousand pages ran six minutes, most of it
rendering and encoding a picture for each of its thousands of problems; a text with a soft hyphen in its
figures (Word's optional hyphen) imported with 300 figures lost, one with soft hyphens in its titles was
“找不到预算公开表格”; a text hard-wrapped at 80 columns imported with rows and labels cut (“效益指标” became
“准”) and said nothing; UTF-8 read as Windows-1252 and saved again, and a web page's source saved as .txt,
were only “找不到预算公开表格”.

Kinds that already behaved (kept in the probe, ``--round 11``): fake bold glyph by glyph (two or three
times) and text object by text object (pdfium folds them), an OCR'd scan with an invisible text layer,
comments, sticky notes and form fields over the tables, our own ``document`` output saved as PDF by
LibreOffice (the sample's 362 figures back, no error); a thousand pages is imported in about 14 s (the
tables of its first copy)."""

import hashlib
from pathlib import Path

import pytest

from tests.hostile import round_eleven_pdf
from tests.hostile.test_corpus import run


def build(name: str, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return round_eleven_pdf.short_inputs()[name](folder)


def _digest(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def _figures(budget) -> list[tuple]:
    """Everything a budget holds that check reads: each table's unit and rows with their values (the
    说明's paragraphs among them); two imports that should read alike compare equal."""
    return sorted((key, t.unit, t.present, i, row.key, tuple(sorted((c, str(v)) for c, v in row.values.items())))
                  for key, t in budget.tables.items() for i, row in enumerate(t.rows))


def _imported(src: Path) -> tuple[list[str], list[tuple]]:
    """What ``import`` says it found in ``src`` and what it read (in-process, no workbook written: a check of
    the same budget finds the same)."""
    from budget_xl.importers.cli import import_source

    budget, report = import_source(src)
    return [f"{t.title} {t.pages} {t.rows}" for t in report.tables], _figures(budget)


@pytest.fixture(scope="module")
def original(tmp_path_factory) -> tuple[list[str], list[tuple]]:
    """What the short copy of the Shanghai PDF as published imports as."""
    src = tmp_path_factory.mktemp("original") / "原.pdf"
    src.write_bytes(round_eleven_pdf._bytes(round_eleven_pdf._writer(round_eleven_pdf.SHORT)))
    return _imported(src)


@pytest.fixture(scope="module")
def seed(tmp_path_factory) -> tuple[list[str], list[tuple]]:
    """What the seed text imports as."""
    from tests.hostile.round_four import seed_text

    src = tmp_path_factory.mktemp("seed") / "公开.txt"
    src.write_text(seed_text(), encoding="utf-8")
    return _imported(src)


# -- PDFs -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["pdf-page-twice", "pdf-mixed-sizes"])
def test_a_pdf_printed_as_real_ones_are_imports_as_the_original(name, tmp_path, original):
    src = build(name, tmp_path / "in")
    before = _digest(src)
    assert _imported(src) == original
    assert _digest(src) == before


def test_the_short_copy_reads_its_three_tables(original):
    assert [t.split(" [")[0] for t in original[0]] == ["部门财务收支预算总表", "部门财政拨款收支预算总表",
                                                      "部门“三公”经费和机关运行经费预算表"]
    assert any(key == "TEXT" for key, *_ in original[1])


def test_a_pdf_drawn_twice_is_reviewed_as_printed_once_its_pictures_bounded(tmp_path, monkeypatch):
    import openpyxl

    from budget_xl.review import workbook

    monkeypatch.setattr(workbook, "MAX_PICTURES", 1)
    src = tmp_path / "整页印两遍.pdf"  # two pages: the 编制说明's first and the 收支总表
    src.write_bytes(round_eleven_pdf._restream(round_eleven_pdf._page_twice, (5, 9))())
    code, text = run(["review", str(src), "-o", str(tmp_path / "检查.xlsx")])
    assert code == 1 and "不符合" in text and "2024年部门财务收支预算总表2024年" not in text, text
    ws = openpyxl.load_workbook(tmp_path / "检查.xlsx").worksheets[0]
    left = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "处问题未附截图" in c.value]
    assert len(ws._images) == 1 and left and "截图只附前 1 处" in left[0], left


def test_a_pdf_of_blank_pages_is_said_to_be_blank_not_a_scan(tmp_path):
    src = build("pdf-blank-pages", tmp_path / "in")
    code, text = run(["import", str(src), "-o", str(tmp_path / "导入.xlsx")])
    assert code == 2 and "3 页都是空白页" in text and "扫描件" not in text, text


def test_a_glyph_printed_again_over_itself_is_read_once():
    from budget_xl.importers.pdf import Overprint

    drawn = Overprint()
    assert not drawn.again("1", 10.0, 14.5, 100.0, 109.0)
    assert drawn.again("1", 10.3, 14.8, 100.2, 109.2)  # fake bold: 0.3 pt off
    assert not drawn.again("1", 14.5, 19.0, 100.0, 109.0)  # “11”: the next digit, a width on
    assert not drawn.again("2", 10.3, 14.8, 100.0, 109.0)  # another character in the same place
    assert not drawn.again("1", 10.0, 14.5, 112.0, 121.0)  # the line below


def test_fonts_without_a_unicode_map_are_said_not_read_as_words(tmp_path):
    src = build("pdf-no-tounicode", tmp_path / "in")
    before = _digest(src)
    for argv in (["import", str(src), "-o", str(tmp_path / "导入.xlsx")], ["review", str(src), "-o", str(tmp_path / "检查.xlsx")]):
        code, text = run(argv)
        assert code == 2 and "字体没有附带字符映射" in text and "乱码" in text and "找不到任何" not in text, text
        assert "没有文字层（可能是扫描件" not in text
    assert not (tmp_path / "导入.xlsx").exists() and _digest(src) == before


def test_pages_whose_fonts_have_no_unicode_map_are_named(tmp_path):
    src = build("pdf-no-tounicode-pages", tmp_path / "in")
    code, text = run(["import", str(src), "-o", str(tmp_path / "导入.xlsx")])
    assert code == 0 and "没有文字（第7页）" in text and "字体没有附带字符映射" in text, text
    assert "未找到：部门财政拨款收支预算总表" in text and "找到：部门财务收支预算总表（第6页，18行" in text


def test_paragraphs_wrap_at_the_margin_of_their_own_page_size():
    from budget_xl.importers.pdf import Line, Word, _paragraphs

    def line(page: int, width: float, x1: float, text: str) -> Line:
        return Line(page, 0, [Word(text, 50, x1, 0)], width=width)

    a4 = [line(1, 595, 545, "主要原因是：人员增加，"), line(1, 595, 300, "经费相应增加。"), line(1, 595, 200, "一、另一段")]
    small = [line(2, 417, 382, "主要原因是：人员增加，"), line(2, 417, 200, "经费相应增加。")]
    assert [t for _, t in _paragraphs(a4 + small)] == ["主要原因是：人员增加，经费相应增加。", "一、另一段",
                                                       "主要原因是：人员增加，经费相应增加。"]


# -- texts ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["txt-soft-hyphen-titles", "txt-soft-hyphen-figures"])
def test_soft_hyphens_are_not_read(name, tmp_path, seed):
    assert _imported(build(name, tmp_path / "in")) == seed


@pytest.mark.parametrize("name, said", [
    ("txt-wrapped-80", "第 80 个字符处被强行折断"),
    ("txt-mojibake-1252", "如“å¹´”原是“年”"),
    ("txt-mojibake-latin1", "UTF-8 编码的中文被当作西文"),
    ("txt-html-source", "网页（HTML）的源代码"),
])
@pytest.mark.parametrize("command", ["import", "batch"])
def test_a_text_mangled_on_its_way_is_said_for_what_it_is(name, said, command, tmp_path):
    src = build(name, tmp_path / "in")
    before = _digest(src)
    argv = {"import": ["import", str(src), "-o", str(tmp_path / "导入.xlsx")],
            "batch": ["batch", str(src), "--report", str(tmp_path / "汇总.xlsx"), "--jobs", "1"]}[command]
    code, text = run(argv)
    if command == "import":
        assert code == 2 and said in text and not (tmp_path / "导入.xlsx").exists(), text
    else:
        assert code != 0 and said in text, text
    assert _digest(src) == before


def test_a_text_with_long_lines_of_different_lengths_is_not_called_wrapped():
    from budget_xl.importers.cli import hard_wrapped
    from tests.hostile.round_four import seed_text

    assert hard_wrapped(seed_text()) is None
    assert hard_wrapped(round_eleven_pdf._wrapped(seed_text(), 72)) == 72


def test_a_long_pdf_renders_a_bounded_number_of_pages_and_says_so(tmp_path, monkeypatch):
    """Pages beyond ``RENDERED_PAGES`` with text are checked by their text layer only (a thousand pages spent
    half a minute rendering): the rendered pages do not grow with the document, the checklist and the CLI say
    which pages were checked by text only. Counted, not timed: the limit is lowered to 2 on a few pages."""
    import openpyxl

    from budget_xl.review import pages
    from tests.hostile.round_four import SHANGHAI_PDF, _repeat

    assert pages.RENDERED_PAGES >= 200  # a normal document (< 200 pages) is rendered whole
    monkeypatch.setattr(pages, "RENDERED_PAGES", 2)
    rendered = []
    real = pages._dark
    monkeypatch.setattr(pages, "_dark", lambda pg, *a: rendered.append(1) or real(pg, *a))
    for n in (6, 12):
        src = tmp_path / f"{n}页.pdf"
        src.write_bytes(_repeat(SHANGHAI_PDF.read_bytes(), n))
        rendered.clear()
        doc = pages.read_documents([src])
        with_text = [p.number for p in doc.pages if p.rendered and p.lines]
        assert len(rendered) == sum(p.rendered for p in doc.pages) and with_text == [1, 2], with_text
        assert doc.text_only and doc.text_only[0] == 3 and len(doc.text_only) >= n - 4, doc.text_only
        assert f"第3页起的{len(doc.text_only)}页只按文字层检查" in doc.limit_note, doc.limit_note
    small = pages.read_documents([tmp_path / "6页.pdf"])
    monkeypatch.setattr(pages, "RENDERED_PAGES", 200)
    assert pages.read_documents([tmp_path / "6页.pdf"]).limit_note == "" and small.limit_note
    monkeypatch.setattr(pages, "RENDERED_PAGES", 2)
    src = tmp_path / "四页.pdf"  # the 编制说明's first page and the 收支总表, twice: its second copy by text only
    src.write_bytes(_pick(SHANGHAI_PDF, (5, 9, 5, 9)))
    code, text = run(["review", str(src), "-o", str(tmp_path / "检查.xlsx")])
    assert "只按文字层检查" in text and "第3页起的2页" in text, text
    ws = openpyxl.load_workbook(tmp_path / "检查.xlsx").worksheets[0]
    said = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "只按文字层检查" in c.value]
    assert said and said[0].startswith("说明：本文件共4页"), said


def test_item_lines_look_each_name_up_once_however_often_the_document_repeats():
    """The 类款项 lookup of the item paragraphs compared every paragraph with every row three levels deep: a
    thousand pages (the sample 33 times) took 18 s. Rows and paragraphs five times over: no more comparisons,
    five times the findings."""
    from budget_xl.importers.pdf import import_pdfs
    from budget_xl.rules import text
    from tests.hostile.round_four import SHANGHAI_PDF

    budget, _report = import_pdfs([SHANGHAI_PDF])
    calls = []
    real = text._same_name
    text._same_name = lambda *a, **k: calls.append(1) or real(*a, **k)
    try:
        once = text.item_lines(budget)
        n = len(calls)
        for key in ("T5", "T3", "TEXT"):
            budget.tables[key].rows = budget.tables[key].rows * 5
        calls.clear()
        five = text.item_lines(budget)
    finally:
        text._same_name = real
    assert n > 100 and len(calls) == n, (n, len(calls))
    assert len(five) == 5 * len(once) and once, (len(once), len(five))


def _pick(src: Path, pages) -> bytes:
    """The PDF of ``src``'s pages ``pages`` (0-based), in that order."""
    import io

    from pypdf import PdfReader, PdfWriter

    r, w = PdfReader(src), PdfWriter()
    for i in pages:
        w.add_page(r.pages[i])
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()
