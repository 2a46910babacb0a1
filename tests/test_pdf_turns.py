"""Which way a PDF's pages are read: under the turn their text runs left to right in, one decision per PDF —
a page with no text to tell (a cover, a blank page) turned with its neighbours, before them too."""

from __future__ import annotations

import io

import pytest

from tests.hostile.round_nine import SHANGHAI_2026

pytestmark = pytest.mark.skipif(not SHANGHAI_2026.exists(), reason="上海样本不在本机")


def _turned_with_blank_first(rotate: int, pages: int = 3) -> bytes:
    """The first ``pages`` pages of the 2026 Shanghai PDF behind a blank page, every page's /Rotate set."""
    import pypdf
    from pypdf.generic import NameObject, NumberObject

    src = pypdf.PdfReader(str(SHANGHAI_2026))
    wr = pypdf.PdfWriter()
    first = src.pages[0]
    wr.add_blank_page(float(first.mediabox.width), float(first.mediabox.height))
    for p in src.pages[:pages]:
        wr.add_page(p)
    for p in wr.pages:
        p[NameObject("/Rotate")] = NumberObject(rotate)
    out = io.BytesIO()
    wr.write(out)
    return out.getvalue()


@pytest.mark.parametrize("rotate, turn", [(0, 0), (90, 270), (180, 180), (270, 90), (-450, 90)])
def test_a_blank_first_page_takes_the_turn_of_the_pages_after_it(rotate, turn, tmp_path):
    from budget_xl.importers.pdf import each_page_turned, open_pdfium

    f = tmp_path / "封面空白.pdf"
    f.write_bytes(_turned_with_blank_first(rotate))
    calls: list[tuple[int, int]] = []
    pdf = open_pdfium(f)
    try:
        got = each_page_turned(pdf, lambda i, page, tp, t: (calls.append((i, t)), t)[1])
    finally:
        pdf.close()
    assert got == [turn] * 4
    # the blank page is read again only when the PDF is turned
    assert calls == [(0, 0), (1, turn), (2, turn), (3, turn)] + ([(0, turn)] if turn else [])


@pytest.mark.parametrize("rotate", [90, 180, 270])
def test_the_importer_reads_a_turned_pdf_as_the_upright_one(rotate, tmp_path):
    """180° too: pdfium lists a turned page's glyphs backwards, and deciding by their order read it upside down
    (“局法司区陀普市海上…”); each glyph's own angle does not depend on the order."""
    from budget_xl.importers.pdf import _lines_pdfium

    upright, turned = tmp_path / "正.pdf", tmp_path / "转.pdf"
    upright.write_bytes(_turned_with_blank_first(0))
    turned.write_bytes(_turned_with_blank_first(rotate))
    assert [line.text for line in _lines_pdfium(turned)] == [line.text for line in _lines_pdfium(upright)]
    assert len(_lines_pdfium(upright)) == 19  # cover and 目录 lines (by hand: pdftotext shows the same 19)
